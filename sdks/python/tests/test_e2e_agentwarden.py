"""agenttrail.compat.agentwarden end to end: guard.log, guard.check and guard.execute against the
real server (``live_server.py``) with an ``aw_`` key, each record read back."""

import unittest
import urllib.parse
import uuid

from agenttrail import AgentTrailError
from agenttrail.compat.agentwarden import ActionDeniedError, AgentWarden

from .live_server import live_server


class TestAgentWardenE2E(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.key = cls.server.new_key("aw_")

    def setUp(self):
        self.agent = "py-compat-aw-" + uuid.uuid4().hex[:10]
        self.errors = []
        self.guard = AgentWarden(api_key=self.key, base_url=self.server.url,
                                 on_error=self.errors.append, flush_on_exit=False)
        self.addCleanup(self.guard.close)

    def control(self, verb):
        path = "/api/v1/agents/%s/%s" % (urllib.parse.quote(self.agent, safe=""), verb)
        status, body = self.server.request("POST", path)
        self.assertEqual(status, 200, body)

    def test_each_documented_status_is_stored_with_its_context(self):
        stored = {"success": ("success", None), "failed": ("error", "failed"),
                  "pending": ("pending", None), "denied": ("denied", None)}
        for word, (status, original) in stored.items():
            context = {"amount": 50.0, "customer_id": "cus_ABC123", "step": word}
            answer = self.guard.log(self.agent, "stripe.refund", word, context,
                                    ip_address="192.168.1.100")
            self.assertEqual({k: answer[k] for k in ("agent_id", "action", "status", "context")},
                             {"agent_id": self.agent, "action": "stripe.refund", "status": word,
                              "context": context})
            self.assertIsInstance(answer["organization_id"], str)
            self.assertIsInstance(answer["created_at"], str)
            event = self.server.event(answer["id"])
            self.assertEqual((event["agent"], event["action"], event["kind"], event["status"],
                              event["context"], event["ip_address"], event["environment"]),
                             (self.agent, "stripe.refund", "action", status, context,
                              "192.168.1.100", "production"))
            self.assertEqual(event["metadata"].get("original_status"), original)
            self.assertIsNotNone(event["idempotency_key"])

    def test_the_same_idempotency_key_stores_one_record(self):
        first = self.guard.log(self.agent, "email.send", "success", {"n": 1},
                               idempotency_key="py-compat-" + self.agent)
        again = self.guard.log(self.agent, "email.send", "success", {"n": 1},
                               idempotency_key="py-compat-" + self.agent)
        self.assertEqual(again["id"], first["id"])
        self.assertEqual([e["id"] for e in self.server.events(agent=self.agent)], [first["id"]])

    def test_check_follows_the_kill_switch_and_records_refusals(self):
        allowed = self.guard.check(self.agent, "stripe.refund", {"amount": 50})
        self.assertEqual((allowed.allowed, allowed.reason), (True, None))
        self.control("pause")
        refused = self.guard.check(self.agent, "stripe.refund", {"amount": 150})
        self.assertFalse(refused.allowed)
        self.assertIsInstance(refused.reason, str)
        event = self.server.event(refused.event_id)
        self.assertEqual((event["agent"], event["action"], event["status"], event["context"]),
                         (self.agent, "stripe.refund", "denied", {"amount": 150}))
        # the documented pattern: log the refusal with its reason
        logged = self.guard.log(self.agent, "stripe.refund", "denied",
                                {"reason": refused.reason})
        self.assertEqual(self.server.event(logged["id"])["status"], "denied")
        ran = []
        with self.assertRaises(ActionDeniedError):
            self.guard.execute(self.agent, "stripe.refund", lambda: ran.append(1))
        self.assertEqual(ran, [])
        self.control("resume")
        self.assertEqual(self.guard.execute(self.agent, "stripe.refund", lambda: "re_1",
                                            {"amount": 5}), "re_1")
        latest = self.server.events(agent=self.agent, status="success")[0]
        self.assertEqual(latest["context"]["amount"], 5)
        self.assertIsInstance(latest["context"]["duration_ms"], int)
        self.assertEqual(self.errors, [])

    def test_refusals_of_the_request_raise_with_the_servers_detail(self):
        with self.assertRaises(AgentTrailError) as caught:
            self.guard.log(self.agent, "stripe.refund", "ok")
        self.assertEqual((str(caught.exception), caught.exception.details),
                         ("AgentWarden: Failed to log action (400)",
                          {"status": ["Must be one of: success, failed, pending, denied"]}))
        stranger = AgentWarden(api_key="aw_not_a_real_key_0123456789",
                               base_url=self.server.url, flush_on_exit=False)
        self.addCleanup(stranger.close)
        with self.assertRaises(AgentTrailError) as caught:
            stranger.check(self.agent, "x")
        self.assertEqual((str(caught.exception), caught.exception.details),
                         ("AgentWarden: Check failed (401)", "Invalid API key"))


if __name__ == "__main__":
    unittest.main()
