"""AsyncAgentLedger and integrations.openai_agents of agenttrail.compat.agentledger: the requests
of the sync client, waited on off the event loop; with_agent_ledger and create_tool_executor."""

import asyncio
import unittest

from agenttrail.compat.agentledger import AsyncAgentLedger, CheckResult, TrackOptions
from agenttrail.compat.agentledger.integrations.openai_agents import (create_tool_executor,
                                                                      with_agent_ledger)

from .compat_helpers import AL_KEY, DOWN_URL, LedgerTestCase


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


class TestAsyncAgentLedger(LedgerTestCase):
    def ledger(self, **fields):
        return super().ledger(AsyncAgentLedger, **fields)

    def test_the_loop_keeps_running_while_a_request_waits(self):
        ledger = self.ledger()
        self.server.gate.clear()  # answers wait until the loop has ticked 20 times

        async def scenario():
            ticks = []

            async def ticker():
                while True:
                    ticks.append(1)
                    if len(ticks) == 20:
                        self.server.gate.set()
                    await asyncio.sleep(0.01)

            task = asyncio.ensure_future(ticker())
            result = await ledger.check(TrackOptions(agent="a", service="s", action="x"))
            task.cancel()
            return result, len(ticks)

        result, ticks = run(scenario())
        self.assertEqual(result, CheckResult(True, None, {}))
        self.assertGreaterEqual(ticks, 20)

    def test_track_awaits_the_coroutine_and_records_it(self):
        ledger = self.ledger()

        async def call():
            await asyncio.sleep(0.01)
            return {"ok": True}

        self.server.respond(200, None, {"allowed": True})
        self.server.respond(200, None, {"logged": True, "id": "evt_9"})
        result = run(ledger.track(TrackOptions(agent="a", service="s", action="x",
                                               capture_output=True), call))
        self.assertEqual((result.result, result.allowed, result.action_id),
                         ({"ok": True}, True, "evt_9"))
        self.assertGreaterEqual(result.duration_ms, 10)
        log = self.server.requests[1]
        self.assertEqual((log.path, log.body["output"], log.body["status"]),
                         ("/api/v1/actions", {"ok": True}, "success"))

    def test_track_takes_a_plain_function_as_the_documentation_shows(self):
        ledger = self.ledger()
        result = run(ledger.track(TrackOptions(agent="a", service="s", action="x"), lambda: 5))
        self.assertEqual(result.result, 5)

    def test_track_refusals_errors_and_fail_modes(self):
        ledger = self.ledger()
        self.server.respond(200, None, {"allowed": False, "blockReason": "Agent is killed"})
        with self.assertRaisesRegex(RuntimeError,
                                    "^AgentLedger: Action blocked - Agent is killed$"):
            run(ledger.track(TrackOptions(agent="a", service="s", action="x"), lambda: 1))

        async def fail():
            raise ValueError("bad input")

        with self.assertRaises(ValueError):
            run(ledger.track(TrackOptions(agent="a", service="s", action="x"), fail))
        log = self.server.requests[-1].body
        self.assertEqual((log["status"], log["output"]["error"]), ("error", "bad input"))

        down = self.ledger(base_url=DOWN_URL)
        self.assertEqual(run(down.track(TrackOptions(agent="a", service="s", action="x"),
                                        lambda: 2)).result, 2)
        self.assertEqual(len(self.errors), 2)
        closed = self.ledger(base_url=DOWN_URL, fail_open=False)
        with self.assertRaisesRegex(RuntimeError, r"Cannot verify action \(fail-closed mode\)"):
            run(closed.track(TrackOptions(agent="a", service="s", action="x"), lambda: 3))

    def test_controls_evaluate_log_and_the_rest_send_what_the_sync_client_sends(self):
        ledger = self.ledger()

        async def scenario():
            await ledger.pause_agent("a b")
            await ledger.resume_agent("a b")
            await ledger.kill_agent("a b")
            await ledger.evaluate("act_1", 90, label="good")
            await ledger.log(TrackOptions(agent="a", service="s", action="x"), "error", 4)
            await ledger.log_batch([{"agent": "a", "service": "s", "action": "x"}])
            await ledger.export_actions("2026-01-01", "2026-01-02")
            await ledger.analytics()
            await ledger.policy_templates()
            await ledger.apply_policy_template("t")
            return await ledger.forecast()

        # forecast() returns the whole answer when it has no "forecast" field
        self.assertEqual(run(scenario()), {"status": "ok"})
        self.assertEqual([r.path.split("?")[0] for r in self.server.requests], [
            "/api/v1/agents/a%20b/pause", "/api/v1/agents/a%20b/resume",
            "/api/v1/agents/a%20b/kill", "/api/v1/evaluations", "/api/v1/actions",
            "/api/v1/actions/batch", "/api/v1/export", "/api/v1/analytics",
            "/api/v1/policies/templates", "/api/v1/policies/templates", "/api/v1/forecast"])
        self.assertEqual(self.server.requests[3].body,
                         {"action_id": "act_1", "score": 90, "label": "good"})
        self.assertEqual(self.server.requests[4].body["status"], "error")
        self.assertEqual(AsyncAgentLedger.trace_id()[:3], "tr_")

    def test_the_key_check_is_the_published_one(self):
        with self.assertRaisesRegex(ValueError, 'Keys start with "al_"'):
            AsyncAgentLedger(api_key="at_" + AL_KEY)


class TestOpenAIAgentsHelpers(LedgerTestCase):
    def ledger(self, **fields):
        return super().ledger(AsyncAgentLedger, **fields)

    def test_with_agent_ledger_tracks_each_call_and_keeps_the_name(self):
        ledger = self.ledger()

        async def call_openai(prompt, model="gpt-4o"):
            """Calls the model."""
            return "%s:%s" % (model, prompt)

        tracked = with_agent_ledger(ledger, "my-agent", "openai", "completion", call_openai,
                                    capture_output=True, trace_id="tr_abc")
        self.assertEqual((tracked.__name__, tracked.__doc__), ("call_openai", "Calls the model."))
        self.assertEqual(run(tracked("hi", model="o3")), "o3:hi")
        check, log = self.server.requests
        self.assertEqual(check.body, {"agent": "my-agent", "service": "openai",
                                      "action": "completion"})
        self.assertEqual((log.body["output"], log.body["trace_id"]), ("o3:hi", "tr_abc"))

    def test_the_tool_executor_tracks_tools_under_their_names(self):
        ledger = self.ledger()

        async def search(query):
            return ["result for " + query]

        async def ping():
            return "pong"

        execute = create_tool_executor(ledger, agent="my-agent",
                                       handlers={"search": search, "ping": ping},
                                       service_map={"search": "google"})
        self.assertEqual(run(execute("search", {"query": "hello"})), ["result for hello"])
        self.assertEqual(run(execute("ping", "not a dict")), "pong")
        logs = [r.body for r in self.server.requests if r.path == "/api/v1/actions"]
        self.assertEqual([(b["service"], b["action"], b["input"], b["output"]) for b in logs], [
            ("google", "tool:search", {"query": "hello"}, ["result for hello"]),
            ("ping", "tool:ping", "not a dict", "pong")])
        with self.assertRaises(ValueError) as caught:
            run(execute("delete_everything", {}))
        self.assertEqual(str(caught.exception), "Unknown tool: delete_everything")


if __name__ == "__main__":
    unittest.main()
