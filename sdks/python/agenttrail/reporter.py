"""Where the failures the SDK keeps from your code go: ``on_error`` and ``on_drop`` when given,
else one line on stderr per kind every 10 s (unless ``silent``). A handler that raises is ignored."""

import sys
import threading
import time

from .errors import AgentTrailError


class Reporter(object):
    def __init__(self, on_error=None, on_drop=None, silent=False):
        self.on_error = on_error
        self.on_drop = on_drop
        self.silent = silent
        self._last = {}
        self._lock = threading.Lock()

    def error(self, error):
        if self.on_error is not None:
            try:
                self.on_error(error)
            except Exception:
                pass
            return
        if self.silent:
            return
        kind = getattr(error, "code", None) or type(error).__name__
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -1e9) < 10.0:
                return
            self._last[kind] = now
        try:
            sys.stderr.write("[agenttrail] %s\n" % (error,))
        except Exception:
            pass

    def drop(self, count, reason, cause=None):
        if count <= 0:
            return
        if self.on_drop is not None:
            try:
                self.on_drop(count, reason)
            except Exception:
                pass
            if cause is not None and reason != "shutdown":
                self.error(cause)  # the cause itself, for on_error (a shutdown is no failure)
            return
        # Without on_drop, one report that carries the cause.
        message = "AgentTrail: dropped %d event%s (%s)" % (count, "" if count == 1 else "s", reason)
        if cause is not None:
            message += ": %s" % (cause,)
        self.error(AgentTrailError(message, code="dropped_" + reason))

    def reset_after_fork(self):
        self._lock = threading.Lock()
