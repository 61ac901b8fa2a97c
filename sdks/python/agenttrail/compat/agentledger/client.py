"""``AgentLedger``: the synchronous client of ``agentledger-py`` 0.5.0 on top of AgentTrail's
client. Same constructor, methods, return values and error messages; every request goes through
the AgentTrail client's transport (``ledger.trail`` is that client, for its native features)."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List, Optional

from ...client import AgentTrail
from ... import _ids
from . import _track, _wire
from .types import AgentLedgerConfig, CheckResult, TrackOptions, TrackResult


class CheckOptions(object):
    """The three fields ``check()`` sends; ``check()`` takes TrackOptions as well."""

    __slots__ = ("agent", "service", "action")

    def __init__(self, agent: str, service: str, action: str) -> None:
        self.agent, self.service, self.action = agent, service, action


class AgentLedger(object):
    """``AgentLedger(AgentLedgerConfig(api_key="al_...", base_url=...))`` (or the config's fields
    as keywords). Raises ``ValueError('AgentLedger: Invalid API key. Keys start with "al_".')``.
    Requests are not retried; an answer of 400 or more raises
    ``RuntimeError("AgentLedger: Request failed (<status>)")``."""

    def __init__(self, config: Optional[AgentLedgerConfig] = None, **kwargs: Any) -> None:
        config = _wire.as_config(config, kwargs)
        self._setup(AgentTrail(**_wire.trail_options(config)), config)

    @classmethod
    def _over(cls, trail: AgentTrail, config: AgentLedgerConfig) -> "AgentLedger":
        """A ledger on an existing AgentTrail client (the async client's)."""
        ledger = cls.__new__(cls)
        ledger._setup(trail, config)
        return ledger

    def _setup(self, trail, config):
        self.trail = trail
        self._transport = trail._transport
        self._environment = config.environment
        self._fail_open = config.fail_open
        self._on_error = config.on_error

    def track(self, options: TrackOptions, fn: Callable[[], Any]) -> TrackResult:
        """Check, run ``fn()``, record. A refusal raises ``AgentLedger: Action blocked -
        <reason>`` before ``fn`` runs; an unreachable server raises ``AgentLedger: Cannot verify
        action (fail-closed mode)`` when ``fail_open`` is False, else goes to ``on_error``; an
        error answer to the check raises ``AgentLedger: Request failed (<status>)`` in both modes,
        as in the published client. What ``fn`` raises is recorded (status ``error``, output
        ``{error, stack}``) and re-raised. The record is written before this returns; a failure
        to write it goes to ``on_error``."""
        allowed = True
        try:
            decision = self.check(options)
            allowed = decision.allowed
            _track.refuse_unless_allowed(decision)
        except RuntimeError:
            raise
        except Exception as exc:
            _track.check_failed(exc, self._fail_open, self._handle_error)
        start = time.monotonic()
        try:
            result = fn()
        except Exception as exc:
            duration_ms = int((time.monotonic() - start) * 1000)
            try:
                self._log_action(options, "error", duration_ms, _track.error_output(exc))
            except Exception as log_exc:
                self._handle_error(log_exc)
            raise
        duration_ms = int((time.monotonic() - start) * 1000)
        action_id = None
        try:
            logged = self._log_action(options, "success", duration_ms,
                                      result if options.capture_output else None)
            action_id = logged.get("id")
        except Exception as exc:
            self._handle_error(exc)
        return TrackResult(result=result, allowed=allowed, duration_ms=duration_ms,
                           action_id=action_id)

    def check(self, options: Any) -> CheckResult:
        """``POST /api/v1/check`` with agent, service and action of TrackOptions or CheckOptions.
        ``allowed`` is True when the answer leaves it out."""
        return _wire.check(self._transport, options)

    def log(self, options: TrackOptions, status: Optional[str] = None,
            duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Records one action now (``POST /api/v1/actions``) and returns the answer,
        ``{"logged": True, "id": ...}``. ``status`` defaults to ``"success"`` and ``duration_ms``
        to 0, or to the fields of a LogOptions."""
        if status is None:
            status = getattr(options, "status", "success")
        if duration_ms is None:
            duration_ms = getattr(options, "duration_ms", 0)
        return self._log_action(options, status, duration_ms)

    def pause_agent(self, name: str) -> None:
        """Refuses the agent's actions until it is resumed."""
        _wire.control(self._transport, name, "pause")

    def resume_agent(self, name: str) -> None:
        _wire.control(self._transport, name, "resume")

    def kill_agent(self, name: str) -> None:
        """Refuses the agent's actions for good."""
        _wire.control(self._transport, name, "kill")

    def evaluate(self, action_id: str, score: int, label: Optional[str] = None,
                 feedback: Optional[str] = None) -> Dict[str, Any]:
        """Scores a recorded action, 0 to 100 (``POST /api/v1/evaluations``); the stored row."""
        body: Dict[str, Any] = {"action_id": action_id, "score": score}
        if label is not None:
            body["label"] = label
        if feedback is not None:
            body["feedback"] = feedback
        return _wire.request(self._transport, "POST", "/api/v1/evaluations", body)

    @staticmethod
    def trace_id() -> str:
        """``tr_<base36 ms>_<8 base36 chars>``; no request."""
        return _ids.trace_id()

    def log_batch(self, actions: List[Dict[str, Any]]) -> Dict[str, Any]:
        """Up to 100 actions (dicts with agent, service, action and the optional fields of
        ``log``) in one ``POST /api/v1/actions/batch``: ``{logged, count, ids, errors?}``."""
        entries = [_wire.batch_entry(a, self._environment) for a in actions]
        return _wire.request(self._transport, "POST", "/api/v1/actions/batch",
                             {"actions": entries})

    def export_actions(self, from_date: str, to_date: str, format: str = "json",
                       agent: Optional[str] = None, service: Optional[str] = None,
                       status: Optional[str] = None, limit: Optional[int] = None) -> Any:
        """``GET /api/v1/export`` between two ISO dates: the JSON answer, or the CSV text."""
        return _wire.export(self._transport, _wire.export_params(
            from_date, to_date, format, agent, service, status, limit))

    def forecast(self, days_back: int = 30, forecast_days: int = 30) -> Dict[str, Any]:
        """``GET /api/v1/forecast``, its ``forecast`` field. AgentTrail does not serve it: this
        raises ``AgentLedger: Request failed (404)``."""
        data = _wire.request(self._transport, "GET", "/api/v1/forecast", params={
            "days_back": days_back, "forecast_days": forecast_days,
            "environment": self._environment})
        return data.get("forecast", data)

    def analytics(self, days: int = 7, granularity: str = "daily", agent: Optional[str] = None,
                  service: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/v1/analytics``. AgentTrail does not serve it: this raises
        ``AgentLedger: Request failed (404)``; ``GET /api/v1/stats`` has the counts."""
        params: Dict[str, Any] = {"days": days, "granularity": granularity,
                                  "environment": self._environment}
        if agent:
            params["agent"] = agent
        if service:
            params["service"] = service
        return _wire.request(self._transport, "GET", "/api/v1/analytics", params=params)

    def policy_templates(self, category: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/v1/policies/templates``. AgentTrail has no templates: this raises
        ``AgentLedger: Request failed (404)``."""
        params = {"category": category} if category else {}
        return _wire.request(self._transport, "GET", "/api/v1/policies/templates",
                             params=params)

    def apply_policy_template(self, template_id: str,
                              agent_name: Optional[str] = None) -> Dict[str, Any]:
        """``POST /api/v1/policies/templates``. AgentTrail has no templates: this raises
        ``AgentLedger: Request failed (405)``; create the policy with ``POST /api/v1/policies``."""
        body: Dict[str, Any] = {"template_id": template_id}
        if agent_name:
            body["agent_name"] = agent_name
        return _wire.request(self._transport, "POST", "/api/v1/policies/templates", body)

    def close(self) -> None:
        """Closes the AgentTrail client underneath (not in the published client; optional)."""
        self.trail.close()

    def _log_action(self, options, status, duration_ms, captured_output=None):
        return _wire.log_action(self._transport, self._environment, options, status,
                                duration_ms, captured_output)

    def _handle_error(self, exc):
        _track.call_handler(self._on_error, exc)
