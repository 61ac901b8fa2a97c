"""AsyncAgentTrail against the local recording server: the loop keeps running while the network
is waited on, track() in its three forms, refusals, controls, approvals and the stream's handlers
on the loop."""

import asyncio
import threading
import unittest

from agenttrail import ActionBlockedError, AgentTrailError, AsyncAgentTrail

from .test_client import KEY, ClientTestCase


class AsyncTestCase(ClientTestCase):
    def trail(self, **options):
        defaults = dict(api_key=KEY, base_url=self.server.url, on_error=self.errors.append,
                        on_drop=lambda n, reason: self.drops.append((n, reason)),
                        retry_initial_delay=0.05, flush_on_exit=False)
        defaults.update(options)
        t = AsyncAgentTrail(**defaults)
        self.clients.append(t.sync)
        return t

    def events(self):
        return [e for r in self.server.batch_requests() for e in r.events]

    def run_async(self, coro):
        return asyncio.run(asyncio.wait_for(coro, 20))


class TestAsyncClient(AsyncTestCase):
    def test_the_loop_keeps_running_while_log_waits_for_the_server(self):
        t = self.trail()
        self.server.gate.clear()  # every answer waits until the gate opens

        async def scenario():
            ticks = []

            async def ticker():
                while True:
                    ticks.append(1)
                    if len(ticks) == 20:
                        self.server.gate.set()  # the loop ran 20 times while log() waited
                    await asyncio.sleep(0.01)

            task = asyncio.ensure_future(ticker())
            receipt = await t.log({"agent": "a", "action": "x"})
            task.cancel()
            return receipt, len(ticks)

        receipt, ticks = self.run_async(scenario())
        self.assertEqual(receipt["seq"], 7)
        self.assertGreaterEqual(ticks, 20)

    def test_fire_flush_close_and_the_async_context_manager(self):
        async def scenario():
            async with self.trail(environment="dev") as t:
                for i in range(5):
                    t.fire({"agent": "a", "n": i})
                self.assertTrue(await t.flush(5))
                t.fire({"agent": "a", "n": 5})
            self.assertTrue(await t.close())  # idempotent: the first close's result
            t.fire({"agent": "a", "n": 6})  # after close: dropped, never raised

        self.run_async(scenario())
        self.assertEqual([e["n"] for e in self.events()], [0, 1, 2, 3, 4, 5])
        self.assertEqual(self.events()[0]["environment"], "dev")
        self.assertEqual(self.drops, [(1, "shutdown")])

    def test_track_awaits_a_coroutine_function_and_records_it(self):
        t = self.trail()

        async def charge(amount):
            await asyncio.sleep(0.01)
            return {"charged": amount}

        async def scenario():
            res = await t.track(lambda: charge(5), agent="bot", service="stripe",
                                action="charge", capture_output=True, input={"amount": 5})
            await t.flush(5)
            return res

        res = self.run_async(scenario())
        self.assertEqual((res.result, res.allowed), ({"charged": 5}, True))
        self.assertGreaterEqual(res.duration_ms, 10)
        self.assertEqual(self.server.requests[0].path, "/api/v1/check")
        (e,) = self.events()
        self.assertEqual((e["id"], e["status"], e["output"], e["input"]),
                         (res.action_id, "success", {"charged": 5}, {"amount": 5}))

    def test_decorator_keeps_the_coroutine_function_and_records_its_error(self):
        t = self.trail()

        @t.track(agent="bot", service="mail", action="send", check=False)
        async def send(to):
            """Sends mail."""
            raise ConnectionError("smtp down for " + to)

        self.assertEqual((send.__name__, send.__doc__), ("send", "Sends mail."))
        with self.assertRaises(ConnectionError):
            self.run_async(send("ada"))
        self.run_async(t.flush(5))
        (e,) = self.events()
        self.assertEqual(e["status"], "error")
        self.assertEqual(e["error"], {"name": "ConnectionError", "message": "smtp down for ada"})
        with self.assertRaises(TypeError):
            t.track(agent="bot")(lambda: 1)  # a plain function belongs to AgentTrail.track

    def test_async_context_manager_records_output_and_refusals_stop_the_body(self):
        t = self.trail()
        ran = []

        async def scenario():
            async with t.track(agent="bot", service="db", action="query") as tracked:
                tracked.output = {"rows": 3}
            self.server.respond(200, None, {"allowed": False, "blockReason": "Agent is paused"})
            with self.assertRaises(ActionBlockedError):
                async with t.track(agent="bot", service="db", action="query"):
                    ran.append(1)
            await t.flush(5)
            return tracked

        tracked = self.run_async(scenario())
        self.assertEqual(ran, [])
        (e,) = self.events()
        self.assertEqual((e["id"], e["output"]), (tracked.action_id, {"rows": 3}))

    def test_fail_closed_raises_when_the_check_cannot_be_made(self):
        t = self.trail(fail_open=False)
        self.server.respond(503, None, None)
        with self.assertRaises(AgentTrailError) as ctx:
            self.run_async(t.track(lambda: 1, agent="bot"))
        self.assertEqual(str(ctx.exception), "AgentLedger: Cannot verify action (fail-closed mode)")

    def test_check_controls_evaluate_and_approvals(self):
        t = self.trail(environment="staging")

        async def scenario():
            decision = await t.check("bot", "stripe", "charge", cost_cents=3)
            await t.pause_agent("bot/1")
            await t.resume_agent("bot/1")
            await t.kill_agent("bot/1")
            self.server.respond(201, None, {"id": "ev_1"})
            evaluation = await t.evaluate("act_1", 70, label="ok")
            self.server.respond(200, None, {"status": "pending"})
            self.server.respond(200, None, {"status": "denied"})
            decided = await t.wait_for_approval("ap_1", timeout=5, poll_interval=0.05)
            self.server.respond(200, None, {"status": "pending"})
            self.server.respond(200, None, {"status": "pending"})
            self.server.respond(200, None, {"status": "pending"})
            expired = await t.wait_for_approval("ap_2", timeout=0.1, poll_interval=0.05)
            return decision, evaluation, decided, expired

        decision, evaluation, decided, expired = self.run_async(scenario())
        self.assertTrue(decision["allowed"])
        self.assertEqual((evaluation, decided, expired), ({"id": "ev_1"}, "denied", "expired"))
        paths = [r.path for r in self.server.requests]
        self.assertEqual(paths[:6], [
            "/api/v1/check", "/api/v1/agents/bot%2F1/pause?environment=staging",
            "/api/v1/agents/bot%2F1/resume?environment=staging",
            "/api/v1/agents/bot%2F1/kill?environment=staging", "/api/v1/evaluations",
            "/api/v1/approvals/ap_1"])
        self.assertEqual(self.server.requests[0].body["environment"], "staging")

    def test_stream_handlers_run_on_the_event_loop(self):
        t = self.trail(base_url="http://127.0.0.1:9")  # nothing listens: connection errors

        async def scenario():
            loop_thread = threading.get_ident()
            seen = asyncio.Event()
            threads = []

            async def on_error(error):
                threads.append(threading.get_ident())
                seen.set()

            handle = t.stream(on_error=on_error, reconnect_delay=0.05)
            try:
                await asyncio.wait_for(seen.wait(), 10)
            finally:
                handle.close()
            return loop_thread, threads

        loop_thread, threads = self.run_async(scenario())
        self.assertEqual(threads[0], loop_thread)

    def test_trace_id_is_static(self):
        self.assertRegex(AsyncAgentTrail.trace_id(), r"^tr_[0-9a-z]+_[0-9a-z]{8}$")


if __name__ == "__main__":
    unittest.main()
