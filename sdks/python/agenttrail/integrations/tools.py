"""Tools and plain functions through ``track()`` (packages/sdk/src/integrations/openai-tools.ts,
track-function.ts): each call is checked first (a paused or killed agent's call raises
``ActionBlockedError`` or ``ApprovalRequiredError`` before it runs; ``check=False`` skips the
round trip) and recorded after, with its arguments as ``input``, its result as ``output``, its
duration, and its error, which is raised again unchanged. Works with ``AgentTrail`` and
``AsyncAgentTrail``; coroutine functions are awaited, their check made off the event loop."""

import functools
import inspect
import json

from ..track import OPTION_NAMES, Tracker
from ._fields import to_json

# track() options a wrapper sets itself.
OWN_OPTIONS = ("agent", "service", "action", "input", "output", "capture_output", "enrich",
               "metadata", "event")


def _sync_client(trail):
    """``AsyncAgentTrail`` keeps the synchronous client that records as ``sync``."""
    return getattr(trail, "sync", trail)


def _output_fields(outcome):
    """The result as JSON data (a library object too); an error keeps track()'s own output."""
    if outcome["error"] is not None or outcome["result"] is None:
        return {}
    return {"output": to_json(outcome["result"])}


def _options(agent, service, action, input_, capture_output, metadata, event, extra):
    unknown = set(extra) - (set(OPTION_NAMES) - set(OWN_OPTIONS))
    if unknown:
        raise TypeError("unknown track() options: %s" % ", ".join(sorted(unknown)))
    if not agent:
        raise TypeError("an agent is needed")
    options = dict(extra, agent=agent, service=service, action=action, metadata=metadata)
    if input_ is not None:
        options["input"] = input_
    if capture_output:
        options["enrich"] = _output_fields
    if event:
        # track() lets ``event`` replace the metadata: it gets the same metadata.
        options["event"] = dict(event, metadata=dict(metadata, **(event.get("metadata") or {})))
    return options


def _run(trail, options, fn, args, kwargs):
    return _sync_client(trail).track(functools.partial(fn, *args, **kwargs), **options).result


async def _run_async(trail, options, fn, args, kwargs):
    import asyncio  # only coroutine functions come here: asyncio is loaded already
    tracker = Tracker(_sync_client(trail), dict(options))
    await asyncio.get_running_loop().run_in_executor(None, tracker._check)
    tracker._start()
    try:
        result = await fn(*args, **kwargs)
    except BaseException as exc:
        tracker._record(exc=exc, tb=exc.__traceback__, result=None, has_result=False)
        raise
    tracker._record(exc=None, tb=None, result=result, has_result=True)
    return result


def _arguments(signature, args, kwargs):
    """The call's arguments by parameter name (``self`` and ``cls`` left out), as JSON data."""
    try:
        bound = signature.bind(*args, **kwargs).arguments
    except (TypeError, ValueError, AttributeError):
        return {"args": to_json(list(args)), "kwargs": to_json(kwargs)}
    names = list(signature.parameters)
    arguments = {k: v for k, v in bound.items()
                 if not (names and k == names[0] and k in ("self", "cls"))}
    return to_json(arguments)


def wrap_function(trail, fn=None, agent=None, service=None, action=None, capture_args=True,
                  capture_output=True, metadata=None, event=None, **track_options):
    """``fn`` with each call tracked, or (without ``fn``) a decorator doing that. The wrapper has
    ``fn``'s name, docstring and signature (``inspect.signature`` gives the same) and returns what
    it returns; an ``async def`` stays one. ``action`` defaults to the function's name;
    ``capture_args`` (default True) records the arguments by name as ``input``, ``capture_output``
    (default True) the result as ``output``; ``metadata`` gets ``source: "tracked-function"``;
    other ``track()`` options (``check``, ``cost_cents``, ``trace_id``...) apply to each call.

    >>> @wrap_function(trail, agent="billing", service="stripe")
    ... def charge(customer_id, amount_cents): ...
    """
    if fn is None:
        return lambda f: wrap_function(trail, f, agent, service, action, capture_args,
                                       capture_output, metadata, event, **track_options)
    signature = inspect.signature(fn)
    name = action or getattr(fn, "__name__", None) or "call"
    meta = dict(metadata or {}, source="tracked-function")
    _options(agent, service, name, None, capture_output, meta, event, track_options)  # checks

    def options_for(args, kwargs):
        input_ = _arguments(signature, args, kwargs) if capture_args else None
        return _options(agent, service, name, input_, capture_output, meta, event, track_options)

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def tracked_async(*args, **kwargs):
            return await _run_async(trail, options_for(args, kwargs), fn, args, kwargs)
        return tracked_async

    @functools.wraps(fn)
    def tracked(*args, **kwargs):
        return _run(trail, options_for(args, kwargs), fn, args, kwargs)
    return tracked


def _preview(value):
    """AgentLedger's 500-character preview of the arguments."""
    try:
        return json.dumps(to_json(value))[:500]
    except (TypeError, ValueError):
        return "[unserializable]"


def create_tool_executor(trail, agent, handlers, service_map=None, capture_output=True,
                         event=None, **track_options):
    """AgentLedger's ``create_tool_executor``: ``execute(tool_name, tool_input)`` runs
    ``handlers[tool_name](tool_input)`` through ``track()`` and returns its result (a coroutine
    when the handler is an ``async def``). Recorded as kind ``tool_call`` with service and action
    from ``service_map`` (``{"tool": {"service", "action"}}`` or ``{"tool": "service"}``; default:
    the tool's name and ``invoke``), ``tool_input`` as ``input``, the result as ``output``,
    ``metadata: {source: "openai-agents", toolName, argsPreview}``. An unknown tool raises
    ``ValueError("Unknown tool: <name>")``."""
    service_map = dict(service_map or {})

    def execute(tool_name, tool_input=None):
        handler = handlers.get(tool_name) if hasattr(handlers, "get") else None
        if not callable(handler):
            raise ValueError("Unknown tool: %s" % tool_name)
        mapped = service_map.get(tool_name)
        mapped = {"service": mapped} if isinstance(mapped, str) else (mapped or {})
        metadata = {"source": "openai-agents", "toolName": tool_name,
                    "argsPreview": _preview(tool_input)}
        options = _options(agent, mapped.get("service") or tool_name,
                           mapped.get("action") or "invoke", to_json(tool_input),
                           capture_output, metadata, dict(event or {}, kind="tool_call"),
                           track_options)
        if inspect.iscoroutinefunction(handler):
            return _run_async(trail, options, handler, (tool_input,), {})
        return _run(trail, options, handler, (tool_input,), {})

    return execute
