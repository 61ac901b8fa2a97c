"""A clock for the retry loop that never sleeps: ``wait`` records the delay and moves time on."""

import threading


class FakeClock(object):
    def __init__(self, start=1000.0):
        self.now = start
        self.waits = []
        self._lock = threading.Lock()

    def monotonic(self):
        with self._lock:
            return self.now

    def wait(self, seconds, abort=None):
        with self._lock:
            self.waits.append(seconds)
            self.now += seconds
        return abort is not None and abort.is_set()
