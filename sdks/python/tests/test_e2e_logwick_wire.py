"""The published Logwick Python client (``logwick`` 1.0.0) cannot be installed here, so this
replays exactly the request its documentation says it makes (shared/reference/000, "REST API"
and "Log fields reference"): ``POST /api/v1/logs`` with ``Authorization: Bearer sk-lw-...`` and a
JSON body of Logwick's fields, one log per request (Logwick documents no batch form). It checks
the documented answer (``201 {id, timestamp, status: "ingested"}``), then reads the stored log
back through Logwick's ``GET /api/v1/logs`` and AgentTrail's native event, field by field."""

import datetime
import json
import unittest
import urllib.error
import urllib.request
import uuid

from .live_server import live_server


class TestLogwickWire(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.key = cls.server.new_key("sk-lw-")

    def post_log(self, body, key=None):
        """The Logwick client's request: JSON, a bearer key, nothing else of note."""
        request = urllib.request.Request(
            self.server.url + "/api/v1/logs", data=json.dumps(body).encode("utf-8"),
            method="POST", headers={"Authorization": "Bearer " + (key or self.key),
                                    "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=15) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            error.close()
            return error.code, (json.loads(raw) if raw else None)

    def get(self, path):
        status, body = self.server.request("GET", path, headers={
            "Authorization": "Bearer " + self.key})
        self.assertEqual(status, 200, body)
        return body

    def test_a_log_as_the_client_sends_it_is_answered_and_stored_as_documented(self):
        agent = "lw-wire-gpt-4o-" + uuid.uuid4().hex[:8]
        log = {"agent": agent, "action": "email_draft", "status": "success",
               "input": "Draft a follow-up email", "output": "Subject: Following up...",
               "tokens": 312, "latency_ms": 1842, "user": "customer@acme.com",
               "cost_usd": 0.0042, "tags": ["production", "v2"],
               "metadata": {"campaign": "spring"}}
        status, answer = self.post_log(log)
        self.assertEqual(status, 201, answer)
        self.assertEqual(set(answer), {"id", "timestamp", "status"})
        self.assertEqual(answer["status"], "ingested")
        self.assertEqual(str(uuid.UUID(answer["id"])), answer["id"])
        stamped = datetime.datetime.fromisoformat(answer["timestamp"].replace("Z", "+00:00"))
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - stamped).total_seconds()), 300)

        (stored,) = self.get("/api/v1/logs?agent=" + agent)["logs"]
        self.assertEqual({k: stored[k] for k in log}, log)
        self.assertEqual(stored["id"], answer["id"])
        self.assertEqual(datetime.datetime.fromisoformat(
            stored["timestamp"].replace("Z", "+00:00")), stamped)
        event = self.server.event(answer["id"])
        self.assertEqual({k: event[k] for k in ("kind", "agent", "action", "status", "user",
                                                "tokens_total", "duration_ms", "cost_usd",
                                                "input", "output", "tags")},
                         {"kind": "llm_call", "agent": agent, "action": "email_draft",
                          "status": "success", "user": "customer@acme.com",
                          "tokens_total": 312, "duration_ms": 1842, "cost_usd": 0.0042,
                          "input": log["input"], "output": log["output"],
                          "tags": ["production", "v2"]})
        self.assertEqual(event["metadata"]["campaign"], "spring")

    def test_the_quick_start_log_and_an_error_log_with_only_the_required_fields(self):
        agent = "lw-wire-min-" + uuid.uuid4().hex[:8]
        status, first = self.post_log({"agent": agent, "action": "data_analysis"})
        self.assertEqual((status, first["status"]), (201, "ingested"))
        status, second = self.post_log({"agent": agent, "action": "data_analysis",
                                        "status": "error", "output": "timeout"})
        self.assertEqual(status, 201)
        logs = self.get("/api/v1/logs?agent=" + agent)["logs"]
        self.assertEqual([(l["id"], l["status"]) for l in logs],
                         [(second["id"], "error"), (first["id"], "success")])
        errors = self.get("/api/v1/logs?status=error&agent=" + agent)["logs"]
        self.assertEqual([l["id"] for l in errors], [second["id"]])

    def test_a_missing_required_field_is_named_and_a_bad_key_refused(self):
        status, body = self.post_log({"action": "email_draft", "output": "x"})
        self.assertEqual(status, 400)
        self.assertIn("agent", json.dumps(body))
        status, _ = self.post_log({"agent": "lw-wire-x", "action": "y"},
                                  key="sk-lw-" + "0" * 40)
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
