"""The batch processor: a bounded in-memory queue and one daemon sender thread that sends a batch
when it is full or ``flush_interval`` after its first event, one request at a time. ``add`` never
blocks and never raises; what cannot be queued is counted and reported from the sender thread."""

import collections
import threading
import time

CLOSE_GRACE = 1.0  # seconds close() waits, after its timeout, for the batch in flight to end


class BatchProcessor(object):
    def __init__(self, exporter, reporter, max_queue_size, max_batch_size, flush_interval):
        self.exporter = exporter
        self.reporter = reporter
        self.max_queue_size = max_queue_size
        self.max_batch_size = max_batch_size
        self.flush_interval = flush_interval
        self._fresh_state()

    def _fresh_state(self):
        self._lock = threading.Lock()  # taken directly in add(): cheaper than the Condition's with
        self._cond = threading.Condition(self._lock)
        self._queue = collections.deque()
        self._added = 0  # events taken into the queue
        self._done = 0  # of those, sent or reported lost
        self._sent = 0
        self._dropped = 0
        self._unreported = collections.Counter()  # drops not yet handed to on_drop
        self._flush_waiters = 0
        self._closed = False
        self._abort = threading.Event()
        self._thread = None

    def reset_after_fork(self):
        """In a forked child: a fresh queue and sender. The parent's queued events stay the
        parent's (sent by it), so nothing is sent twice."""
        self._fresh_state()

    def add(self, event):
        with self._lock:
            if not self._closed and len(self._queue) < self.max_queue_size:
                self._queue.append(event)
                self._added += 1
                if self._thread is None:
                    self._start()
                elif len(self._queue) == self.max_batch_size:
                    self._cond.notify()
                return
            self._dropped += 1
            if not self._closed:
                self._unreported["queue_full"] += 1  # reported by the sender, once per burst
                return
        self.reporter.drop(1, "shutdown")

    def _start(self):
        thread = threading.Thread(target=self._run, name="agenttrail-sender", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # at interpreter shutdown no thread can start: close() sends inline
            return
        self._thread = thread

    def _take_batch(self):
        """Waits for a batch under the lock; None when closed and empty."""
        cond = self._cond
        with cond:
            while not self._queue:
                if self._closed:
                    return None
                cond.wait()
            end = time.monotonic() + self.flush_interval
            while (len(self._queue) < self.max_batch_size and not self._flush_waiters
                   and not self._closed):
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
                cond.wait(remaining)
            n = min(self.max_batch_size, len(self._queue))
            return [self._queue.popleft() for _ in range(n)]

    def _run(self):
        while True:
            batch = self._take_batch()
            if batch is None:
                self._report_drops()
                return
            self._export(batch)

    def _export(self, batch):
        try:
            result = self.exporter.export(batch, self._abort)
            sent, losses = result.sent, result.losses
        except Exception as error:  # never let the sender thread die
            sent, losses = 0, [(len(batch), "export_failed", error)]
        # Reported before the batch counts as done, so a flush() that returns has been preceded
        # by every on_drop call for what it waited on.
        for count, reason, cause in losses:
            self.reporter.drop(count, reason, cause)
        with self._cond:
            self._done += len(batch)
            self._sent += sent
            self._dropped += sum(count for count, _, _ in losses)
            self._cond.notify_all()
        self._report_drops()

    def _report_drops(self):
        with self._cond:
            pending, self._unreported = self._unreported, collections.Counter()
        for reason, count in pending.items():
            self.reporter.drop(count, reason)

    def flush(self, timeout=None):
        """True once every event added before the call is sent or reported lost; False when
        ``timeout`` seconds pass first."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                inline = True
            else:
                inline = False
                target = self._added
                self._flush_waiters += 1
                self._cond.notify_all()
                try:
                    while self._done < target:
                        remaining = None if end is None else end - time.monotonic()
                        if remaining is not None and remaining <= 0:
                            break
                        self._cond.wait(remaining)
                    ok = self._done >= target
                finally:
                    self._flush_waiters -= 1
        if inline:  # no sender thread (never started, or the interpreter is exiting): send here
            ok = self._drain_inline(end)
        self._report_drops()
        return ok

    def _drain_inline(self, end):
        while True:
            with self._cond:
                n = min(self.max_batch_size, len(self._queue))
                batch = [self._queue.popleft() for _ in range(n)]
            if not batch:
                return True
            if end is not None and time.monotonic() >= end:
                with self._cond:
                    self._queue.extendleft(reversed(batch))
                return False
            self._export(batch)

    def close(self, timeout):
        """Stops taking events, sends what is queued within ``timeout`` seconds and drops the rest
        as ``shutdown``. True when everything was sent."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        ok = self.flush(timeout)
        if not ok:
            self._abort.set()  # ends a retry wait at once: the batch in flight is lost as shutdown
            with self._cond:
                left = len(self._queue)
                self._queue.clear()
                self._done += left
                self._dropped += left
                self._unreported["shutdown"] += left
                self._cond.notify_all()
            self._report_drops()
            # The batch in flight is reported by the sender as it ends, which the abort makes
            # prompt; waiting for it (at most CLOSE_GRACE) means on_drop has heard of every event
            # when close() returns.
            thread = self._thread
            if thread is not None and thread is not threading.current_thread():
                thread.join(CLOSE_GRACE)
        return ok

    @property
    def pending(self):
        return self._added - self._done

    def stats(self):
        with self._cond:
            return {"queued": len(self._queue), "sent": self._sent, "dropped": self._dropped,
                    "retries": self.exporter.retries}
