"""LangChain runs in flight between their start and end callbacks (packages/sdk/src/integrations/
langchain/run-registry.ts). LangChain may call back from several threads (tools run in an
executor), so the map has a lock; a run whose end never comes (an abandoned stream) must not grow
it forever, so the oldest runs are forgotten beyond ``max_runs``."""

import collections
import threading
import time


class RunState(object):
    __slots__ = ("started_ms", "t0", "trace_id", "parent_run_id", "start")

    def __init__(self, trace_id, parent_run_id, start):
        self.started_ms = int(time.time() * 1000)
        self.t0 = time.perf_counter()
        self.trace_id, self.parent_run_id, self.start = trace_id, parent_run_id, start


def run_key(run_id):
    """LangChain's run ids are UUIDs; events carry them as text."""
    return None if run_id is None else str(run_id)


class RunRegistry(object):
    def __init__(self, max_runs=10000):
        self.max_runs = max_runs
        self._runs = collections.OrderedDict()
        self._lock = threading.Lock()

    def begin(self, run_id, parent_run_id, start):
        """Starts a run. Its trace is its parent's; a parent this handler never saw (it was given
        to an inner component only) still groups its children: the parent's id is the trace."""
        run_id, parent_run_id = run_key(run_id), run_key(parent_run_id)
        with self._lock:
            parent = self._runs.get(parent_run_id) if parent_run_id else None
            trace = parent.trace_id if parent else (parent_run_id or run_id)
            state = RunState(trace, parent_run_id, start)
            while len(self._runs) >= self.max_runs:
                self._runs.popitem(last=False)
            self._runs[run_id] = state
        return state

    def end(self, run_id, parent_run_id):
        """``(state, duration_ms)``; a run that never started here ends with what the end knows
        (and no duration)."""
        run_id, parent_run_id = run_key(run_id), run_key(parent_run_id)
        with self._lock:
            state = self._runs.pop(run_id, None)
            if state is not None:
                return state, int(round((time.perf_counter() - state.t0) * 1000))
            parent = self._runs.get(parent_run_id) if parent_run_id else None
        trace = parent.trace_id if parent else (parent_run_id or run_id)
        return RunState(trace, parent_run_id, {}), None

    def __len__(self):
        return len(self._runs)
