"""End to end against the real AgentTrail server (see ``live_server.py``: the one ``npm test``
starts on each store, else the built CLI on SQLite)."""

import json
import unittest

import asyncio

from agenttrail import ActionBlockedError, AgentTrail, AsyncAgentTrail

from .live_server import live_server


class TestAgainstTheRealServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.url, cls.key = cls.server.url, cls.server.key

    def setUp(self):
        self.errors, self.drops = [], []
        self.trail = AgentTrail(api_key=self.key, base_url=self.url, environment="e2e",
                                tags=["py"], max_batch_size=50, flush_on_exit=False,
                                on_error=self.errors.append,
                                on_drop=lambda n, r: self.drops.append((n, r)))

    def tearDown(self):
        self.trail.close(5)

    def get(self, path):
        return self.server.get(path)

    def test_log_fire_flush_and_read_back(self):
        receipt = self.trail.log({"agent": "py-e2e", "kind": "action", "action": "logged",
                                  "durationMs": 12})
        self.assertIsInstance(receipt["seq"], int)
        again = self.trail.log({"id": receipt["id"], "agent": "py-e2e", "action": "logged"})
        self.assertEqual(again, receipt)  # the same id is answered with the stored receipt

        for i in range(120):
            self.trail.fire({"agent": "py-e2e", "kind": "llm_call", "provider": "openai",
                             "model": "gpt-4o", "tokens_input": 10, "tokens_output": i,
                             "input": "prompt %d" % i, "output": {"text": "answer %d" % i},
                             "custom_field": i})
        repeated = "0190f3f0-0000-7000-8000-00000000abcd"
        self.trail.fire({"id": repeated, "agent": "py-e2e", "action": "once"})
        self.trail.fire({"id": repeated, "agent": "py-e2e", "action": "once"})
        self.assertTrue(self.trail.flush(20))
        self.assertEqual((self.errors, self.drops), ([], []))

        events = self.get("/api/v1/events?agent=py-e2e&environment=e2e&limit=1000")["events"]
        self.assertEqual(len(events), 1 + 120 + 1)
        self.assertEqual(len({e["id"] for e in events}), len(events))
        llm = sorted((e for e in events if e["kind"] == "llm_call"),
                     key=lambda e: e["tokens_output"])
        self.assertEqual([e["tokens_output"] for e in llm], list(range(120)))
        self.assertEqual(llm[5]["model"], "gpt-4o")
        self.assertEqual(llm[5]["tags"], ["py"])
        logged = [e for e in events if e["id"] == receipt["id"]][0]
        self.assertEqual(logged["duration_ms"], 12)
        self.assertEqual(logged["seq"], receipt["seq"])
        full = self.get("/api/v1/events/" + llm[7]["id"])
        self.assertEqual(full.get("event", full)["output"], {"text": "answer 7"})

    def test_check_and_agent_controls(self):
        self.assertTrue(self.trail.check("py-ctl", "stripe", "charge", cost_cents=5)["allowed"])
        self.trail.pause_agent("py-ctl")
        decision = self.trail.check("py-ctl", "stripe", "charge")
        self.assertFalse(decision["allowed"])
        self.assertTrue(decision.get("blockReason"))
        self.trail.resume_agent("py-ctl")
        self.assertTrue(self.trail.check("py-ctl", "stripe", "charge")["allowed"])

    def test_track_records_evaluates_and_is_refused_when_paused(self):
        res = self.trail.track(lambda: {"sent": True}, agent="py-track", service="mail",
                               action="send", input={"to": "ada"}, capture_output=True)
        evaluation = self.trail.evaluate(res.action_id, 80, label="good")
        self.assertTrue(evaluation["id"])
        stored = self.get("/api/v1/events/" + res.action_id)
        stored = stored.get("event", stored)
        self.assertEqual((stored["status"], stored["output"]), ("success", {"sent": True}))
        self.trail.pause_agent("py-track")
        ran = []
        with self.assertRaises(ActionBlockedError):
            self.trail.track(lambda: ran.append(1), agent="py-track", service="mail",
                             action="send")
        self.assertEqual(ran, [])

    def test_stream_receives_a_logged_event(self):
        import time
        seen = []
        handle = self.trail.stream(on_event=lambda t, d, i: seen.append((t, d, i)),
                                   reconnect_delay=0.2)
        try:
            self.assertTrue(handle.connected.wait(10))  # subscribed before the event is written
            receipt = self.trail.log({"agent": "py-stream", "action": "streamed"})
            end = time.monotonic() + 10
            while time.monotonic() < end and not any(
                    receipt["id"] in json.dumps(d) for _, d, _ in seen):
                time.sleep(0.05)
            self.assertTrue(any(receipt["id"] in json.dumps(d) for _, d, _ in seen), seen)
            self.assertTrue(handle.last_event_id)
        finally:
            handle.close()
            handle._thread.join(2)

    def test_the_async_client_logs_tracks_and_is_refused_when_paused(self):
        async def scenario():
            async with AsyncAgentTrail(api_key=self.key, base_url=self.url, environment="e2e",
                                       flush_on_exit=False) as trail:
                receipt = await trail.log({"agent": "py-async", "action": "logged"})

                async def lookup():
                    await asyncio.sleep(0.01)
                    return {"found": 1}

                tracked = await trail.track(lookup, agent="py-async", service="crm",
                                            action="lookup", capture_output=True)
                self.assertTrue(await trail.flush(10))
                await trail.pause_agent("py-async")
                try:
                    with self.assertRaises(ActionBlockedError):
                        await trail.track(lookup, agent="py-async", service="crm",
                                          action="lookup")
                finally:
                    await trail.resume_agent("py-async")
                return receipt, tracked

        receipt, tracked = asyncio.run(scenario())
        self.assertEqual(self.server.event(receipt["id"])["seq"], receipt["seq"])
        stored = self.server.event(tracked.action_id)
        self.assertEqual((stored["agent"], stored["service"], stored["action"], stored["output"]),
                         ("py-async", "crm", "lookup", {"found": 1}))


if __name__ == "__main__":
    unittest.main()
