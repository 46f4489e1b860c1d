#!/usr/bin/env python3
"""smtp-receiver.py DIR [--user U --password P] — a real SMTP server (aiosmtpd) on
127.0.0.1 for the report tests and the demo: each message is written to DIR/N.eml
with its envelope in DIR/N.json. With --user, AUTH is required (PLAIN or LOGIN,
without TLS on loopback), and every AUTH attempt's user name is appended to
DIR/auth-attempts (so a test can tell that no credentials were sent). Prints its port, then serves until killed."""
import argparse, asyncio, json, os, socket, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--user")
ap.add_argument("--password")
args = ap.parse_args()
os.makedirs(args.dir, exist_ok=True)
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            n = len([f for f in os.listdir(args.dir) if f.endswith(".eml")]) + 1
            with open(os.path.join(args.dir, f"{n}.eml"), "wb") as f:
                f.write(envelope.original_content or envelope.content)
            with open(os.path.join(args.dir, f"{n}.json"), "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "login": session.login_data.decode() if isinstance(session.login_data, bytes) else session.login_data}, f)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    with lock, open(os.path.join(args.dir, "auth-attempts"), "a") as f:
        f.write(auth_data.login.decode(errors="replace") + "\n")
    ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
    return AuthResult(success=ok)


s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False) if args.user else {}
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print(port, flush=True)
threading.Event().wait()
