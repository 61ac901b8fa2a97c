"""``agentledger-py`` 0.5.0's async helpers (named for the OpenAI Agents SDK, usable with any async
code): ``with_agent_ledger`` tracks each call of an async function, ``create_tool_executor`` runs
named tool handlers as tracked actions. Both take an ``AsyncAgentLedger``."""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable, Dict, Optional

from ..types import TrackOptions


def with_agent_ledger(ledger: Any, agent: str, service: str, action: str,
                      fn: Callable[..., Awaitable[Any]], *, capture_output: bool = False,
                      trace_id: Optional[str] = None) -> Callable[..., Awaitable[Any]]:
    """An async function with ``fn``'s signature that runs ``ledger.track`` around each call
    (check, run, record) and returns ``fn``'s result. ``capture_output=True`` records the result;
    ``trace_id`` groups the calls."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = TrackOptions(agent=agent, service=service, action=action,
                               capture_output=capture_output, trace_id=trace_id)
        tracked = await ledger.track(options, lambda: fn(*args, **kwargs))
        return tracked.result

    return wrapper


def create_tool_executor(ledger: Any, agent: str,
                         handlers: Dict[str, Callable[..., Awaitable[Any]]],
                         service_map: Optional[Dict[str, str]] = None
                         ) -> Callable[..., Awaitable[Any]]:
    """``await execute(tool_name, tool_input=None)``: runs ``handlers[tool_name](**tool_input)``
    (no arguments unless the input is a dict) as action ``tool:<name>`` of service
    ``service_map.get(name, name)``, recording the input and the result. An unknown name raises
    ``ValueError("Unknown tool: <name>")``."""
    services = service_map or {}

    async def execute(tool_name: str, tool_input: Any = None) -> Any:
        handler = handlers.get(tool_name)
        if handler is None:
            raise ValueError("Unknown tool: %s" % tool_name)
        options = TrackOptions(agent=agent, service=services.get(tool_name, tool_name),
                               action="tool:%s" % tool_name, input=tool_input,
                               capture_output=True)
        kwargs = tool_input if isinstance(tool_input, dict) else {}
        tracked = await ledger.track(options, lambda: handler(**kwargs))
        return tracked.result

    return execute
