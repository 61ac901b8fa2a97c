"""A local HTTP server on 127.0.0.1 (port 0) that records every request and answers from a script:
responses queued with ``respond()`` first, then a well-formed AgentTrail answer."""

import http.server
import json
import threading
import time


class Recorded(object):
    def __init__(self, method, path, headers, body, at):
        self.method, self.path, self.headers, self.body, self.at = method, path, headers, body, at

    @property
    def events(self):
        return (self.body or {}).get("events", [])


class RecordingServer(object):
    def __init__(self):
        self.requests = []
        self.scripted = []  # (status, headers, body)
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                rec = Recorded(self.command, self.path, dict(self.headers), body, time.monotonic())
                with server.lock:
                    server.requests.append(rec)
                    scripted = server.scripted.pop(0) if server.scripted else None
                server.gate.wait(30)
                status, headers, out = scripted or server.default_answer(rec)
                data = json.dumps(out).encode() if out is not None else b""
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def default_answer(self, rec):
        if rec.path == "/api/v1/events/batch":
            accepted = [{"index": i, "id": e.get("id"), "seq": i + 1, "duplicate": False}
                        for i, e in enumerate(rec.events)]
            return 201, {}, {"accepted": accepted, "errors": []}
        if rec.path == "/api/v1/events":
            return 201, {}, {"id": rec.body.get("id"), "seq": 7, "received_at": "now"}
        if rec.path == "/api/v1/check":
            return 200, {}, {"allowed": True, "remainingBudget": {}}
        return 200, {}, {"status": "ok"}

    def respond(self, status, headers=None, body=None):
        with self.lock:
            self.scripted.append((status, headers, body))

    def batch_requests(self):
        with self.lock:
            return [r for r in self.requests if r.path == "/api/v1/events/batch"]

    def event_ids(self):
        return [e["id"] for r in self.batch_requests() for e in r.events]

    def wait_for(self, predicate, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()

    def close(self):
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()
