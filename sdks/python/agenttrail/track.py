"""AgentLedger's track() (packages/sdk/src/track.ts): check, run, record. The check is a round trip
because it decides; the record goes through fire() with a client id, so it costs the caller nothing
and a retry cannot duplicate it. As a call, a decorator and a context manager."""

import copy
import functools
import inspect
import time
import traceback

from . import _ids
from .errors import ActionBlockedError, AgentTrailError, ApprovalRequiredError
from .serializer import cents_to_usd

OPTION_NAMES = ("agent", "service", "action", "cost_cents", "metadata", "trace_id", "input",
                "output", "capture_output", "check", "event", "enrich")


def track_options(agent, service, action, options):
    """The options of one ``track()`` call, checked: ``agent`` is required, names are known."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise TypeError("track() got unknown options: %s" % ", ".join(sorted(unknown)))
    if not agent:
        raise TypeError("track() needs an agent")
    options.update(agent=agent, service=service, action=action)
    return options


class TrackResult(object):
    __slots__ = ("result", "allowed", "duration_ms", "action_id")

    def __init__(self, result, duration_ms, action_id):
        self.result, self.allowed = result, True
        self.duration_ms, self.action_id = duration_ms, action_id

    def __repr__(self):
        return "TrackResult(result=%r, allowed=True, duration_ms=%d, action_id=%r)" % (
            self.result, self.duration_ms, self.action_id)


def _snapshot(value):
    """The value as it is now: the record is sent later, and the caller may change it meanwhile."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


class Tracker(object):
    """One tracked action. ``with trail.track(...) as t:`` checks on entry and records on exit (set
    ``t.output`` inside to record it); ``@trail.track(...)`` does the same around each call."""

    def __init__(self, client, options):
        self.client = client
        self.options = options
        self.output = options.get("output")
        self.action_id = None
        self.duration_ms = None

    def _check(self):
        o = self.options
        if o.get("check", True) is False:
            return
        try:
            decision = self.client.check(o["agent"], o.get("service"), o.get("action"),
                                         o.get("cost_cents"), o.get("input"), o.get("trace_id"))
        except Exception as error:
            if not self.client.fail_open:
                raise AgentTrailError("AgentLedger: Cannot verify action (fail-closed mode)",
                                      code="fail_closed") from error
            self.client.report_error(error)
            return
        if not decision.get("allowed"):
            if decision.get("requiresApproval") and decision.get("approvalId"):
                raise ApprovalRequiredError(decision["approvalId"], decision)
            raise ActionBlockedError(decision.get("blockReason"), decision)

    def __enter__(self):
        self._check()
        return self._start()

    def _start(self):
        self.action_id = _ids.uuidv7()
        self._started_ms = int(time.time() * 1000)
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._record(exc=exc, tb=tb, result=None, has_result=False)
        return False

    def _record(self, exc, tb, result, has_result):
        o = self.options
        self.duration_ms = int(round((time.perf_counter() - self._t0) * 1000))
        event = {"id": self.action_id, "ts": self._started_ms, "kind": "action",
                 "agent": o["agent"], "service": o.get("service"), "action": o.get("action"),
                 "status": "error" if exc is not None else "success",
                 "duration_ms": self.duration_ms, "metadata": _snapshot(o.get("metadata") or {})}
        if o.get("cost_cents") is not None:
            event["cost_usd"] = cents_to_usd(o["cost_cents"])
        if o.get("trace_id"):
            event["trace_id"] = o["trace_id"]
        if o.get("input") is not None:
            event["input"] = _snapshot(o["input"])
        output = self.output
        if output is None and exc is not None:
            output = {"error": str(exc), "stack": "".join(
                traceback.format_exception(type(exc), exc, tb))}
        elif output is None and has_result and o.get("capture_output"):
            output = result
        if output is not None:
            event["output"] = _snapshot(output)
        if exc is not None:
            event["error"] = {"name": type(exc).__name__, "message": str(exc)}
        if o.get("event"):
            status = event["status"]
            event.update(o["event"])
            event["id"], event["status"] = self.action_id, status
        enrich = o.get("enrich")
        if enrich is not None:
            try:
                event.update(enrich({"result": result, "error": exc,
                                     "duration_ms": self.duration_ms}) or {})
                event["id"] = self.action_id
            except Exception as error:
                self.client.report_error(error)
        self.client.fire(event)

    def run(self, fn, *args, **kwargs):
        self.__enter__()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            self._record(exc=exc, tb=exc.__traceback__, result=None, has_result=False)
            raise
        self._record(exc=None, tb=None, result=result, has_result=True)
        return TrackResult(result, self.duration_ms, self.action_id)

    def __call__(self, fn):
        if inspect.iscoroutinefunction(fn):
            # Its record would be made when the coroutine is created, not when it ends.
            raise TypeError("track() on AgentTrail cannot decorate a coroutine function: use "
                            "AsyncAgentTrail, whose track() awaits it")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return Tracker(self.client, self.options).run(fn, *args, **kwargs).result
        return wrapper
