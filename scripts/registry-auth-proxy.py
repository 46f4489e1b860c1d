#!/usr/bin/env python3
"""registry-auth-proxy.py UPSTREAM_PORT USER PASSWORD [--basic] — puts authentication in
front of a local docker-registry for the tests: by default the Docker token flow (a
401 with `WWW-Authenticate: Bearer realm=…/token,service=…,scope=…`, a /token endpoint
that checks USER and PASSWORD by basic auth and hands out a token, and every /v2/
request requiring `Authorization: Bearer <token>`); with --basic, plain basic auth.
Blob downloads are answered with a 307 to a second path without authentication, as
object storage behind a registry would. For the error tests, --no-auth lets every
request through, --fail-first N answers the first N /v2/ requests with --fail-status
(429 with Retry-After: 1, or a 5xx), --forbidden answers 403 to manifests, and
--tamper adds a byte to every manifest, so that its digest no longer matches.
Prints its port, then serves."""
import argparse, base64, secrets, threading, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("upstream", type=int)
ap.add_argument("user")
ap.add_argument("password")
ap.add_argument("--basic", action="store_true")
ap.add_argument("--no-auth", action="store_true")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--fail-status", type=int, default=503)
ap.add_argument("--forbidden", action="store_true")
ap.add_argument("--tamper", action="store_true")
args = ap.parse_args()
failures = [0]
tokens = set()
lock = threading.Lock()
expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.serve(body=True)

    def do_HEAD(self):
        self.serve(body=False)

    def serve(self, body):
        port = self.server.server_address[1]
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/token"):
            if auth != expected:
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
            token = secrets.token_hex(16)
            with lock:
                tokens.add(token)
            return self.reply(200, ('{"token":"%s"}' % token).encode())
        if self.path.startswith("/storage/"):  # the redirect target: no credentials sent or needed
            if auth:
                return self.reply(400, b"credentials leaked to storage")
            return self.proxy("/v2/" + self.path[len("/storage/"):], body)
        if self.path.startswith("/v2/") and self.path != "/v2/":
            with lock:
                failing = failures[0] < args.fail_first
                failures[0] += 1
            if failing:
                extra = {"Retry-After": "1"} if args.fail_status == 429 else {}
                return self.reply(args.fail_status, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', extra)
            if args.forbidden and "/manifests/" in self.path:
                return self.reply(403, b'{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}')
        if args.no_auth:
            return self.proxy(self.path, body)
        ok = auth == expected if args.basic else auth.startswith("Bearer ") and auth[7:] in tokens
        if not ok:
            challenge = ('Basic realm="test"' if args.basic else
                         f'Bearer realm="http://127.0.0.1:{port}/token",service="test-registry",scope="repository:fixture/api:pull"')
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
        if "/blobs/" in self.path and not self.path.endswith("/uploads/"):
            # Another host name for the same server: credentials must not follow.
            return self.reply(307, b"", {"Location": f"http://localhost:{port}/storage/" + self.path[len("/v2/"):]})
        return self.proxy(self.path, body)

    def proxy(self, path, body):
        request = urllib.request.Request(f"http://127.0.0.1:{args.upstream}{path}", method=self.command)
        for name in ("Accept",):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request) as response:
                data = response.read() if body else b""
                headers = {k: v for k, v in response.headers.items() if k.lower() in ("content-type", "docker-content-digest")}
                headers["Content-Length"] = response.headers.get("Content-Length", str(len(data)))
                if args.tamper and "/manifests/" in path:
                    data = data + b" " if body else data
                    headers["Content-Length"] = str(int(headers["Content-Length"]) + 1)
                return self.reply(response.status, data, headers, length_set=True)
        except urllib.error.HTTPError as error:
            return self.reply(error.code, error.read())

    def reply(self, status, data, headers=None, length_set=False):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if not length_set:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, *a):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
