"""The synchronous AgentTrail client. ``fire()`` hands events to a batch processor that sends them
from one daemon thread; ``log()`` waits for the durable write. Only ``log()``, ``check()`` and the
agent controls raise into your code; everything else goes to ``on_error`` and ``on_drop``."""

import os
import time

from . import _ids, lifecycle
from .clock import SYSTEM_CLOCK
from .controls import check_action, control_agent, evaluate_action, wait_for_approval
from .errors import AgentTrailError, InvalidApiKeyError
from .exporter import BatchExporter
from .processor import BatchProcessor
from .reporter import Reporter
from .serializer import serialize_event
from .track import Tracker, track_options
from .transport import HttpTransport, http_error, with_retry

KEY_PREFIXES = ("at_", "al_", "sk-lw-", "aw_")
DEFAULT_BASE_URL = "http://127.0.0.1:7878"



class AgentTrail(object):
    """Record what your agents do and control them. See sdks/python/NOTES.md for the options."""

    def __init__(self, api_key=None, base_url=None, environment=None, tags=None, fail_open=True,
                 timeout=10.0, on_error=None, on_drop=None, max_queue_size=10000,
                 flush_interval=1.0, max_batch_size=100, retry_deadline=30.0,
                 shutdown_timeout=5.0, flush_on_exit=True, silent=False,
                 retry_initial_delay=0.5, clock=None):
        api_key = api_key or os.environ.get("AGENTTRAIL_API_KEY") or ""
        if not api_key.startswith(KEY_PREFIXES):
            raise InvalidApiKeyError(
                "AgentTrail: Invalid API key. Keys start with %s."
                % ", ".join('"%s"' % p for p in KEY_PREFIXES), code="invalid_key")
        self.base_url = (base_url or os.environ.get("AGENTTRAIL_BASE_URL")
                         or DEFAULT_BASE_URL).rstrip("/")
        self.environment = environment or "production"
        self.tags = list(tags or [])
        self.fail_open = fail_open
        self.timeout = float(timeout)
        self.retry_deadline = float(retry_deadline)
        self.shutdown_timeout = float(shutdown_timeout)
        self._retry_initial_delay = retry_initial_delay
        self._clock = clock or SYSTEM_CLOCK
        self._reporter = Reporter(on_error, on_drop, silent)
        self._transport = HttpTransport(self.base_url, api_key, self.timeout)
        self._exporter = BatchExporter(self._transport, self.environment, self.tags, self.timeout,
                                       self.retry_deadline, retry_initial_delay, self._clock)
        self._processor = BatchProcessor(self._exporter, self._reporter,
                                         max(1, int(max_queue_size)),
                                         min(max(1, int(max_batch_size)), 1000),
                                         float(flush_interval))
        self._closed = None  # the result of the first close()
        self._flush_on_exit = flush_on_exit
        lifecycle.register(self)

    @staticmethod
    def trace_id():
        """A trace id in AgentLedger's format, ``tr_<base36 ms>_<8 base36 chars>``."""
        return _ids.trace_id()

    def fire(self, event):
        """Queues an event and returns at once: no I/O, no serialization, never raises. It gets a
        ``ts`` (epoch ms, now) unless it has one, and a UUIDv7 ``id`` of that time (made on the
        sender thread, before the first attempt to send it, so every retry carries the same id).
        The top level is copied; do not change nested values afterwards."""
        try:
            copy = dict(event)
            if copy.get("ts") is None:
                copy["ts"] = int(time.time() * 1000)
            self._processor.add(copy)
        except Exception as error:
            self._reporter.error(error)

    def log(self, event):
        """Sends one event to ``POST /api/v1/events`` and returns ``{"id", "seq"}`` once the server
        has committed it. Transient failures are retried with the same id until
        ``retry_deadline``. Raises AgentTrailError when it cannot be written."""
        copy = dict(event)
        now = int(time.time() * 1000)
        if copy.get("id") is None:
            copy["id"] = _ids.uuidv7(now)
        if copy.get("ts") is None:
            copy["ts"] = now
        body = serialize_event(copy, self.environment, self.tags)
        if body is None:
            raise AgentTrailError("AgentTrail: the event could not be turned into JSON",
                                  code="unserializable")

        def attempt(remaining):
            res = self._transport.request("POST", "/api/v1/events", body,
                                          timeout=max(0.001, min(self.timeout, remaining)))
            if not res.ok:
                raise http_error("AgentTrail: Failed to log event", res)
            return res

        res = with_retry(attempt, self.retry_deadline, initial_delay=self._retry_initial_delay,
                         clock=self._clock)
        data = res.json if isinstance(res.json, dict) else {}
        return {"id": data.get("id", copy["id"]), "seq": data.get("seq")}

    def flush(self, timeout=None):
        """Waits until every event fired before the call is sent or reported lost, at most
        ``timeout`` seconds (None: until retries end). True when all were handled. Never raises."""
        try:
            return self._processor.flush(timeout)
        except Exception as error:
            self._reporter.error(error)
            return False

    def close(self, timeout=None):
        """Stops taking events and sends the pending ones within ``timeout`` seconds (default
        ``shutdown_timeout``); the rest is dropped as ``shutdown``. Idempotent. Never raises."""
        if self._closed is not None:
            return self._closed
        self._closed = False
        try:
            self._closed = self._processor.close(self.shutdown_timeout if timeout is None
                                                 else timeout)
        except Exception as error:
            self._reporter.error(error)
        self._transport.close()
        return self._closed

    shutdown = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def stats(self):
        """``{queued, sent, dropped, retries}`` since the client was made (in this process)."""
        return self._processor.stats()

    def report_error(self, error):
        """Hands a failure to ``on_error`` (else stderr); never raises. For integrations."""
        self._reporter.error(error)

    def track(self, fn=None, agent=None, service=None, action=None, **options):
        """AgentLedger's track(): ask the server (``check=False`` skips it), run, record the action
        through ``fire`` with a client id. ``track(fn, agent=..., service=..., action=...)`` returns a
        TrackResult (``result``, ``allowed``, ``duration_ms``, ``action_id``); without ``fn`` it is
        a decorator or a context manager. A refusal raises ApprovalRequiredError or
        ActionBlockedError and nothing runs; what ``fn`` raises is recorded and re-raised. Options:
        ``cost_cents``, ``metadata``, ``trace_id``, ``input``, ``output``, ``capture_output``,
        ``check``, ``event`` (more fields), ``enrich(outcome) -> fields``."""
        tracker = Tracker(self, track_options(agent, service, action, options))
        return tracker if fn is None else tracker.run(fn)

    def evaluate(self, action_id, score, label=None, feedback=None, evaluated_by=None):
        """Scores a recorded action (0 to 100) with ``POST /api/v1/evaluations``, after a flush of
        at most ``shutdown_timeout`` so an id from track() is on the server."""
        self.flush(self.shutdown_timeout)
        return evaluate_action(self._transport, action_id, score, label, feedback, evaluated_by)

    def wait_for_approval(self, approval_id, timeout=300.0, poll_interval=3.0):
        """Polls ``GET /api/v1/approvals/<id>`` until a person decides: ``"approved"``,
        ``"denied"`` or ``"expired"`` (also when ``timeout`` seconds pass first)."""
        return wait_for_approval(self._transport, approval_id, timeout, poll_interval)

    def stream(self, on_action=None, on_alert=None, on_event=None, on_error=None, events=None,
               agent=None, environment=None, reconnect_delay=3.0):
        """Live events over SSE, on a daemon thread, reconnecting with ``Last-Event-ID`` until
        ``close()`` on the returned handle. ``on_event(type, data, id)`` gets every event but
        heartbeats; ``on_error`` (default: the client's) gets connection failures."""
        from .stream import StreamHandle
        return StreamHandle(self.base_url, self._transport.api_key,
                            environment or self.environment, on_action, on_alert, on_event,
                            on_error or self._reporter.error, events, agent, reconnect_delay)

    def check(self, agent, service=None, action=None, cost_cents=None, input=None,
              trace_id=None, metadata=None):
        """POST /api/v1/check: may this agent do this now? The server's decision as a dict
        (``allowed``, ``blockReason``, ``requiresApproval``, ``approvalId``, ``remainingBudget``).
        Raises ``AgentLedger: Check failed (<status>)`` on a non-2xx answer."""
        return check_action(self._transport, self.environment, agent, service, action,
                            cost_cents, input, trace_id, metadata)

    def pause_agent(self, name):
        """Blocks the agent's actions in this environment until resumed."""
        return control_agent(self._transport, self.environment, name, "pause")

    def resume_agent(self, name):
        return control_agent(self._transport, self.environment, name, "resume")

    def kill_agent(self, name):
        """Stops the agent for good in this environment."""
        return control_agent(self._transport, self.environment, name, "kill")

    def _after_fork_in_child(self):
        self._reporter.reset_after_fork()
        self._transport.reset_after_fork()
        self._processor.reset_after_fork()
        if self._closed is not None:
            self._processor.close(0)
