"""track() as a call, a decorator and a context manager; evaluate; wait_for_approval."""

import unittest

from agenttrail import ActionBlockedError, AgentTrailError, ApprovalRequiredError

from .test_client import ClientTestCase


class TestTrack(ClientTestCase):
    def events(self):
        return [e for r in self.server.batch_requests() for e in r.events]

    def test_call_checks_runs_and_records_once(self):
        c = self.client()
        out = c.track(lambda: {"ok": 1}, agent="bot", service="stripe", action="charge",
                      cost_cents=2.5, input={"amount": 5}, capture_output=True,
                      metadata={"m": 1}, event={"user": "ada", "status": "ignored"})
        self.assertEqual((out.result, out.allowed), ({"ok": 1}, True))
        c.flush(5)
        self.assertEqual(self.server.requests[0].path, "/api/v1/check")
        self.assertEqual(self.server.requests[0].body["cost_cents"], 2.5)
        (e,) = self.events()
        self.assertEqual(e["id"], out.action_id)
        self.assertEqual((e["agent"], e["service"], e["action"], e["status"], e["user"]),
                         ("bot", "stripe", "charge", "success", "ada"))
        self.assertEqual((e["input"], e["output"], e["cost_usd"], e["metadata"]),
                         ({"amount": 5}, {"ok": 1}, "0.025000", {"m": 1}))

    def test_decorator_keeps_the_function_and_records_errors(self):
        c = self.client()

        @c.track(agent="bot", service="mail", action="send", check=False)
        def send(to, body="hi"):
            """Sends."""
            if to == "bad":
                raise ValueError("no such address")
            return "sent to " + to

        self.assertEqual(send("ada"), "sent to ada")
        self.assertEqual(send.__name__, "send")
        self.assertEqual(send.__doc__, "Sends.")
        with self.assertRaises(ValueError):
            send("bad")
        c.flush(5)
        self.assertEqual([r.path for r in self.server.requests], ["/api/v1/events/batch"] *
                         len(self.server.requests))
        ok, err = self.events()
        self.assertEqual(ok["status"], "success")
        self.assertNotIn("output", ok)
        self.assertEqual(err["status"], "error")
        self.assertEqual(err["error"], {"name": "ValueError", "message": "no such address"})
        self.assertIn("Traceback", err["output"]["stack"])

    def test_decorating_a_coroutine_function_is_refused(self):
        c = self.client()

        async def job():
            return 1

        with self.assertRaises(TypeError):
            c.track(agent="bot", check=False)(job)

    def test_context_manager_with_output(self):
        c = self.client()
        with c.track(agent="bot", service="db", action="query") as t:
            t.output = {"rows": 3}
        c.flush(5)
        (e,) = self.events()
        self.assertEqual((e["id"], e["output"]), (t.action_id, {"rows": 3}))

    def test_refusals_raise_and_nothing_runs(self):
        c = self.client()
        ran = []
        self.server.respond(200, None, {"allowed": False, "blockReason": "Agent is paused"})
        with self.assertRaises(ActionBlockedError) as ctx:
            c.track(lambda: ran.append(1), agent="bot", service="s", action="a")
        self.assertEqual(str(ctx.exception), "AgentLedger: Action blocked - Agent is paused")
        self.server.respond(200, None, {"allowed": False, "requiresApproval": True,
                                        "approvalId": "ap_1"})
        with self.assertRaises(ApprovalRequiredError) as ctx:
            c.track(lambda: ran.append(1), agent="bot", service="s", action="a")
        self.assertEqual(ctx.exception.approval_id, "ap_1")
        self.assertEqual(ran, [])

    def test_fail_open_and_fail_closed(self):
        self.server.respond(500, None, None)
        c = self.client()
        self.assertEqual(c.track(lambda: 1, agent="bot").result, 1)
        self.assertEqual(self.errors[-1].status, 500)
        self.server.respond(500, None, None)
        closed = self.client(fail_open=False)
        with self.assertRaises(AgentTrailError) as ctx:
            closed.track(lambda: 1, agent="bot")
        self.assertEqual(str(ctx.exception), "AgentLedger: Cannot verify action (fail-closed mode)")

    def test_evaluate_flushes_first_and_wait_for_approval_polls(self):
        c = self.client(flush_interval=60)
        res = c.track(lambda: 1, agent="bot", check=False)
        self.server.respond(201, None, {"accepted": [], "errors": []})  # the flush's batch
        self.server.respond(201, None, {"id": "ev_1"})
        self.assertEqual(c.evaluate(res.action_id, 90, label="good"), {"id": "ev_1"})
        paths = [r.path for r in self.server.requests]
        self.assertEqual(paths, ["/api/v1/events/batch", "/api/v1/evaluations"])
        self.assertEqual(self.server.requests[1].body,
                         {"action_id": res.action_id, "score": 90, "label": "good"})
        self.server.respond(200, None, {"status": "pending", "expires_at": "2999-01-01T00:00:00Z"})
        self.server.respond(200, None, {"status": "approved"})
        self.assertEqual(c.wait_for_approval("ap_1", timeout=5, poll_interval=0.05), "approved")
        self.server.respond(200, None, {"status": "pending", "expires_at": "2000-01-01T00:00:00Z"})
        self.assertEqual(c.wait_for_approval("ap_2", timeout=5, poll_interval=0.05), "expired")


if __name__ == "__main__":
    unittest.main()
