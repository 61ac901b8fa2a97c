"""The retry loop on a fake clock: exactly what is waited for after each answer, and where the
deadline ends it, without waiting for any of it."""

import email.utils
import time
import unittest

from .fake_clock import FakeClock
from .test_client import ClientTestCase


class TestRetryOnAFakeClock(ClientTestCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock()

    def retrying_client(self, **options):
        options.setdefault("retry_initial_delay", 0.5)
        return self.client(clock=self.clock, **options)

    def test_retry_after_seconds_is_waited_for_exactly_and_ids_stay_the_same(self):
        self.server.respond(503, {"Retry-After": "1"}, {"error": "busy"})
        self.server.respond(429, {"Retry-After": "7"}, {"error": "slow", "code": "rate_limited"})
        c = self.retrying_client()
        for i in range(3):
            c.fire({"agent": "a", "n": i})
        self.assertTrue(c.flush(10))
        self.assertEqual(self.clock.waits, [1.0, 7.0])
        batches = self.server.batch_requests()
        ids = [[e["id"] for e in b.events] for b in batches]
        self.assertEqual(len(ids), 3)
        self.assertTrue(ids[0] == ids[1] == ids[2])
        self.assertEqual((c.stats()["retries"], c.stats()["sent"]), (2, 3))
        self.assertEqual(self.drops, [])

    def test_retry_after_as_an_http_date_and_zero(self):
        later = email.utils.formatdate(time.time() + 30, usegmt=True)
        self.server.respond(503, {"Retry-After": later}, None)
        self.server.respond(503, {"Retry-After": "0"}, None)  # never a spin: half the first step
        c = self.retrying_client()
        c.fire({"agent": "a"})
        self.assertTrue(c.flush(10))
        self.assertEqual(len(self.clock.waits), 2)
        self.assertTrue(27 <= self.clock.waits[0] <= 31, self.clock.waits)
        self.assertEqual(self.clock.waits[1], 0.25)

    def test_backoff_doubles_with_jitter_up_to_ten_seconds(self):
        for status in (500, 502, 503, 504, 500, 502, 503, 408):
            self.server.respond(status, None, None)
        c = self.retrying_client(retry_deadline=600)
        c.fire({"agent": "a"})
        self.assertTrue(c.flush(10))
        steps = [0.5, 1, 2, 4, 8, 10, 10, 10]  # equal jitter: each wait in [step/2, step]
        self.assertEqual(len(self.clock.waits), len(steps))
        for wait, step in zip(self.clock.waits, steps):
            self.assertTrue(step / 2 <= wait <= step, (wait, step))
        self.assertEqual(c.stats()["sent"], 1)
        self.assertEqual(len(self.server.batch_requests()), 9)

    def test_the_deadline_ends_the_retries_as_export_failed(self):
        for _ in range(100):
            self.server.respond(503, {"Retry-After": "4"}, None)
        c = self.retrying_client(retry_deadline=30)
        c.fire({"agent": "a"})
        self.assertTrue(c.flush(10))
        # Attempts at 0, 4, ... 28: the next would start at 32, past the deadline.
        self.assertEqual(self.clock.waits, [4.0] * 7)
        self.assertEqual(len(self.server.batch_requests()), 8)
        self.assertEqual(self.drops, [(1, "export_failed")])
        self.assertEqual(self.errors[-1].status, 503)

    def test_log_retries_on_the_same_clock_with_the_same_id(self):
        self.server.respond(503, {"Retry-After": "2"}, None)
        c = self.retrying_client()
        receipt = c.log({"agent": "a", "action": "x"})
        self.assertEqual(self.clock.waits, [2.0])
        first, second = [r.body["id"] for r in self.server.requests]
        self.assertEqual((first, second), (receipt["id"], receipt["id"]))


if __name__ == "__main__":
    unittest.main()
