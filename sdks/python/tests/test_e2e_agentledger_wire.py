"""The published agentledger-py 0.5.0 against AgentTrail, without installing it (no PyPI here): the
requests it makes (shared/PYTHON.md §1.4: httpx's headers, the JSON bodies, ``quote(name,
safe='')`` paths, no environment on check and the controls, the 50,000-character truncation
marker) replayed with plain urllib against the real server, and what the client reads from each
answer checked for presence and type, error statuses included (it raises
``RuntimeError("AgentLedger: Request failed (<status>)")`` for any status of 400 or more)."""

import datetime
import gzip
import json
import random
import time
import traceback
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

from .live_server import live_server

# What httpx adds to agentledger-py's two headers (Content-Type and Authorization).
HTTPX_HEADERS = {"User-Agent": "python-httpx/0.27.0", "Accept": "*/*",
                 "Accept-Encoding": "gzip, deflate"}


def httpx_json(body, compact):
    """httpx 0.24-0.27 encode ``json=`` with ``json.dumps(body)``; 0.28 compactly, UTF-8 kept."""
    if compact:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(body)


def truncate(data, max_chars=50000):
    """agentledger-py's ``_truncate``, as PYTHON.md §1.4 describes it."""
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return {"_error": "Could not serialize"}
    if len(text) <= max_chars:
        return data
    return {"_truncated": True, "_originalSize": len(text), "_preview": text[:500]}


class PublishedClient(object):
    """The wire of agentledger-py's ``_request``: every call carries both headers, a status of
    400 or more is its RuntimeError, 204 or an empty body is ``{}``, anything else is parsed as
    JSON (so a 2xx answer that is not JSON would break the client)."""

    def __init__(self, url, key, compact=False):
        self.url, self.key, self.compact = url, key, compact

    def raw(self, method, path, json_body=None, params=None):
        url = self.url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = dict(HTTPX_HEADERS, **{"Content-Type": "application/json",
                                         "Authorization": "Bearer " + self.key})
        data = None if json_body is None else httpx_json(json_body, self.compact).encode("utf-8")
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            res = urllib.request.urlopen(req, timeout=15)
        except urllib.error.HTTPError as error:
            res = error
        with res:
            body = res.read()
            if res.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return res.status, res.headers, body

    def request(self, method, path, json_body=None, params=None):
        status, _, body = self.raw(method, path, json_body, params)
        if status >= 400:
            raise RuntimeError("AgentLedger: Request failed (%d)" % status)
        if status == 204 or not body:
            return {}
        return json.loads(body)

    def log_body(self, agent, service, action, status="success", cost_cents=None,
                 duration_ms=0, metadata=None, environment="production", trace_id=None,
                 input=None, output=None):
        """``_log_action``'s body."""
        body = {"agent": agent, "service": service, "action": action, "status": status,
                "cost_cents": cost_cents or 0, "duration_ms": duration_ms,
                "metadata": metadata or {}, "environment": environment}
        if trace_id:
            body["trace_id"] = trace_id
        if input is not None:
            body["input"] = truncate(input)
        if output is not None:
            body["output"] = truncate(output)
        return body


def day(offset):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=offset)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class WireTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.key = cls.server.new_key("al_")

    def setUp(self):
        self.agent = "py-wire-al-" + uuid.uuid4().hex[:10]
        self.client = PublishedClient(self.server.url, self.key)

    def failed(self, status, call, *args, **kwargs):
        with self.assertRaises(RuntimeError) as caught:
            call(*args, **kwargs)
        self.assertEqual(str(caught.exception), "AgentLedger: Request failed (%d)" % status)

    def check(self, agent, service="svc", action="act"):
        """``check()``: the three fields only; what it reads, with its defaults."""
        data = self.client.request("POST", "/api/v1/check",
                                   {"agent": agent, "service": service, "action": action})
        self.assertIsInstance(data, dict)
        self.assertIsInstance(data.get("allowed", True), bool)
        self.assertIsInstance(data.get("remainingBudget"), (dict, type(None)))
        self.assertIsInstance(data.get("blockReason"), (str, type(None)))
        return data


class TestPublishedCalls(WireTestCase):
    def test_check_answers_allowed_and_the_budget(self):
        data = self.check(self.agent)
        self.assertIs(data["allowed"], True)
        self.assertIsInstance(data["remainingBudget"], dict)

    def test_log_in_both_httpx_encodings_and_read_back(self):
        for compact in (False, True):
            self.client.compact = compact
            body = self.client.log_body(self.agent, "postgres", "bulk_insert", duration_ms=1523,
                                        cost_cents=3, metadata={"rows": 2, "note": "é ✓"},
                                        environment="staging", trace_id="tr_abc_12345678",
                                        input={"q": "naïve"}, output=["ok"])
            data = self.client.request("POST", "/api/v1/actions", body)
            self.assertIs(data["logged"], True)
            self.assertIsInstance(data.get("id"), str)  # what track() keeps as action_id
            event = self.server.event(data["id"])
            self.assertEqual(
                {k: event[k] for k in ("agent", "service", "action", "status", "duration_ms",
                                       "metadata", "environment", "trace_id", "input",
                                       "output", "cost_usd")},
                {"agent": self.agent, "service": "postgres", "action": "bulk_insert",
                 "status": "success", "duration_ms": 1523,
                 "metadata": {"rows": 2, "note": "é ✓"}, "environment": "staging",
                 "trace_id": "tr_abc_12345678", "input": {"q": "naïve"}, "output": ["ok"],
                 "cost_usd": 0.03})

    def test_log_with_the_truncation_marker_and_the_serialization_error(self):
        at_limit = "y" * 49998  # 50,000 characters of JSON: sent as is
        over = {"rows": ["row %d" % i for i in range(8000)]}
        body = self.client.log_body(self.agent, "s", "big", input=at_limit, output=over)
        self.assertEqual(body["output"]["_truncated"], True)
        logged = self.client.request("POST", "/api/v1/actions", body)
        event = self.server.event(logged["id"])
        self.assertEqual(event["input"], at_limit)
        self.assertEqual(event["output"], body["output"])
        body = self.client.log_body(self.agent, "s", "odd", input=object())
        self.assertEqual(body["input"], {"_error": "Could not serialize"})
        event = self.server.event(self.client.request("POST", "/api/v1/actions", body)["id"])
        self.assertEqual(event["input"], {"_error": "Could not serialize"})

    def test_track_is_a_check_then_a_log_of_success_or_error(self):
        self.assertIs(self.check(self.agent, "openai", "chat").get("allowed", True), True)
        ok = self.client.request("POST", "/api/v1/actions", self.client.log_body(
            self.agent, "openai", "chat", duration_ms=12, output={"answer": 42}))
        try:
            raise ValueError("model overloaded")
        except ValueError as exc:
            error_output = {"error": str(exc), "stack": "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__))}
        failed = self.client.request("POST", "/api/v1/actions", self.client.log_body(
            self.agent, "openai", "chat", status="error", duration_ms=5, output=error_output))
        stored = {e["id"]: e for e in self.server.events(agent=self.agent)}
        self.assertEqual((stored[ok["id"]]["status"], stored[ok["id"]]["output"]),
                         ("success", {"answer": 42}))
        self.assertEqual((stored[failed["id"]]["status"], stored[failed["id"]]["output"]),
                         ("error", error_output))

    def test_controls_with_quoted_names_and_no_environment(self):
        name = self.agent + "/é bot?"
        path = "/api/v1/agents/%s/" % urllib.parse.quote(name, safe="")
        self.assertNotIn("/", path[len("/api/v1/agents/"):-1])
        for verb, allowed in (("pause", False), ("resume", True), ("kill", False)):
            data = self.client.request("POST", path + verb)  # parsed, though not read
            self.assertEqual((data["agent"], data["environment"]), (name, "production"))
            self.assertIs(self.check(name)["allowed"], allowed)
        self.failed(409, self.client.request, "POST", path + "resume")
        # an action of a killed agent is still recorded, answered 403: track() reports it
        body = self.client.log_body(name, "svc", "act")
        self.failed(403, self.client.request, "POST", "/api/v1/actions", body)
        self.assertEqual(self.server.events(agent=name)[0]["action"], "act")
        self.failed(404, self.client.request, "POST",
                    "/api/v1/agents/%s/resume" % urllib.parse.quote(self.agent + " new", safe=""))

    def test_evaluate_without_evaluated_by(self):
        logged = self.client.request("POST", "/api/v1/actions",
                                     self.client.log_body(self.agent, "s", "a"))
        row = self.client.request("POST", "/api/v1/evaluations",
                                  {"action_id": logged["id"], "score": 85, "label": "correct",
                                   "feedback": "Accurate response"})
        self.assertIsInstance(row["id"], str)
        self.assertEqual((row["action_id"], row["score"], row["label"]),
                         (logged["id"], 85, "correct"))
        bare = self.client.request("POST", "/api/v1/evaluations",
                                   {"action_id": logged["id"], "score": 40})
        self.assertEqual((bare["label"], bare["feedback"]), (None, None))
        self.failed(404, self.client.request, "POST", "/api/v1/evaluations",
                    {"action_id": str(uuid.uuid4()), "score": 50})
        self.failed(400, self.client.request, "POST", "/api/v1/evaluations",
                    {"action_id": logged["id"], "score": 101})

    def test_log_batch_answers_logged_count_ids_and_errors(self):
        entry = {"agent": self.agent, "service": "s", "action": "one", "status": "success",
                 "cost_cents": 0, "duration_ms": 0, "metadata": {}, "environment": "production"}
        bad = dict(entry, cost_cents=-1)
        data = self.client.request("POST", "/api/v1/actions/batch", {"actions": [
            entry, dict(entry, action="two", trace_id="tr_1", input=truncate("i")), bad]})
        self.assertEqual((data["logged"], data["count"]), (True, 2))
        self.assertTrue(all(isinstance(i, str) for i in data["ids"]))
        self.assertEqual([e["index"] for e in data["errors"]], [2])
        self.assertIsInstance(data["errors"][0]["errors"], list)
        self.assertEqual(self.server.event(data["ids"][1])["trace_id"], "tr_1")
        self.failed(400, self.client.request, "POST", "/api/v1/actions/batch",
                    {"actions": [bad]})

    def test_export_as_json_and_as_csv(self):
        self.client.request("POST", "/api/v1/actions", self.client.log_body(self.agent, "s", "a"))
        data = self.client.request("GET", "/api/v1/export", params={
            "from": day(-1), "to": day(1), "format": "json", "agent": self.agent, "limit": 10})
        self.assertEqual((data["export"]["count"], data["actions"][0]["agent_name"]),
                         (1, self.agent))
        status, headers, body = self.client.raw("GET", "/api/v1/export", params={
            "from": day(-1), "to": day(1), "format": "csv", "agent": self.agent})
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        # agentledger-py parses every answer as JSON, so its CSV export cannot work: not even
        # against its own server, which answers CSV too
        with self.assertRaises(ValueError):
            json.loads(body)
        self.failed(400, self.client.request, "GET", "/api/v1/export",
                    params={"from": day(-100), "to": day(1), "format": "json"})

    def test_the_repository_only_reads_are_not_served(self):
        self.failed(404, self.client.request, "GET", "/api/v1/forecast",
                    params={"days_back": 30, "forecast_days": 30, "environment": "production"})
        self.failed(404, self.client.request, "GET", "/api/v1/analytics",
                    params={"days": 7, "granularity": "daily", "environment": "production"})
        self.failed(404, self.client.request, "GET", "/api/v1/policies/templates")
        self.failed(405, self.client.request, "POST", "/api/v1/policies/templates",
                    {"template_id": "tpl_1", "agent_name": self.agent})

    def test_a_key_that_is_not_the_orgs_and_a_key_without_the_control_scope(self):
        stranger = PublishedClient(self.server.url, "al_" + uuid.uuid4().hex)
        self.failed(401, stranger.request, "POST", "/api/v1/check",
                    {"agent": self.agent, "service": "s", "action": "a"})
        ingest_only = PublishedClient(self.server.url,
                                      self.server.new_key("al_", scopes=("ingest", "read")))
        self.failed(403, ingest_only.request, "POST", "/api/v1/agents/%s/pause" % self.agent)

    def test_trace_ids_are_made_without_a_request_and_accepted(self):
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        ms, stamp = int(time.time() * 1000), ""
        while ms:
            ms, r = divmod(ms, 36)
            stamp = digits[r] + stamp
        trace = "tr_%s_%s" % (stamp, "".join(random.choice(digits) for _ in range(8)))
        self.assertRegex(trace, r"^tr_[0-9a-z]{8,}_[0-9a-z]{8}$")
        logged = self.client.request("POST", "/api/v1/actions", self.client.log_body(
            self.agent, "s", "a", trace_id=trace))
        self.assertEqual(self.server.event(logged["id"])["trace_id"], trace)


if __name__ == "__main__":
    unittest.main()
