"""AgentWarden's ``guard`` on AgentTrail: ``guard = AgentWarden(api_key=...)``, then
``guard.check(agent_id, action, context)`` before an action and ``guard.log(agent_id, action,
status, context)`` after it, as AgentWarden's SDK README and API examples use them. Requests go
through the AgentTrail client's transport to AgentTrail's AgentWarden surface: ``POST /sdk/check``
and ``POST /sdk/log`` with the key as ``X-API-Key``."""

import os
import time

from .. import _ids
from ..client import DEFAULT_BASE_URL, AgentTrail
from ..errors import AgentTrailError, is_retryable_status
from ..serializer import dumps
from ..transport import parse_retry_after, with_retry


class CheckResult(object):
    """The decision: ``allowed`` and, when refused, ``reason``; ``requires_approval`` and
    ``approval_id`` when a person must approve; ``remaining_budget``, ``policy_id``,
    ``budget_id``, ``event_id`` (the recorded refusal) when the server names them; ``raw``."""

    __slots__ = ("allowed", "reason", "requires_approval", "approval_id", "remaining_budget",
                 "policy_id", "budget_id", "event_id", "raw")

    def __init__(self, raw):
        self.raw = raw
        self.allowed = bool(raw.get("allowed"))
        self.reason = raw.get("reason")
        self.requires_approval = bool(raw.get("requires_approval"))
        self.approval_id = raw.get("approval_id")
        self.remaining_budget = raw.get("remaining_budget") or {}
        self.policy_id = raw.get("policy_id")
        self.budget_id = raw.get("budget_id")
        self.event_id = raw.get("event_id")

    def __repr__(self):
        return "CheckResult(allowed=%r, reason=%r)" % (self.allowed, self.reason)


class ActionDeniedError(AgentTrailError):
    """``execute()`` was refused: ``AgentWarden: Action denied - <reason>``; ``result`` is the
    CheckResult. The server has already recorded the refusal as a ``denied`` event."""

    def __init__(self, result):
        super().__init__("AgentWarden: Action denied - %s" % (result.reason or "not allowed"),
                         code="action_denied")
        self.result = result


def _error(what, res):
    """``AgentWarden: <what> (<status>)``; ``details`` is the answer's ``detail`` (the field
    messages of a 400, the plan-limit object of a 403)."""
    body = res.json if isinstance(res.json, dict) else {}
    return AgentTrailError("AgentWarden: %s (%d)" % (what, res.status), status=res.status,
                           details=body.get("detail"), retryable=is_retryable_status(res.status),
                           retry_after=parse_retry_after(res.headers.get("retry-after")))


class AgentWarden(object):
    """``AgentWarden(api_key=None, base_url=None, **options)``. The key defaults to
    ``AGENTWARDEN_API_KEY``, then ``AGENTTRAIL_API_KEY`` (an AgentTrail key, ``aw_...`` or any
    other prefix AgentTrail issues); the URL to ``AGENTWARDEN_BASE_URL``, then
    ``AGENTTRAIL_BASE_URL``, then ``http://127.0.0.1:7878``. ``options`` are AgentTrail's client
    options (``timeout`` 10.0 s, ``retry_deadline`` 30.0 s, ``on_error``, ...); ``guard.trail`` is
    that client."""

    def __init__(self, api_key=None, base_url=None, **options):
        api_key = api_key or os.environ.get("AGENTWARDEN_API_KEY") \
            or os.environ.get("AGENTTRAIL_API_KEY")
        base_url = base_url or os.environ.get("AGENTWARDEN_BASE_URL") \
            or os.environ.get("AGENTTRAIL_BASE_URL") or DEFAULT_BASE_URL
        self.trail = AgentTrail(api_key=api_key, base_url=base_url, **options)
        self._transport = self.trail._transport
        # AgentWarden's header instead of the bearer token
        self._headers = {"Authorization": None, "X-API-Key": self._transport.api_key}

    def check(self, agent_id, action, context=None, cost_cents=None):
        """``POST /sdk/check``: may ``agent_id`` do ``action`` now? Policies, budgets, approvals
        and the kill switch decide; ``context`` is what payload rules look at; ``cost_cents`` the
        expected cost. Returns a CheckResult; raises AgentTrailError when no decision came back.
        A refusal is already recorded as a ``denied`` event."""
        body = {"agent_id": agent_id, "action": action}
        if context is not None:
            body["context"] = context
        if cost_cents is not None:
            body["cost_cents"] = cost_cents
        res = self._transport.request("POST", "/sdk/check", dumps(body), headers=self._headers)
        if not res.ok or not isinstance(res.json, dict):
            raise _error("Check failed", res)
        return CheckResult(res.json)

    def log(self, agent_id, action, status, context=None, ip_address=None,
            idempotency_key=None):
        """``POST /sdk/log`` of one action; ``status`` is ``success``, ``failed``, ``pending`` or
        ``denied``. Returns the stored record (``id``, ``agent_id``, ``organization_id``,
        ``action``, ``status``, ``context``, ``created_at``) once it is committed. Sent with an
        ``Idempotency-Key`` (a new one unless given), so the retries of a failed attempt, until
        ``retry_deadline``, never store it twice. Raises AgentTrailError when it cannot be
        written (``details`` holds the server's field messages)."""
        body = {"agent_id": agent_id, "action": action, "status": status}
        if context is not None:
            body["context"] = context
        if ip_address is not None:
            body["ip_address"] = ip_address
        text = dumps(body)
        headers = dict(self._headers, **{"Idempotency-Key": idempotency_key or _ids.uuidv7()})

        def attempt(remaining):
            res = self._transport.request("POST", "/sdk/log", text, headers=headers,
                                          timeout=min(self.trail.timeout, remaining))
            if not res.ok:
                raise _error("Failed to log action", res)
            return res.json if isinstance(res.json, dict) else {}

        return with_retry(attempt, self.trail.retry_deadline,
                          initial_delay=self.trail._retry_initial_delay, clock=self.trail._clock)

    def execute(self, agent_id, action, fn, context=None):
        """Check, run ``fn()``, log: returns ``fn``'s result. A refusal raises ActionDeniedError
        before ``fn`` runs. ``fn`` is logged ``success`` with ``duration_ms`` added to the
        context, or ``failed`` with ``error`` and ``error_type`` and re-raised; a log that cannot
        be written goes to ``on_error``, as ``fn`` has already acted."""
        decision = self.check(agent_id, action, context)
        if not decision.allowed:
            raise ActionDeniedError(decision)
        start = time.monotonic()
        try:
            result = fn()
        except Exception as exc:
            self._log_after(agent_id, action, "failed", context, start,
                            {"error": str(exc), "error_type": type(exc).__name__})
            raise
        self._log_after(agent_id, action, "success", context, start, {})
        return result

    def _log_after(self, agent_id, action, status, context, start, extra):
        merged = dict(context or {})
        merged.update(extra, duration_ms=int((time.monotonic() - start) * 1000))
        try:
            self.log(agent_id, action, status, merged)
        except Exception as error:
            self.trail.report_error(error)

    def close(self):
        self.trail.close()
