"""agenttrail.compat.agentwarden against the local recording server: guard.check and guard.log
send AgentWarden's documented requests (X-API-Key, Idempotency-Key, the body fields) and read its
answers; execute() checks, runs and logs."""

import os
import unittest
from unittest import mock

from agenttrail import AgentTrailError, InvalidApiKeyError
from agenttrail.compat.agentwarden import ActionDeniedError, AgentWarden

from .recording_server import RecordingServer

AW_KEY = "aw_compat_test_key"
LOGGED = {"id": "0190", "agent_id": "support-bot", "organization_id": "org_1",
          "action": "stripe.refund", "status": "success", "context": None,
          "created_at": "2026-01-01T00:00:00.000Z"}
ALLOWED = {"allowed": True, "remaining_budget": {"actions": 9}}


class WardenTestCase(unittest.TestCase):
    def setUp(self):
        self.server = RecordingServer()
        self.errors = []
        self.guard = AgentWarden(api_key=AW_KEY, base_url=self.server.url,
                                 on_error=self.errors.append, retry_initial_delay=0.05,
                                 flush_on_exit=False)

    def tearDown(self):
        self.guard.close()
        self.server.close()

    def assert_warden_headers(self, req):
        self.assertEqual(req.headers["X-API-Key"], AW_KEY)
        self.assertNotIn("Authorization", req.headers)
        self.assertEqual(req.headers["Content-Type"], "application/json")


class TestLog(WardenTestCase):
    def test_sends_the_documented_body_with_the_key_and_an_idempotency_key(self):
        self.server.respond(200, None, LOGGED)
        context = {"amount": 50.0, "customer_id": "cus_ABC123"}
        self.assertEqual(self.guard.log("support-bot", "stripe.refund", "success", context),
                         LOGGED)
        self.guard.log("support-bot", "stripe.refund", "failed")
        self.guard.log("bot", "deploy", "pending", {"v": 1}, ip_address="192.168.1.100",
                       idempotency_key="unique-key-123")
        first, second, third = self.server.requests
        self.assertEqual((first.method, first.path), ("POST", "/sdk/log"))
        self.assertEqual(first.body, {"agent_id": "support-bot", "action": "stripe.refund",
                                      "status": "success", "context": context})
        self.assertEqual(second.body, {"agent_id": "support-bot", "action": "stripe.refund",
                                       "status": "failed"})
        self.assertEqual(third.body, {"agent_id": "bot", "action": "deploy", "status": "pending",
                                      "context": {"v": 1}, "ip_address": "192.168.1.100"})
        for req in (first, second, third):
            self.assert_warden_headers(req)
        keys = [r.headers["Idempotency-Key"] for r in (first, second, third)]
        self.assertEqual(keys[2], "unique-key-123")
        self.assertNotEqual(keys[0], keys[1])
        self.assertEqual(keys[0][14], "7")  # a UUIDv7 unless given

    def test_a_transient_failure_is_retried_with_the_same_idempotency_key(self):
        self.server.respond(503, {"Retry-After": "0"}, {"detail": "Internal server error"})
        self.server.respond(429, None, {"detail": "Rate limit exceeded. Retry after 1 seconds."})
        self.server.respond(200, None, LOGGED)
        self.assertEqual(self.guard.log("support-bot", "stripe.refund", "success"), LOGGED)
        keys = {r.headers["Idempotency-Key"] for r in self.server.requests}
        self.assertEqual((len(self.server.requests), len(keys)), (3, 1))

    def test_a_refused_log_raises_with_the_field_messages_and_is_not_retried(self):
        detail = {"status": ["Must be one of: success, failed, pending, denied"]}
        self.server.respond(400, None, {"detail": detail})
        with self.assertRaises(AgentTrailError) as caught:
            self.guard.log("bot", "x", "ok")
        self.assertEqual(str(caught.exception), "AgentWarden: Failed to log action (400)")
        self.assertEqual((caught.exception.status, caught.exception.details), (400, detail))
        self.assertEqual(len(self.server.requests), 1)


class TestCheckAndExecute(WardenTestCase):
    def test_check_sends_the_action_and_reads_the_decision(self):
        self.server.respond(200, None, {"allowed": False, "reason": "Agent is paused",
                                        "remaining_budget": {}, "event_id": "e1"})
        result = self.guard.check("support-bot", "stripe.refund", {"amount": 150.0})
        self.assertEqual((result.allowed, result.reason, result.event_id),
                         (False, "Agent is paused", "e1"))
        self.guard.check(agent_id="bot", action="email.send", cost_cents=3)
        first, second = self.server.requests
        self.assertEqual((first.method, first.path), ("POST", "/sdk/check"))
        self.assertEqual(first.body, {"agent_id": "support-bot", "action": "stripe.refund",
                                      "context": {"amount": 150.0}})
        self.assertEqual(second.body, {"agent_id": "bot", "action": "email.send",
                                       "cost_cents": 3})
        self.assert_warden_headers(first)
        self.server.respond(200, None, {"allowed": False, "requires_approval": True,
                                        "approval_id": "ap_1", "reason": "Approval required"})
        pending = self.guard.check("bot", "deploy")
        self.assertEqual((pending.requires_approval, pending.approval_id), (True, "ap_1"))
        self.server.respond(401, None, {"detail": "Invalid API key"})
        with self.assertRaises(AgentTrailError) as caught:
            self.guard.check("bot", "deploy")
        self.assertEqual((str(caught.exception), caught.exception.details),
                         ("AgentWarden: Check failed (401)", "Invalid API key"))

    def test_execute_checks_runs_and_logs_success_or_failure(self):
        self.server.respond(200, None, ALLOWED)
        self.assertEqual(self.guard.execute("bot", "stripe.refund", lambda: "re_1",
                                            context={"amount": 50}), "re_1")
        self.server.respond(200, None, ALLOWED)

        def fail():
            raise ValueError("card_declined")

        with self.assertRaises(ValueError):
            self.guard.execute("bot", "stripe.charge", fail)
        check, success, check2, failed = self.server.requests
        self.assertEqual((check.path, success.path), ("/sdk/check", "/sdk/log"))
        self.assertEqual(success.body["status"], "success")
        self.assertEqual(set(success.body["context"]), {"amount", "duration_ms"})
        self.assertEqual(failed.body["context"]["error"], "card_declined")
        self.assertEqual((failed.body["status"], failed.body["context"]["error_type"]),
                         ("failed", "ValueError"))

    def test_execute_refused_raises_before_running_and_logs_nothing_more(self):
        self.server.respond(200, None, {"allowed": False, "reason": "Amount exceeds maximum"})
        ran = []
        with self.assertRaises(ActionDeniedError) as caught:
            self.guard.execute("bot", "stripe.refund", lambda: ran.append(1))
        self.assertEqual(str(caught.exception),
                         "AgentWarden: Action denied - Amount exceeds maximum")
        self.assertEqual((ran, len(self.server.requests)), ([], 1))

    def test_a_log_that_fails_after_the_action_goes_to_on_error(self):
        self.server.respond(200, None, ALLOWED)
        self.server.respond(400, None, {"detail": {"agent_id": ["This field is required"]}})
        self.assertEqual(self.guard.execute("bot", "x", lambda: 7), 7)
        self.assertEqual([str(e) for e in self.errors],
                         ["AgentWarden: Failed to log action (400)"])


class TestConfiguration(unittest.TestCase):
    def test_key_and_url_from_arguments_then_the_environment(self):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTWARDEN_",
                                                                           "AGENTTRAIL_"))}
        cases = [({"AGENTTRAIL_API_KEY": "at_1"}, "at_1", "http://127.0.0.1:7878"),
                 ({"AGENTTRAIL_API_KEY": "at_1", "AGENTWARDEN_API_KEY": "aw_2",
                   "AGENTTRAIL_BASE_URL": "http://t:1"}, "aw_2", "http://t:1"),
                 ({"AGENTWARDEN_API_KEY": "aw_2", "AGENTTRAIL_BASE_URL": "http://t:1",
                   "AGENTWARDEN_BASE_URL": "http://w:2"}, "aw_2", "http://w:2")]
        for env, key, url in cases:
            with mock.patch.dict(os.environ, dict(clean, **env), clear=True):
                guard = AgentWarden(flush_on_exit=False)
                self.assertEqual((guard.trail._transport.api_key, guard.trail.base_url),
                                 (key, url))
                guard.close()
        with mock.patch.dict(os.environ, clean, clear=True):
            guard = AgentWarden("aw_3", "http://own:3", flush_on_exit=False)
            self.assertEqual(guard.trail.base_url, "http://own:3")
            guard.close()
            with self.assertRaises(InvalidApiKeyError):
                AgentWarden()


if __name__ == "__main__":
    unittest.main()
