"""``AsyncAgentLedger``: ``agentledger-py``'s async client on top of ``AsyncAgentTrail``. Each
request is the synchronous client's, run on a worker thread, so the event loop never waits on the
network; the tracked function is awaited on the loop."""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Dict, List, Optional

from ...aio import AsyncAgentTrail
from . import _track, _wire
from .client import AgentLedger
from .types import AgentLedgerConfig, CheckResult, TrackOptions, TrackResult


class AsyncAgentLedger(object):
    """``AsyncAgentLedger(AgentLedgerConfig(...))``: the methods of ``AgentLedger`` as coroutines
    (``trace_id`` stays a static function). ``ledger.trail`` is the AsyncAgentTrail underneath."""

    def __init__(self, config: Optional[AgentLedgerConfig] = None, **kwargs: Any) -> None:
        config = _wire.as_config(config, kwargs)
        self.trail = AsyncAgentTrail(**_wire.trail_options(config))
        self._ledger = AgentLedger._over(self.trail.sync, config)

    trace_id = staticmethod(AgentLedger.trace_id)

    async def _off(self, fn, *args):
        return await self.trail._off_loop(fn, *args)

    async def track(self, options: TrackOptions, fn: Callable[[], Any]) -> TrackResult:
        """As ``AgentLedger.track``, awaiting ``fn()``. A plain function's result is taken as it
        is (the documentation's example passes one)."""
        ledger = self._ledger
        allowed = True
        try:
            decision = await self.check(options)
            allowed = decision.allowed
            _track.refuse_unless_allowed(decision)
        except RuntimeError:
            raise
        except Exception as exc:
            _track.check_failed(exc, ledger._fail_open, ledger._handle_error)
        start = time.monotonic()
        try:
            result = fn()
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:
            duration_ms = int((time.monotonic() - start) * 1000)
            try:
                await self._off(ledger._log_action, options, "error", duration_ms,
                                _track.error_output(exc))
            except Exception as log_exc:
                ledger._handle_error(log_exc)
            raise
        duration_ms = int((time.monotonic() - start) * 1000)
        action_id = None
        try:
            logged = await self._off(ledger._log_action, options, "success", duration_ms,
                                     result if options.capture_output else None)
            action_id = logged.get("id")
        except Exception as exc:
            ledger._handle_error(exc)
        return TrackResult(result=result, allowed=allowed, duration_ms=duration_ms,
                           action_id=action_id)

    async def check(self, options: Any) -> CheckResult:
        return await self._off(self._ledger.check, options)

    async def log(self, options: TrackOptions, status: Optional[str] = None,
                  duration_ms: Optional[int] = None) -> Dict[str, Any]:
        return await self._off(self._ledger.log, options, status, duration_ms)

    async def pause_agent(self, name: str) -> None:
        await self._off(self._ledger.pause_agent, name)

    async def resume_agent(self, name: str) -> None:
        await self._off(self._ledger.resume_agent, name)

    async def kill_agent(self, name: str) -> None:
        await self._off(self._ledger.kill_agent, name)

    async def evaluate(self, action_id: str, score: int, label: Optional[str] = None,
                       feedback: Optional[str] = None) -> Dict[str, Any]:
        return await self._off(self._ledger.evaluate, action_id, score, label, feedback)

    # Not in the published async client; the sync client's, off the loop.
    async def log_batch(self, actions: List[Dict[str, Any]]) -> Dict[str, Any]:
        return await self._off(self._ledger.log_batch, actions)

    async def export_actions(self, from_date: str, to_date: str, format: str = "json",
                             agent: Optional[str] = None, service: Optional[str] = None,
                             status: Optional[str] = None, limit: Optional[int] = None) -> Any:
        return await self._off(self._ledger.export_actions, from_date, to_date, format, agent,
                               service, status, limit)

    async def forecast(self, days_back: int = 30, forecast_days: int = 30) -> Dict[str, Any]:
        return await self._off(self._ledger.forecast, days_back, forecast_days)

    async def analytics(self, days: int = 7, granularity: str = "daily",
                        agent: Optional[str] = None,
                        service: Optional[str] = None) -> Dict[str, Any]:
        return await self._off(self._ledger.analytics, days, granularity, agent, service)

    async def policy_templates(self, category: Optional[str] = None) -> Dict[str, Any]:
        return await self._off(self._ledger.policy_templates, category)

    async def apply_policy_template(self, template_id: str,
                                    agent_name: Optional[str] = None) -> Dict[str, Any]:
        return await self._off(self._ledger.apply_policy_template, template_id, agent_name)

    async def close(self) -> None:
        """Closes the AgentTrail client underneath (not in the published client; optional)."""
        await self.trail.close()
