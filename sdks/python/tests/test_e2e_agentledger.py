"""agenttrail.compat.agentledger end to end: the AgentLedger-compatible clients and integrations
against the real server (``live_server.py``) with an ``al_`` key, each record read back."""

import asyncio
import datetime
import json
import unittest
import uuid

from agenttrail.compat.agentledger import (AgentLedger, AgentLedgerConfig, AsyncAgentLedger,
                                           CheckOptions, LogOptions, TrackOptions)
from agenttrail.compat.agentledger.integrations.langchain import AgentLedgerCallbackHandler
from agenttrail.compat.agentledger.integrations.openai_agents import (create_tool_executor,
                                                                      with_agent_ledger)

from .live_server import live_server


def day(offset):
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=offset)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


class LedgerE2E(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.key = cls.server.new_key("al_")

    def setUp(self):
        # names of this module only, fresh per test: other suites share the server
        self.agent = "py-compat-al-" + uuid.uuid4().hex[:10]
        self.errors = []
        self.ledger = self.make(AgentLedger)

    def make(self, cls, **fields):
        config = dict(api_key=self.key, base_url=self.server.url, on_error=self.errors.append)
        config.update(fields)
        ledger = cls(AgentLedgerConfig(**config))
        self.addCleanup((ledger.trail if cls is AgentLedger else ledger.trail.sync).close, 5)
        return ledger


class TestAgentLedgerE2E(LedgerE2E):
    def test_track_records_every_option_and_evaluate_scores_it(self):
        options = TrackOptions(agent=self.agent, service="stripe", action="charge", cost_cents=2,
                               metadata={"customer": "cus_1"}, trace_id=AgentLedger.trace_id(),
                               input={"amount": 20}, capture_output=True)
        result = self.ledger.track(options, lambda: {"charged": True})
        self.assertEqual((result.result, result.allowed), ({"charged": True}, True))
        event = self.server.event(result.action_id)  # written before track() returned
        expected = {"agent": self.agent, "service": "stripe", "action": "charge",
                    "status": "success", "kind": "action", "environment": "production",
                    "trace_id": options.trace_id, "input": {"amount": 20},
                    "output": {"charged": True}, "metadata": {"customer": "cus_1"},
                    "duration_ms": result.duration_ms, "cost_usd": 0.02}
        self.assertEqual({k: event[k] for k in expected}, expected)
        row = self.ledger.evaluate(result.action_id, score=85, label="correct",
                                   feedback="Accurate response")
        self.assertEqual((row["action_id"], row["score"], row["label"], row["feedback"]),
                         (result.action_id, 85, "correct", "Accurate response"))
        scores = self.server.event(result.action_id)["evaluations"]
        self.assertEqual([(e["score"], e["label"]) for e in scores], [(85, "correct")])
        with self.assertRaisesRegex(RuntimeError, r"^AgentLedger: Request failed \(404\)$"):
            self.ledger.evaluate(str(uuid.uuid4()), 50)

    def test_a_failing_function_is_recorded_as_an_error_and_re_raised(self):
        def fail():
            raise ZeroDivisionError("division by zero")

        with self.assertRaises(ZeroDivisionError):
            self.ledger.track(TrackOptions(agent=self.agent, service="math", action="divide"),
                              fail)
        (event,) = self.server.events(agent=self.agent)
        self.assertEqual((event["status"], event["output"]["error"]),
                         ("error", "division by zero"))
        self.assertIn("ZeroDivisionError: division by zero", event["output"]["stack"])

    def test_log_in_an_environment_with_a_truncated_input(self):
        staging = self.make(AgentLedger, environment="staging")
        big = ["row %d" % i for i in range(10000)]
        answer = staging.log(TrackOptions(agent=self.agent, service="postgres",
                                          action="bulk_insert", input=big),
                             status="success", duration_ms=1523)
        self.assertEqual(answer["logged"], True)
        event = self.server.event(answer["id"])
        self.assertEqual((event["environment"], event["duration_ms"], event["status"]),
                         ("staging", 1523, "success"))
        text = json.dumps(big)
        self.assertEqual(event["input"], {"_truncated": True, "_originalSize": len(text),
                                          "_preview": text[:500]})
        failed = staging.log(LogOptions(agent=self.agent, service="s", action="a",
                                        status="error", duration_ms=3))
        self.assertEqual(self.server.event(failed["id"])["status"], "error")

    def test_the_kill_switch_refuses_tracked_actions(self):
        options = TrackOptions(agent=self.agent, service="slack", action="post")
        self.assertTrue(self.ledger.check(options).allowed)
        self.assertIsNone(self.ledger.pause_agent(self.agent))
        paused = self.ledger.check(CheckOptions(self.agent, "slack", "post"))
        self.assertFalse(paused.allowed)
        self.assertIsInstance(paused.block_reason, str)
        ran = []
        with self.assertRaises(RuntimeError) as caught:
            self.ledger.track(options, lambda: ran.append(1))
        self.assertEqual(str(caught.exception),
                         "AgentLedger: Action blocked - " + paused.block_reason)
        self.assertEqual(ran, [])
        self.ledger.resume_agent(self.agent)
        self.assertEqual(self.ledger.track(options, lambda: "posted").result, "posted")
        self.ledger.kill_agent(self.agent)
        self.assertFalse(self.ledger.check(options).allowed)
        with self.assertRaisesRegex(RuntimeError, r"^AgentLedger: Request failed \(409\)$"):
            self.ledger.resume_agent(self.agent)  # killed is final

    def test_batch_and_export(self):
        answer = self.ledger.log_batch([
            {"agent": self.agent, "service": "s", "action": "one", "input": "i"},
            {"agent": self.agent, "service": "s", "action": "two", "status": "error",
             "cost_cents": 5, "duration_ms": 7}])
        self.assertEqual((answer["logged"], answer["count"], len(answer["ids"])), (True, 2, 2))
        two = self.server.event(answer["ids"][1])
        self.assertEqual((two["action"], two["status"], two["duration_ms"], two["cost_usd"]),
                         ("two", "error", 7, 0.05))
        exported = self.ledger.export_actions(day(-1), day(1), agent=self.agent)
        self.assertEqual(exported["export"]["count"], 2)
        self.assertEqual(sorted(a["action"] for a in exported["actions"]), ["one", "two"])
        csv = self.ledger.export_actions(day(-1), day(1), format="csv", agent=self.agent)
        lines = csv.strip().splitlines()
        self.assertTrue(lines[0].startswith("id,agent_name,service,action,status"))
        self.assertEqual(len(lines), 3)

    def test_the_repository_only_reads_are_not_served(self):
        for call, status in ((self.ledger.forecast, 404), (self.ledger.analytics, 404),
                             (self.ledger.policy_templates, 404),
                             (lambda: self.ledger.apply_policy_template("tpl"), 405)):
            with self.assertRaises(RuntimeError) as caught:
                call()
            self.assertEqual(str(caught.exception), "AgentLedger: Request failed (%d)" % status)


class TestAsyncAndIntegrationsE2E(LedgerE2E):
    def test_async_track_log_and_controls(self):
        ledger = self.make(AsyncAgentLedger)

        async def answer():
            await asyncio.sleep(0.01)
            return "42"

        async def scenario():
            tracked = await ledger.track(TrackOptions(agent=self.agent, service="openai",
                                                      action="chat", capture_output=True), answer)
            await ledger.pause_agent(self.agent)
            refused = await ledger.check(TrackOptions(agent=self.agent, service="openai",
                                                      action="chat"))
            await ledger.resume_agent(self.agent)
            logged = await ledger.log(TrackOptions(agent=self.agent, service="s", action="a"))
            return tracked, refused, logged

        tracked, refused, logged = asyncio.run(asyncio.wait_for(scenario(), 30))
        event = self.server.event(tracked.action_id)
        self.assertEqual((event["action"], event["output"]), ("chat", "42"))
        self.assertGreaterEqual(event["duration_ms"], 10)
        self.assertFalse(refused.allowed)
        self.assertEqual(self.server.event(logged["id"])["action"], "a")

    def test_the_langchain_handler_and_the_async_helpers(self):
        handler = AgentLedgerCallbackHandler(self.ledger, self.agent,
                                             service_map={"search": "tavily"})
        run = uuid.uuid4()
        handler.on_tool_start({"name": "search"}, "news", run_id=run)
        handler.on_tool_end("3 results", run_id=run, name="search")
        ledger = self.make(AsyncAgentLedger)

        async def search(query):
            return ["about " + query]

        execute = create_tool_executor(ledger, self.agent, {"search": search})
        tracked = with_agent_ledger(ledger, self.agent, "openai", "completion", search,
                                    capture_output=True)

        async def scenario():
            return await execute("search", {"query": "ai"}), await tracked("llms")

        self.assertEqual(asyncio.run(asyncio.wait_for(scenario(), 30)),
                         (["about ai"], ["about llms"]))
        events = {e["action"] + "/" + e["service"]: e for e in self.server.events(agent=self.agent)}
        self.assertEqual(sorted(events), ["completion/openai", "tool:search/search",
                                          "tool:search/tavily"])
        self.assertEqual(events["tool:search/tavily"]["output"], "3 results")
        self.assertEqual((events["tool:search/search"]["input"],
                          events["tool:search/search"]["output"]), ({"query": "ai"}, ["about ai"]))
        self.assertEqual(events["completion/openai"]["output"], ["about llms"])


if __name__ == "__main__":
    unittest.main()
