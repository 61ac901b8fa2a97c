"""The time the retry loop reads and waits on. The system clock in use; tests pass a fake one to
the client (``AgentTrail(clock=...)``) to check backoff, Retry-After and deadlines exactly,
without waiting for them."""

import time


class SystemClock(object):
    """``monotonic()`` in seconds, and ``wait(seconds, abort)`` that returns True when ``abort``
    (a threading.Event, or None) was set before the time passed."""

    @staticmethod
    def monotonic():
        return time.monotonic()

    @staticmethod
    def wait(seconds, abort=None):
        if abort is not None:
            return abort.wait(seconds)
        time.sleep(seconds)
        return False


SYSTEM_CLOCK = SystemClock()
