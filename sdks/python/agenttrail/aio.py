"""``AsyncAgentTrail``: the same client for asyncio code. ``fire()`` only appends to the queue, so
it is called directly; every method that waits on the network runs on a worker thread through
``loop.run_in_executor`` and is awaited, so the event loop never blocks. Events are still sent by
the one background sender thread of the synchronous client underneath."""

import asyncio
import functools
import inspect
import time

from .client import AgentTrail
from .controls import fetch_approval_status
from .track import TrackResult, Tracker, track_options


class AsyncAgentTrail(object):
    """Takes the options of ``AgentTrail`` (see sdks/python/README.md). Use it as
    ``async with AsyncAgentTrail(...) as trail:`` or call ``await trail.close()``."""

    def __init__(self, *args, **kwargs):
        self.sync = AgentTrail(*args, **kwargs)
        self.environment = self.sync.environment
        self.base_url = self.sync.base_url

    trace_id = staticmethod(AgentTrail.trace_id)

    async def _off_loop(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args))

    def fire(self, event):
        """Queues an event and returns at once (no await needed); never raises."""
        self.sync.fire(event)

    async def log(self, event):
        """``{"id", "seq"}`` once the server has committed the event; raises AgentTrailError."""
        return await self._off_loop(self.sync.log, event)

    async def flush(self, timeout=None):
        """True when every event fired before the call was sent within ``timeout`` seconds."""
        return await self._off_loop(self.sync.flush, timeout)

    async def close(self, timeout=None):
        """Sends what is pending within ``timeout`` seconds and stops. Idempotent."""
        return await self._off_loop(self.sync.close, timeout)

    shutdown = close

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
        return False

    def stats(self):
        return self.sync.stats()

    def report_error(self, error):
        self.sync.report_error(error)

    async def check(self, agent, service=None, action=None, cost_cents=None, input=None,
                    trace_id=None, metadata=None):
        """The server's decision as a dict, as ``AgentTrail.check``."""
        return await self._off_loop(self.sync.check, agent, service, action, cost_cents, input,
                                    trace_id, metadata)

    async def pause_agent(self, name):
        return await self._off_loop(self.sync.pause_agent, name)

    async def resume_agent(self, name):
        return await self._off_loop(self.sync.resume_agent, name)

    async def kill_agent(self, name):
        return await self._off_loop(self.sync.kill_agent, name)

    async def evaluate(self, action_id, score, label=None, feedback=None, evaluated_by=None):
        return await self._off_loop(self.sync.evaluate, action_id, score, label, feedback,
                                    evaluated_by)

    async def wait_for_approval(self, approval_id, timeout=300.0, poll_interval=3.0):
        """As ``AgentTrail.wait_for_approval``; waits between polls with ``asyncio.sleep``, so a
        long wait holds no thread."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            status = await self._off_loop(fetch_approval_status, self.sync._transport,
                                          approval_id)
            if status != "pending":
                return status
            await asyncio.sleep(max(0.0, min(poll_interval, end - time.monotonic())))
        return "expired"

    def stream(self, on_action=None, on_alert=None, on_event=None, on_error=None, events=None,
               agent=None, environment=None, reconnect_delay=3.0):
        """As ``AgentTrail.stream``, but the handlers run on this event loop (plain functions are
        called, coroutine functions are scheduled as tasks). Call it from a coroutine."""
        loop = asyncio.get_running_loop()

        def on_loop(handler):
            if handler is None:
                return None

            def call(*args):
                if inspect.iscoroutinefunction(handler):
                    loop.call_soon_threadsafe(lambda: loop.create_task(handler(*args)))
                else:
                    loop.call_soon_threadsafe(handler, *args)
            return call

        return self.sync.stream(on_loop(on_action), on_loop(on_alert), on_loop(on_event),
                                on_loop(on_error), events, agent, environment, reconnect_delay)

    def track(self, fn=None, agent=None, service=None, action=None, **options):
        """``await trail.track(fn, agent=..., ...)`` (``fn`` a coroutine function, or a plain one)
        returns a TrackResult; without ``fn``, a decorator for coroutine functions and an async
        context manager (``async with trail.track(...) as t:``). Options as ``AgentTrail.track``.
        The check runs off the loop; the record is fired."""
        tracker = AsyncTracker(self, track_options(agent, service, action, options))
        return tracker if fn is None else tracker.run(fn)


class AsyncTracker(object):
    """One tracked action in asyncio code; wraps a ``Tracker`` for its record."""

    def __init__(self, trail, options):
        self.trail, self.options = trail, options

    async def __aenter__(self):
        tracker = Tracker(self.trail.sync, self.options)
        await self.trail._off_loop(tracker._check)
        self._tracker = tracker._start()
        return self._tracker

    async def __aexit__(self, exc_type, exc, tb):
        self._tracker._record(exc=exc, tb=tb, result=None, has_result=False)
        return False

    async def run(self, fn, *args, **kwargs):
        tracker = await self.__aenter__()
        try:
            result = fn(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
        except BaseException as exc:
            tracker._record(exc=exc, tb=exc.__traceback__, result=None, has_result=False)
            raise
        tracker._record(exc=None, tb=None, result=result, has_result=True)
        return TrackResult(result, tracker.duration_ms, tracker.action_id)

    def __call__(self, fn):
        if not inspect.iscoroutinefunction(fn):
            raise TypeError("AsyncAgentTrail.track() decorates coroutine functions (async def); "
                            "use AgentTrail.track() for plain ones")

        @functools.wraps(fn)
        async def wrapper(*args, **kwargs):
            tracked = AsyncTracker(self.trail, self.options)
            return (await tracked.run(fn, *args, **kwargs)).result
        return wrapper
