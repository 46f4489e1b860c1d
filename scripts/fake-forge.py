#!/usr/bin/env python3
"""fake-forge.py FORGE CONFIG.json [--port PORT]

A stand-in for GitHub's, GitLab's or Gitea's REST API (stdlib only), for sizebudget's
forge delivery tests. It keeps real state (comments, statuses), answers with the real
shapes and status codes, and prints the port it listens on, then serves.

FORGE is github (API under /api/v3, as GitHub Enterprise), gitlab (/api/v4) or gitea
(/api/v1). CONFIG:

  {"repository": "acme/shop", "project_id": 42,        # GitLab: by id or by path
   "tokens": {"TOKEN": {"login": "bot", "write": true, "app": false}},
   "pulls": [{"number": 7, "head": "<sha>", "state": "open"}],
   "comments": {"7": [{"user": "alice", "body": "..."}]},   # seeded, oldest first
   "commits": ["<sha>", ...],     # statuses on other commits: 422 (absent: any sha)
   "per_page_max": 100, "delay": 0, "create_barrier": 0,
   "faults": [{"method": "POST", "path": "/statuses/", "status": 429, "times": 1,
               "headers": {"Retry-After": "1"}, "reset_in": 2, "delay": 0}]}

An `app` token is GitHub Actions' GITHUB_TOKEN: it may not read /user. A token
without `write` is a fork's: every write is 403. `create_barrier: N` holds each
comment creation until N have arrived (two CI jobs racing). `reset_in` sets
x-ratelimit-reset (and ratelimit-reset) to now + that many seconds.

GET /_state answers {"comments": {PR: [...]}, "statuses": [...], "requests": [...]};
POST /_control replaces "faults" and "delay".
"""
import json, re, sys, threading, time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, unquote

FORGE = sys.argv[1]
CONFIG = json.load(open(sys.argv[2]))
PORT = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
PREFIX = {"github": "/api/v3", "gitlab": "/api/v4", "gitea": "/api/v1"}[FORGE]
lock = threading.Condition()
state = {"next_id": 1000, "comments": {}, "statuses": [], "requests": [], "creates_waiting": 0}
faults = [dict(f) for f in CONFIG.get("faults", [])]
delay = CONFIG.get("delay", 0)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_object(login):
    if FORGE == "gitlab":
        return {"id": abs(hash(login)) % 100000, "username": login, "name": login, "state": "active"}
    return {"id": abs(hash(login)) % 100000, "login": login, "type": "Bot" if login.endswith("[bot]") else "User"}


def comment_object(pr, c):
    if FORGE == "gitlab":
        return {"id": c["id"], "type": None, "body": c["body"], "author": user_object(c["user"]),
                "created_at": c["created_at"], "updated_at": c["updated_at"], "system": c.get("system", False),
                "noteable_type": "MergeRequest", "noteable_iid": int(pr), "resolvable": False}
    return {"id": c["id"], "body": c["body"], "user": user_object(c["user"]), "created_at": c["created_at"],
            "updated_at": c["updated_at"], "html_url": f"http://forge/{CONFIG['repository']}/pull/{pr}#c{c['id']}"}


def add_comment(pr, user, body, system=False):
    state["next_id"] += 1
    c = {"id": state["next_id"], "user": user, "body": body, "created_at": now_iso(), "updated_at": now_iso(),
         "system": system}
    state["comments"].setdefault(str(pr), []).append(c)
    return c


for pr, seeded in CONFIG.get("comments", {}).items():
    for c in seeded:
        add_comment(pr, c["user"], c["body"], c.get("system", False))


def error_body(status, message):
    if FORGE == "github":
        return {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}
    if FORGE == "gitlab":
        return {"message": f"{status} {message}"}
    return {"message": message, "url": "https://gitea.example/api/swagger"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def token(self):
        h = self.headers
        for name in ("Authorization",):
            v = h.get(name, "")
            for scheme in ("Bearer ", "token "):
                if v.startswith(scheme):
                    return v[len(scheme):]
        return h.get("PRIVATE-TOKEN") or h.get("JOB-TOKEN")

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path == "/_state":
            with lock:
                return self.answer(200, {"comments": state["comments"], "statuses": state["statuses"],
                                         "requests": state["requests"]})
        if path == "/_control":
            global faults, delay
            control = json.loads(raw or b"{}")
            with lock:
                faults = control.get("faults", [])
                delay = control.get("delay", 0)
            return self.answer(204)
        with lock:
            state["requests"].append([method, self.path])
            fault = next((f for f in faults if f.get("times", 1) > 0 and f.get("method", method) == method
                          and f.get("path", "") in path), None)
            if fault:
                fault["times"] = fault.get("times", 1) - 1
            pause = delay
        if pause:
            time.sleep(pause)
        if fault:
            time.sleep(fault.get("delay", 0))
            headers = dict(fault.get("headers", {}))
            if "reset_in" in fault:
                reset = str(int(time.time()) + fault["reset_in"])
                headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset, "ratelimit-reset": reset,
                                "ratelimit-remaining": "0"})
            return self.answer(fault["status"], error_body(fault["status"], fault.get("message", "fault")), headers)
        if not path.startswith(PREFIX):
            return self.answer(404, error_body(404, "Not Found"))
        path = path[len(PREFIX):]
        token = CONFIG.get("tokens", {}).get(self.token() or "")
        if token is None:
            return self.answer(401, error_body(401, "Bad credentials" if FORGE == "github" else "Unauthorized"))
        body = json.loads(raw) if raw else {}
        return self.route(method, path, query, body, token)

    def forbidden(self):
        text = {"github": "Resource not accessible by integration", "gitlab": "Forbidden",
                "gitea": "user should have a permission to write to a repo"}[FORGE]
        return self.answer(403, error_body(403, text))

    def page(self, items, query):
        size_key = "limit" if FORGE == "gitea" else "per_page"
        size = min(int(query.get(size_key, ["30"])[0]), CONFIG.get("per_page_max", 100))
        number = int(query.get("page", ["1"])[0])
        chunk = items[(number - 1) * size: number * size]
        last = max(1, (len(items) + size - 1) // size)
        base = f"http://127.0.0.1:{self.server.server_port}{urlsplit(self.path).path}"
        links = []
        if number < last:
            links.append(f'<{base}?{size_key}={size}&page={number + 1}>; rel="next"')
            links.append(f'<{base}?{size_key}={size}&page={last}>; rel="last"')
        if number > 1:
            links.append(f'<{base}?{size_key}={size}&page=1>; rel="first"')
            links.append(f'<{base}?{size_key}={size}&page={number - 1}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else {}
        if FORGE == "gitlab":
            headers.update({"X-Page": str(number), "X-Per-Page": str(size), "X-Total": str(len(items)),
                            "X-Next-Page": str(number + 1) if number < last else ""})
        if FORGE == "gitea":
            headers["X-Total-Count"] = str(len(items))
        return self.answer(200, chunk, headers)

    def pull(self, number):
        return next((p for p in CONFIG.get("pulls", []) if p["number"] == number), None)

    def route(self, method, path, query, body, token):
        repo = CONFIG["repository"]
        if FORGE == "gitlab":
            m = re.match(r"^/projects/([^/]+)(/.*)?$", path)
            if path == "/user":
                return self.answer(200, user_object(token["login"]))
            if not m or unquote(m.group(1)) not in (repo, str(CONFIG.get("project_id"))):
                return self.answer(404, error_body(404, "Project Not Found"))
            rest = m.group(2) or ""
            notes = re.match(r"^/merge_requests/(\d+)/notes(?:/(\d+))?$", rest)
            status = re.match(r"^/statuses/([0-9a-f]+)$", rest)
            commit_mrs = re.match(r"^/repository/commits/([0-9a-f]+)/merge_requests$", rest)
        else:
            if path == "/user":
                if token.get("app"):
                    return self.forbidden()
                return self.answer(200, user_object(token["login"]))
            prefix = f"/repos/{repo}"
            if not path.startswith(prefix + "/"):
                return self.answer(404, error_body(404, "Not Found"))
            rest = path[len(prefix):]
            notes = re.match(r"^/issues/(\d+)/comments$", rest)
            one = re.match(r"^/issues/comments/(\d+)$", rest)
            status = re.match(r"^/statuses/([0-9a-f]+)$", rest)
            commit_mrs = re.match(r"^/commits/([0-9a-f]+)/pulls$", rest)
            if one:
                notes = None
                return self.one_comment(method, int(one.group(1)), None, body, token)
        if notes and (FORGE != "gitlab" or notes.group(2) is None):
            pr = int(notes.group(1))
            if not self.pull(pr):
                return self.answer(404, error_body(404, "Not Found"))
            if method == "GET":
                with lock:
                    items = [comment_object(pr, c) for c in state["comments"].get(str(pr), [])]
                return self.page(items, query)
            if method == "POST":
                if not token.get("write"):
                    return self.forbidden()
                if not isinstance(body.get("body"), str) or not body["body"]:
                    return self.answer(422 if FORGE == "github" else 400, error_body(422, "body is missing"))
                with lock:
                    barrier = CONFIG.get("create_barrier", 0)
                    if barrier:
                        state["creates_waiting"] += 1
                        lock.notify_all()
                        lock.wait_for(lambda: state["creates_waiting"] >= barrier, timeout=10)
                    c = add_comment(pr, token["login"], body["body"])
                    return self.answer(201, comment_object(pr, c))
        if FORGE == "gitlab" and notes and notes.group(2):
            return self.one_comment(method, int(notes.group(2)), int(notes.group(1)), body, token)
        if status and method == "POST":
            return self.status(status.group(1), body, token)
        if commit_mrs and method == "GET":
            sha = commit_mrs.group(1)
            found = [p for p in CONFIG.get("pulls", []) if p["head"] == sha]
            return self.answer(200, [self.pull_object(p) for p in found])
        if FORGE == "gitea" and rest == "/pulls" and method == "GET":
            wanted = query.get("state", ["open"])[0]
            items = [self.pull_object(p) for p in CONFIG.get("pulls", [])
                     if wanted == "all" or p.get("state", "open") == wanted]
            return self.page(items, query)
        return self.answer(404, error_body(404, "Not Found"))

    def pull_object(self, p):
        if FORGE == "gitlab":
            return {"iid": p["number"], "id": 9000 + p["number"], "sha": p["head"],
                    "state": {"open": "opened"}.get(p.get("state", "open"), p.get("state"))}
        return {"number": p["number"], "state": p.get("state", "open"),
                "head": {"sha": p["head"], "ref": "topic", "repo": {"full_name": p.get("head_repo", CONFIG["repository"])}},
                "base": {"ref": "main", "repo": {"full_name": CONFIG["repository"]}}}

    def one_comment(self, method, cid, pr, body, token):
        with lock:
            for number, comments in state["comments"].items():
                for c in comments:
                    if c["id"] == cid and (pr is None or int(number) == pr):
                        if method == "GET":
                            return self.answer(200, comment_object(number, c))
                        if not token.get("write"):
                            return self.forbidden()
                        # Only the author (or an admin) may edit or delete a comment.
                        if c["user"] != token["login"]:
                            return self.forbidden()
                        if method in ("PATCH", "PUT"):
                            if (method == "PUT") != (FORGE == "gitlab"):
                                return self.answer(405, error_body(405, "Method Not Allowed"))
                            c["body"] = body.get("body", c["body"])
                            c["updated_at"] = now_iso()
                            return self.answer(200, comment_object(number, c))
                        if method == "DELETE":
                            comments.remove(c)
                            return self.answer(204)
        return self.answer(404, error_body(404, "Not Found"))

    def status(self, sha, body, token):
        if not token.get("write"):
            return self.forbidden()
        commits = CONFIG.get("commits")
        if len(sha) != 40 or (commits is not None and sha not in commits):
            if FORGE == "github":
                return self.answer(422, {"message": f"No commit found for SHA: {sha}",
                                         "documentation_url": "https://docs.github.com/rest/commits/statuses"})
            return self.answer(404 if FORGE == "gitea" else 404, error_body(404, "Commit Not Found"))
        allowed = {"github": {"error", "failure", "pending", "success"},
                   "gitea": {"error", "failure", "pending", "success", "warning"},
                   "gitlab": {"pending", "running", "success", "failed", "canceled"}}[FORGE]
        if body.get("state") not in allowed:
            return self.answer(422 if FORGE == "github" else 400, error_body(422, "state is invalid"))
        if FORGE == "github" and len(body.get("description") or "") > 140:
            return self.answer(422, error_body(422, "description is too long (maximum is 140 characters)"))
        record = {"sha": sha, "state": body["state"], "description": body.get("description"),
                  "target_url": body.get("target_url"),
                  "context": body.get("name") if FORGE == "gitlab" else body.get("context", "default"),
                  "creator": token["login"]}
        with lock:
            state["statuses"].append(record)
        if FORGE == "gitlab":
            return self.answer(201, {"id": len(state["statuses"]), "sha": sha, "status": record["state"],
                                     "name": record["context"], "target_url": record["target_url"],
                                     "description": record["description"]})
        return self.answer(201, dict(record, id=len(state["statuses"])))

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


def orphan_watch(parent=__import__("os").getppid()):
    # A test runner that dies without stopping us must not leave a server behind.
    while __import__("os").getppid() == parent:
        time.sleep(1)
    __import__("os")._exit(0)


threading.Thread(target=orphan_watch, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
