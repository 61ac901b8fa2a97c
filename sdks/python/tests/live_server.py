"""The real AgentTrail server for end-to-end tests.

``npm test`` runs these suites from ``test/python/python-sdk.test.ts``, which starts the server on
SQLite and on PostgreSQL and passes ``AGENTTRAIL_TEST_URL``, ``AGENTTRAIL_TEST_KEY`` (every scope)
and ``AGENTTRAIL_TEST_STORE``. Run alone (``python3 -m unittest``), the first test that asks starts
the built CLI (``npm run build`` at the repository root first) on SQLite in a temporary directory,
once per process; without node or a build those tests are skipped.
"""

import atexit
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.environ.get("AGENTTRAIL_CLI") or os.path.join(REPO, "packages", "cli", "dist", "main.js")
NODE = shutil.which("node")
_KEY = "at_python_e2e_0123456789abcdefghijklmnopqrstuv"
_started = {}


class LiveServer(object):
    """Where the server is (``url``, ``key``, ``store``) and small JSON helpers to read it back."""

    def __init__(self, url, key, store):
        self.url, self.key, self.store = url.rstrip("/"), key, store

    def request(self, method, path, body=None, headers=None):
        """``(status, parsed JSON or None)``; 4xx and 5xx are returned, not raised."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {"Authorization": "Bearer " + self.key, "Content-Type": "application/json"}
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=15) as res:
                raw = res.read()
                return res.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            error.close()
            return error.code, (json.loads(raw) if raw else None)

    def get(self, path):
        status, body = self.request("GET", path)
        if status != 200:
            raise AssertionError("GET %s answered %d: %r" % (path, status, body))
        return body

    def new_key(self, prefix, scopes=("ingest", "read", "control", "approve", "admin")):
        """A fresh key of the same org with this prefix (``al_``, ``sk-lw-``, ``aw_``, ``at_``)."""
        status, body = self.request("POST", "/api/v1/keys/create", {
            "name": "python " + prefix, "prefix": prefix, "scopes": list(scopes)})
        if status != 201:
            raise AssertionError("creating a %s key answered %d: %r" % (prefix, status, body))
        return body["key"]

    def event(self, event_id):
        """One stored event in full (``GET /api/v1/events/<id>``)."""
        body = self.get("/api/v1/events/" + event_id)
        return body.get("event", body)

    def events(self, **filters):
        """Stored events matching the query filters, newest first (up to 1,000)."""
        filters.setdefault("limit", 1000)
        query = "&".join("%s=%s" % (k, urllib.request.quote(str(v))) for k, v in filters.items())
        return self.get("/api/v1/events?" + query)["events"]


def live_server():
    """The server to test against; raises ``unittest.SkipTest`` when there is none to be had."""
    url = os.environ.get("AGENTTRAIL_TEST_URL")
    if url:
        return LiveServer(url, os.environ["AGENTTRAIL_TEST_KEY"],
                          os.environ.get("AGENTTRAIL_TEST_STORE", "sqlite"))
    if "server" not in _started:
        if not (NODE and os.path.exists(CLI)):
            raise unittest.SkipTest("needs node and a built CLI (npm run build)")
        _started["server"] = _start_cli()
    return _started["server"]


def _start_cli():
    data_dir = tempfile.mkdtemp(prefix="agenttrail-py-e2e-")
    env = dict(os.environ, AGENTTRAIL_PORT="0", AGENTTRAIL_HOST="127.0.0.1",
               AGENTTRAIL_DATA_DIR=data_dir, AGENTTRAIL_INIT_API_KEY=_KEY,
               AGENTTRAIL_RATE_LIMIT_PER_SECOND="0")
    proc = subprocess.Popen([NODE, CLI, "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines, output = queue.Queue(), []

    def read():
        for line in proc.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()

    def stop():
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        shutil.rmtree(data_dir, ignore_errors=True)

    atexit.register(stop)
    while True:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            line = None
        if line is None:
            stop()
            raise RuntimeError("server did not start: %s" % "".join(output))
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return LiveServer(match.group(1), _KEY, "sqlite")
