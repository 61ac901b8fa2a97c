"""AgentLedger.track() of agenttrail.compat.agentledger: check, run, record synchronously, with
agentledger-py 0.5.0's refusals, fail-open and fail-closed handling and error record."""

import contextlib
import io
import unittest

from agenttrail import AgentTrailError
from agenttrail.compat.agentledger import TrackOptions, TrackResult

from .compat_helpers import DOWN_URL, LedgerTestCase

OPTIONS = dict(agent="support-bot", service="openai", action="chat_completion")


class TestTrack(LedgerTestCase):
    def test_checks_runs_and_records_before_returning(self):
        ledger = self.ledger()
        self.server.respond(200, None, {"allowed": True, "remainingBudget": {}})
        self.server.respond(200, None, {"logged": True, "id": "evt_42"})
        result = ledger.track(TrackOptions(cost_cents=2, input={"q": "hi"}, **OPTIONS),
                              lambda: {"answer": 42})
        self.assertEqual(result, TrackResult(result={"answer": 42}, allowed=True,
                                             duration_ms=result.duration_ms,
                                             action_id="evt_42"))
        check, log = self.server.requests
        self.assertEqual((check.path, log.path), ("/api/v1/check", "/api/v1/actions"))
        self.assertEqual(log.body, {"agent": "support-bot", "service": "openai",
                                    "action": "chat_completion", "status": "success",
                                    "cost_cents": 2, "duration_ms": result.duration_ms,
                                    "metadata": {}, "environment": "production",
                                    "input": {"q": "hi"}})
        self.assertEqual(self.errors, [])

    def test_capture_output_records_the_result_and_a_given_output_wins(self):
        ledger = self.ledger()
        ledger.track(TrackOptions(capture_output=True, **OPTIONS), lambda: [1, 2])
        ledger.track(TrackOptions(capture_output=True, output="mine", **OPTIONS), lambda: [1])
        ledger.track(TrackOptions(**OPTIONS), lambda: [3])
        outputs = [r.body.get("output") for r in self.server.requests
                   if r.path == "/api/v1/actions"]
        self.assertEqual(outputs, [[1, 2], "mine", None])

    def test_a_refusal_raises_before_the_function_runs(self):
        ledger = self.ledger()
        ran = []
        for answer, message in (({"allowed": False, "blockReason": "Agent is paused"},
                                 "AgentLedger: Action blocked - Agent is paused"),
                                ({"allowed": False, "requiresApproval": True,
                                  "approvalId": "ap_1"},
                                 "AgentLedger: Action blocked - budget exceeded")):
            self.server.respond(200, None, answer)
            with self.assertRaises(RuntimeError) as caught:
                ledger.track(TrackOptions(**OPTIONS), lambda: ran.append(1))
            self.assertEqual(str(caught.exception), message)
        self.assertEqual(ran, [])
        self.assertEqual([r.path for r in self.server.requests], ["/api/v1/check"] * 2)

    def test_the_functions_error_is_recorded_and_re_raised(self):
        ledger = self.ledger()
        self.server.respond(200, None, {"allowed": True})
        failure = KeyError("missing")

        def fail():
            raise failure

        with self.assertRaises(KeyError) as caught:
            ledger.track(TrackOptions(output="ignored?", **OPTIONS), fail)
        self.assertIs(caught.exception, failure)
        log = self.server.requests[1].body
        self.assertEqual(log["status"], "error")
        # as published: a given output wins over the error record
        self.assertEqual(log["output"], "ignored?")
        self.server.respond(200, None, {"allowed": True})
        with self.assertRaises(KeyError):
            ledger.track(TrackOptions(**OPTIONS), fail)
        output = self.server.requests[3].body["output"]
        self.assertEqual(output["error"], "'missing'")
        self.assertIn("Traceback (most recent call last)", output["stack"])
        self.assertIn("KeyError: 'missing'", output["stack"])

    def test_server_down_fail_open_runs_and_reports_both_failures(self):
        ledger = self.ledger(base_url=DOWN_URL)
        result = ledger.track(TrackOptions(**OPTIONS), lambda: "done")
        self.assertEqual((result.result, result.allowed, result.action_id), ("done", True, None))
        self.assertEqual(len(self.errors), 2)  # the check, then the record
        for error in self.errors:
            self.assertIsInstance(error, AgentTrailError)
            self.assertNotIsInstance(error, RuntimeError)
            self.assertEqual(error.code, "network")

    def test_server_down_fail_closed_raises_before_the_function(self):
        ledger = self.ledger(base_url=DOWN_URL, fail_open=False)
        ran = []
        with self.assertRaises(RuntimeError) as caught:
            ledger.track(TrackOptions(**OPTIONS), lambda: ran.append(1))
        self.assertEqual(str(caught.exception),
                         "AgentLedger: Cannot verify action (fail-closed mode)")
        self.assertIsInstance(caught.exception.__cause__, AgentTrailError)
        self.assertEqual((ran, self.errors), ([], []))

    def test_an_error_status_on_the_check_raises_even_when_failing_open(self):
        # agentledger-py re-raises every RuntimeError from its check, its HTTP errors included
        ledger = self.ledger()
        self.server.respond(503, None, {"error": "busy"})
        ran = []
        with self.assertRaises(RuntimeError) as caught:
            ledger.track(TrackOptions(**OPTIONS), lambda: ran.append(1))
        self.assertEqual(str(caught.exception), "AgentLedger: Request failed (503)")
        self.assertEqual(ran, [])

    def test_a_record_that_fails_goes_to_on_error_and_the_result_is_returned(self):
        ledger = self.ledger()
        self.server.respond(200, None, {"allowed": True})
        self.server.respond(403, None, {"allowed": False, "reason": "paused", "logged": True})
        result = ledger.track(TrackOptions(**OPTIONS), lambda: "sent")
        self.assertEqual((result.result, result.action_id), ("sent", None))
        self.assertEqual([str(e) for e in self.errors], ["AgentLedger: Request failed (403)"])

    def test_without_on_error_failures_are_silent(self):
        ledger = self.ledger(base_url=DOWN_URL, on_error=None)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            self.assertEqual(ledger.track(TrackOptions(**OPTIONS), lambda: 1).result, 1)
        self.assertEqual(stderr.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
