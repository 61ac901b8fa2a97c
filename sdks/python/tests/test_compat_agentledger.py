"""agenttrail.compat.agentledger.AgentLedger against the local recording server: each method's
exact request (method, path, headers, body) and what it makes of the answer, as agentledger-py
0.5.0 does."""

import dataclasses
import json
import os
import re
import unittest
from unittest import mock

from agenttrail.compat.agentledger import (AgentLedger, AgentLedgerConfig, CheckOptions,
                                           CheckResult, LogOptions, TrackOptions, TrackResult)

from .compat_helpers import AL_KEY, LedgerTestCase


def defaults(cls):
    return [(f.name, f.default if f.default is not dataclasses.MISSING else "required")
            for f in dataclasses.fields(cls)]


class TestSurface(unittest.TestCase):
    def test_dataclasses_have_the_published_fields_and_defaults(self):
        self.assertEqual(defaults(AgentLedgerConfig), [
            ("api_key", "required"), ("base_url", "https://agentledger.co"),
            ("fail_open", True), ("timeout", 5.0), ("environment", "production"),
            ("on_error", None)])
        track = [("agent", "required"), ("service", "required"), ("action", "required"),
                 ("cost_cents", None), ("metadata", None), ("trace_id", None), ("input", None),
                 ("output", None), ("capture_output", False)]
        self.assertEqual(defaults(TrackOptions), track)
        self.assertEqual(defaults(LogOptions), track + [("status", "success"),
                                                        ("duration_ms", 0)])
        self.assertEqual(defaults(TrackResult), [("result", "required"), ("allowed", "required"),
                                                 ("duration_ms", "required"),
                                                 ("action_id", None)])
        self.assertEqual(defaults(CheckResult), [("allowed", "required"), ("block_reason", None),
                                                 ("remaining_budget", None)])
        self.assertEqual(CheckOptions.__slots__, ("agent", "service", "action"))

    def test_the_key_must_start_with_al(self):
        for key in ("", "at_key", "sk-lw-key", "AL_key"):
            with self.assertRaises(ValueError) as caught:
                AgentLedger(AgentLedgerConfig(api_key=key))
            self.assertEqual(str(caught.exception),
                             'AgentLedger: Invalid API key. Keys start with "al_".')

    def test_base_url_from_the_config_then_the_environment_then_the_default(self):
        clean = {k: v for k, v in os.environ.items()
                 if k not in ("AGENTLEDGER_BASE_URL", "AGENTTRAIL_BASE_URL")}
        cases = [({}, "https://agentledger.co", "http://127.0.0.1:7878"),
                 ({"AGENTTRAIL_BASE_URL": "http://trail:1"}, "https://agentledger.co",
                  "http://trail:1"),
                 ({"AGENTTRAIL_BASE_URL": "http://trail:1", "AGENTLEDGER_BASE_URL":
                   "http://ledger:2/"}, "https://agentledger.co", "http://ledger:2"),
                 ({"AGENTLEDGER_BASE_URL": "http://ledger:2"}, "http://own:3/", "http://own:3")]
        for env, configured, expected in cases:
            with mock.patch.dict(os.environ, dict(clean, **env), clear=True):
                ledger = AgentLedger(AgentLedgerConfig(api_key=AL_KEY, base_url=configured))
                self.assertEqual(ledger.trail.base_url, expected)
                ledger.close()

    def test_keywords_are_taken_as_the_config(self):
        ledger = AgentLedger(api_key=AL_KEY, base_url="http://h:9", environment="dev")
        self.assertEqual((ledger.trail.base_url, ledger.trail.environment), ("http://h:9", "dev"))
        ledger.close()
        with self.assertRaises(TypeError):
            AgentLedger(AgentLedgerConfig(api_key=AL_KEY), environment="dev")

    def test_trace_id_is_static_and_in_the_published_format(self):
        self.assertRegex(AgentLedger.trace_id(), r"^tr_[0-9a-z]+_[0-9a-z]{8}$")
        self.assertNotEqual(AgentLedger.trace_id(), AgentLedger.trace_id())


class TestRequests(LedgerTestCase):
    def test_check_sends_three_fields_and_reads_the_decision(self):
        ledger = self.ledger(environment="staging")
        self.server.respond(200, None, {"allowed": False, "blockReason": "Agent is paused",
                                        "remainingBudget": {"actions": 3}})
        result = ledger.check(TrackOptions(agent="bot", service="stripe", action="charge",
                                           cost_cents=5, input={"x": 1}))
        self.assertEqual(result, CheckResult(False, "Agent is paused", {"actions": 3}))
        req = self.only_request()
        self.assertEqual((req.method, req.path), ("POST", "/api/v1/check"))
        self.assertEqual(req.body, {"agent": "bot", "service": "stripe", "action": "charge"})
        self.assert_published_headers(req)

    def test_a_missing_allowed_means_allowed(self):
        ledger = self.ledger()
        self.server.respond(200, None, {})
        self.assertEqual(ledger.check(CheckOptions("bot", "s", "a")), CheckResult(True))

    def test_log_sends_the_published_body(self):
        ledger = self.ledger(environment="staging")
        self.server.respond(200, None, {"logged": True, "id": "evt_1"})
        answer = ledger.log(TrackOptions(agent="sync", service="postgres", action="bulk_insert"),
                            status="success", duration_ms=1523)
        self.assertEqual(answer, {"logged": True, "id": "evt_1"})
        req = self.only_request()
        self.assertEqual((req.method, req.path), ("POST", "/api/v1/actions"))
        self.assertEqual(req.body, {"agent": "sync", "service": "postgres",
                                    "action": "bulk_insert", "status": "success",
                                    "cost_cents": 0, "duration_ms": 1523, "metadata": {},
                                    "environment": "staging"})
        self.assert_published_headers(req)

    def test_log_with_every_option_and_log_options(self):
        ledger = self.ledger()
        ledger.log(TrackOptions(agent="a", service="s", action="x", cost_cents=7,
                                metadata={"k": 1}, trace_id="tr_1", input="in", output=[1]))
        ledger.log(LogOptions(agent="a", service="s", action="y", status="error",
                              duration_ms=9))
        first, second = (r.body for r in self.server.requests)
        self.assertEqual(first, {"agent": "a", "service": "s", "action": "x", "status": "success",
                                 "cost_cents": 7, "duration_ms": 0, "metadata": {"k": 1},
                                 "environment": "production", "trace_id": "tr_1",
                                 "input": "in", "output": [1]})
        self.assertEqual((second["status"], second["duration_ms"]), ("error", 9))

    def test_input_and_output_over_50000_characters_become_the_marker(self):
        ledger = self.ledger()
        at_limit = "x" * 49998  # json.dumps adds two quotes: exactly 50,000 characters
        over = {"text": "é" * 50000}
        ledger.log(TrackOptions(agent="a", service="s", action="x", input=at_limit,
                                output=over))
        ledger.log(TrackOptions(agent="a", service="s", action="x", input={1, 2}))
        body, unserializable = (r.body for r in self.server.requests)
        self.assertEqual(body["input"], at_limit)
        text = json.dumps(over)  # ASCII-escaped, as the published client measures it
        self.assertEqual(body["output"], {"_truncated": True, "_originalSize": len(text),
                                          "_preview": text[:500]})
        self.assertEqual(len(text), 300012)
        self.assertEqual(unserializable["input"], {"_error": "Could not serialize"})

    def test_agent_controls_encode_the_name_and_send_no_environment(self):
        ledger = self.ledger(environment="staging")
        self.assertIsNone(ledger.pause_agent("support bot/1"))
        ledger.resume_agent("support bot/1")
        ledger.kill_agent("rogue?")
        self.assertEqual([(r.method, r.path) for r in self.server.requests], [
            ("POST", "/api/v1/agents/support%20bot%2F1/pause"),
            ("POST", "/api/v1/agents/support%20bot%2F1/resume"),
            ("POST", "/api/v1/agents/rogue%3F/kill")])
        for req in self.server.requests:
            self.assertIsNone(req.body)
            self.assert_published_headers(req)

    def test_evaluate_sends_label_and_feedback_only_when_given(self):
        ledger = self.ledger()
        self.server.respond(201, None, {"id": "ev_1", "score": 85})
        self.assertEqual(ledger.evaluate("act_1", 85), {"id": "ev_1", "score": 85})
        ledger.evaluate("act_1", score=85, label="correct", feedback="Accurate")
        self.assertEqual([r.body for r in self.server.requests], [
            {"action_id": "act_1", "score": 85},
            {"action_id": "act_1", "score": 85, "label": "correct", "feedback": "Accurate"}])
        self.assertEqual(self.server.requests[0].path, "/api/v1/evaluations")

    def test_an_error_status_raises_the_published_runtime_error(self):
        ledger = self.ledger()
        calls = [lambda: ledger.check(CheckOptions("a", "s", "x")),
                 lambda: ledger.log(TrackOptions(agent="a", service="s", action="x")),
                 lambda: ledger.pause_agent("a"), lambda: ledger.evaluate("x", 1)]
        for status, call in zip((500, 400, 409, 404), calls):
            self.server.respond(status, None, {"error": "no", "code": "some_code"})
            with self.assertRaises(RuntimeError) as caught:
                call()
            self.assertEqual(str(caught.exception), "AgentLedger: Request failed (%d)" % status)
            self.assertEqual((caught.exception.status, caught.exception.code),
                             (status, "some_code"))
        self.assertEqual(len(self.server.requests), 4)  # never retried

    def test_batch_export_and_the_repository_only_reads(self):
        ledger = self.ledger(environment="dev")
        self.server.respond(200, None, {"logged": True, "count": 2, "ids": ["i1", "i2"]})
        answer = ledger.log_batch([{"agent": "a", "service": "s", "action": "x"},
                                   {"agent": "a", "service": "s", "action": "y",
                                    "status": "error", "cost_cents": 3, "duration_ms": 4,
                                    "metadata": {"m": 1}, "trace_id": "tr_1",
                                    "input": "i", "output": "o"}])
        self.assertEqual(answer["ids"], ["i1", "i2"])
        self.server.respond(200, None, {"export": {"count": 0}, "actions": []})
        self.assertEqual(ledger.export_actions("2026-01-01", "2026-01-02", agent="a",
                                               limit=10)["actions"], [])
        self.server.respond(200, None, {"forecast": {"total": 1}})
        self.assertEqual(ledger.forecast(days_back=7), {"total": 1})
        ledger.analytics(agent="a")
        ledger.policy_templates(category="cost")
        ledger.apply_policy_template("tpl_1", agent_name="a")
        batch, export, forecast, analytics, templates, apply = self.server.requests
        self.assertEqual(batch.body["actions"], [
            {"agent": "a", "service": "s", "action": "x", "status": "success", "cost_cents": 0,
             "duration_ms": 0, "metadata": {}, "environment": "dev"},
            {"agent": "a", "service": "s", "action": "y", "status": "error", "cost_cents": 3,
             "duration_ms": 4, "metadata": {"m": 1}, "environment": "dev", "trace_id": "tr_1",
             "input": "i", "output": "o"}])
        self.assertEqual([(r.method, r.path) for r in (batch, export, forecast, analytics,
                                                       templates, apply)], [
            ("POST", "/api/v1/actions/batch"),
            ("GET", "/api/v1/export?from=2026-01-01&to=2026-01-02&format=json&agent=a&limit=10"),
            ("GET", "/api/v1/forecast?days_back=7&forecast_days=30&environment=dev"),
            ("GET", "/api/v1/analytics?days=7&granularity=daily&environment=dev&agent=a"),
            ("GET", "/api/v1/policies/templates?category=cost"),
            ("POST", "/api/v1/policies/templates")])
        self.assertEqual(apply.body, {"template_id": "tpl_1", "agent_name": "a"})
        self.assertIsNone(export.body)
        self.assert_published_headers(export)
        self.assertTrue(re.match(r"^agenttrail-python/", export.headers["User-Agent"]))


if __name__ == "__main__":
    unittest.main()
