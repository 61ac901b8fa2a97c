"""The client against a local recording server: queue, batching, retries, drops, flush and close."""

import time
import unittest

from agenttrail import AgentTrail, AgentTrailError, InvalidApiKeyError

from .recording_server import RecordingServer

KEY = "at_test_key"


class ClientTestCase(unittest.TestCase):
    def setUp(self):
        self.server = RecordingServer()
        self.errors, self.drops = [], []
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close(0.5)
        self.server.close()

    def client(self, **options):
        defaults = dict(api_key=KEY, base_url=self.server.url, on_error=self.errors.append,
                        on_drop=lambda n, reason: self.drops.append((n, reason)),
                        retry_initial_delay=0.05, flush_on_exit=False)
        defaults.update(options)
        c = AgentTrail(**defaults)
        self.clients.append(c)
        return c


class TestFireAndBatching(ClientTestCase):
    def test_batches_with_ids_defaults_and_the_key(self):
        c = self.client(max_batch_size=100, tags=["base"], environment="staging")
        for i in range(250):
            c.fire({"agent": "a", "kind": "llm_call", "n": i, "tags": ["own", "base"]})
        self.assertTrue(c.flush(5))
        batches = self.server.batch_requests()
        self.assertEqual([len(b.events) for b in batches], [100, 100, 50])
        events = [e for b in batches for e in b.events]
        self.assertEqual([e["n"] for e in events], list(range(250)))
        self.assertEqual(len({e["id"] for e in events}), 250)
        for e in events:
            self.assertEqual(e["id"][14], "7")  # UUIDv7
            self.assertIsInstance(e["ts"], int)
            self.assertEqual(e["environment"], "staging")
            self.assertEqual(e["tags"], ["base", "own"])
        self.assertEqual(batches[0].headers["Authorization"], "Bearer " + KEY)
        self.assertEqual(c.stats()["sent"], 250)
        self.assertEqual(self.drops, [])

    def test_sends_within_the_flush_interval_without_flush(self):
        c = self.client(flush_interval=0.2)
        c.fire({"agent": "a"})
        self.assertTrue(self.server.wait_for(lambda: len(self.server.event_ids()) == 1, 3))

    def test_keeps_given_id_and_ts_and_maps_aliases(self):
        c = self.client()
        c.fire({"id": "0190f3f0-0000-7000-8000-000000000001", "ts": 5, "durationMs": 12,
                "traceId": "t1", "tokens": 3, "costCents": 1.5})
        c.flush(5)
        (e,) = self.server.batch_requests()[0].events
        self.assertEqual(e["id"], "0190f3f0-0000-7000-8000-000000000001")
        self.assertEqual((e["ts"], e["duration_ms"], e["trace_id"], e["tokens_total"]),
                         (5, 12, "t1", 3))
        self.assertEqual(e["cost_usd"], "0.015000")
        self.assertNotIn("costCents", e)

    def test_fire_never_raises(self):
        c = self.client()
        c.fire(None)
        c.fire(42)
        loop = {}
        loop["self"] = loop
        c.fire({"agent": "a", "input": loop})
        c.fire({"agent": "a", "extra": float("nan")})
        c.fire({"agent": "ok"})
        c.flush(5)
        self.assertGreaterEqual(len(self.errors), 2)  # None and 42 are not events
        self.assertIn((1, "unserializable"), self.drops)
        events = self.server.batch_requests()[0].events
        self.assertEqual([e["agent"] for e in events], ["a", "ok"])
        self.assertEqual(events[0]["input"], {"_error": "Could not serialize"})

    def test_large_payload_becomes_a_truncation_marker(self):
        c = self.client()
        c.fire({"agent": "a", "output": "x" * 300000})
        c.flush(5)
        (e,) = self.server.batch_requests()[0].events
        self.assertTrue(e["output"]["_truncated"])
        self.assertEqual(len(e["output"]["_preview"]), 500)

    def test_invalid_key_raises_in_the_constructor(self):
        with self.assertRaises(InvalidApiKeyError):
            AgentTrail(api_key="nope", base_url=self.server.url)


class TestRetriesAndDrops(ClientTestCase):
    def test_a_4xx_is_not_retried_and_is_dropped_as_rejected(self):
        self.server.respond(400, None, {"error": "bad", "code": "validation_failed"})
        c = self.client()
        c.fire({"agent": "a"})
        c.fire({"agent": "b"})
        c.flush(5)
        self.assertEqual(len(self.server.batch_requests()), 1)
        self.assertEqual(self.drops, [(2, "rejected")])
        self.assertEqual(self.errors[-1].status, 400)

    def test_without_handlers_a_rejected_batch_is_one_stderr_line_with_its_cause(self):
        import io
        from unittest import mock
        self.server.respond(400, None, {"error": "bad", "code": "validation_failed"})
        c = self.client(on_error=None, on_drop=None)
        with mock.patch("sys.stderr", new=io.StringIO()) as err:
            c.fire({"agent": "a"})
            self.assertTrue(c.flush(5))
        self.assertEqual(err.getvalue(), "[agenttrail] AgentTrail: dropped 1 event (rejected): "
                                         "AgentTrail: Failed to send events (400)\n")

    def test_partly_accepted_batch_reports_only_the_refused(self):
        self.server.respond(200, None, {"accepted": [{"index": 0}], "errors": [
            {"index": 1, "details": [{"path": "events.1.status", "message": "bad"}]}]})
        c = self.client()
        c.fire({"agent": "a"})
        c.fire({"agent": "b", "status": "weird"})
        c.flush(5)
        self.assertEqual(self.drops, [(1, "rejected")])
        self.assertEqual(self.errors[-1].details[0]["index"], 1)
        self.assertEqual(c.stats()["sent"], 1)

    def test_queue_full_drops_the_newest_and_reports_once(self):
        self.server.gate.clear()  # the server holds its answer until released
        c = self.client(max_queue_size=5, flush_interval=0.01)
        c.fire({"agent": "first"})
        self.assertTrue(self.server.wait_for(lambda: len(self.server.requests) == 1, 5))
        for i in range(8):
            c.fire({"agent": "a", "n": i})
        self.assertEqual(c.stats()["dropped"], 3)
        self.server.gate.set()
        self.assertTrue(c.flush(5))
        self.assertEqual(self.drops, [(3, "queue_full")])
        self.assertEqual(len(self.server.event_ids()), 6)

    def test_server_down_fire_stays_fast_and_close_is_bounded(self):
        c = self.client(base_url="http://127.0.0.1:9", retry_deadline=30)
        start = time.perf_counter()
        for i in range(1000):
            c.fire({"agent": "a"})
        # Generous bounds: what is proved is that neither waits for the 30 s retry deadline.
        self.assertLess(time.perf_counter() - start, 2)
        start = time.monotonic()
        self.assertFalse(c.close(0.5))
        self.assertLess(time.monotonic() - start, 10)
        # Every event is accounted for by the time close() returns, the batch in flight included.
        self.assertEqual(sum(n for n, _ in self.drops), 1000)
        self.assertEqual({r for _, r in self.drops}, {"shutdown"})


class TestCloseAndLog(ClientTestCase):
    def test_close_sends_pending_is_idempotent_and_later_fires_drop(self):
        c = self.client(flush_interval=60)
        for i in range(5):
            c.fire({"agent": "a"})
        self.assertTrue(c.close())
        self.assertTrue(c.close())
        self.assertEqual(len(self.server.event_ids()), 5)
        c.fire({"agent": "late"})
        self.assertEqual(self.drops, [(1, "shutdown")])
        self.assertEqual(len(self.server.event_ids()), 5)

    def test_context_manager_closes(self):
        with self.client(flush_interval=60) as c:
            c.fire({"agent": "a"})
        self.assertEqual(len(self.server.event_ids()), 1)

    def test_log_returns_the_receipt_and_retries_with_the_same_id(self):
        self.server.respond(503, {"Retry-After": "0"}, None)
        c = self.client(environment="dev")
        receipt = c.log({"agent": "a", "kind": "action"})
        self.assertEqual(receipt["seq"], 7)
        reqs = [r for r in self.server.requests if r.path == "/api/v1/events"]
        self.assertEqual(len(reqs), 2)
        self.assertEqual(reqs[0].body["id"], reqs[1].body["id"])
        self.assertEqual(receipt["id"], reqs[0].body["id"])
        self.assertEqual(reqs[1].body["environment"], "dev")

    def test_log_raises_on_a_refusal(self):
        self.server.respond(400, None, {"error": "bad", "code": "validation_failed"})
        c = self.client()
        with self.assertRaises(AgentTrailError) as ctx:
            c.log({"agent": "a"})
        self.assertEqual(ctx.exception.status, 400)
        self.assertEqual(str(ctx.exception), "AgentTrail: Failed to log event (400)")

    def test_check_and_agent_controls(self):
        c = self.client(environment="dev")
        self.assertTrue(c.check("bot", "stripe", "charge", cost_cents=5)["allowed"])
        c.pause_agent("my bot/1")
        c.resume_agent("b")
        c.kill_agent("b")
        paths = [r.path for r in self.server.requests]
        self.assertEqual(paths, ["/api/v1/check", "/api/v1/agents/my%20bot%2F1/pause?environment=dev",
                                 "/api/v1/agents/b/resume?environment=dev",
                                 "/api/v1/agents/b/kill?environment=dev"])
        self.assertEqual(self.server.requests[0].body, {"agent": "bot", "environment": "dev",
                                                        "service": "stripe", "action": "charge",
                                                        "cost_cents": 5})
        self.server.respond(403, None, {"error": "no", "code": "forbidden"})
        with self.assertRaises(AgentTrailError) as ctx:
            c.kill_agent("b")
        self.assertEqual(str(ctx.exception), "AgentLedger: Failed to kill agent (403)")

    def test_trace_id_format(self):
        import re
        self.assertRegex(AgentTrail.trace_id(), re.compile(r"^tr_[0-9a-z]+_[0-9a-z]{8}$"))


if __name__ == "__main__":
    unittest.main()
