#!/usr/bin/env python3
"""webhook-receiver.py LOG [--secret S] [--fail-first N] [--status CODE]
[--retry-after SECONDS] [--delay SECONDS] [--port PORT]

A real HTTP receiver for sizebudget's webhooks (tests, demo, bench). Every request is
verified with the reference Standard Webhooks library (PyPI: standardwebhooks) and
appended to LOG as one JSON line: webhook-id, verified, type, the status answered,
and the body. The first N requests get CODE (500 by default, with Retry-After when
given); --delay makes every answer slow. Prints the port it listens on, then serves.
"""
import argparse, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("--secret")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--status", type=int, default=500)
ap.add_argument("--retry-after")
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--port", type=int, default=0)
args = ap.parse_args()
lock = threading.Lock()
state = {"requests": 0}
verifier = Webhook(args.secret) if args.secret else None


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with lock, open(args.log + ".arrivals", "a") as f:  # before any --delay
            f.write(f"{self.headers.get('webhook-id')}\n")
        with lock:
            state["requests"] += 1
            failing = state["requests"] <= args.fail_first
        verified = None
        if verifier:
            try:
                verifier.verify(body.decode(), {k.lower(): v for k, v in self.headers.items()})
                verified = True
            except WebhookVerificationError:
                verified = False
        if args.delay:
            time.sleep(args.delay)
        status = args.status if failing else (200 if verified is not False else 401)
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        record = {"id": self.headers.get("webhook-id"), "verified": verified, "type": event.get("type"),
                  "status": status, "authorization": self.headers.get("authorization"), "path": self.path,
                  "body": body.decode()}
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(status)
        if failing and args.retry_after is not None:
            self.send_header("Retry-After", args.retry_after)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok\n" if status < 300 else b"no\n")

    def log_message(self, *a):
        pass


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
