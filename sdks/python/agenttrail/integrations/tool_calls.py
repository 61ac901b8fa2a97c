"""Answering a model's tool calls (packages/sdk/src/integrations/openai-tools.ts, ``runToolCalls``):
each call runs its handler through ``track()`` and is recorded as a ``tool_call`` event with its
arguments as ``input``, the handler's result as ``output`` and the model's call id as
``metadata.tool_call_id`` (which ties it to the ``llm_call`` that asked for it). The answers come
back ready to send: a Chat Completions ``tool`` message, or a Responses ``function_call_output``
item. Calls may be openai-python objects or dicts."""

import inspect
import json

from ._fields import field, to_json
from .tools import _options, _run, _run_async


def _plan(call, agent, handlers, service_map, event, track_options):
    """(handler, arguments, options, answer) for one call; raises for an unknown tool or
    arguments that are not JSON, as the TypeScript SDK does."""
    responses = field(call, "type") == "function_call"
    fn = call if responses else field(call, "function")
    name = field(fn, "name") or ""
    call_id = field(call, "call_id" if responses else "id") or ""
    handler = handlers.get(name) if hasattr(handlers, "get") else None
    if not callable(handler):
        raise ValueError("Unknown tool: %s" % name)
    args = json.loads(field(fn, "arguments") or "{}")
    mapped = (service_map or {}).get(name)
    mapped = {"service": mapped} if isinstance(mapped, str) else (mapped or {})
    event = dict(event or {})
    metadata = dict(event.get("metadata") or {}, source="openai", toolName=name,
                    tool_call_id=call_id)
    options = _options(agent, mapped.get("service") or name, mapped.get("action") or "invoke",
                       to_json(args), True, metadata,
                       dict(event, kind="tool_call", metadata=metadata),
                       track_options)

    def answer(result):
        content = result if isinstance(result, str) else json.dumps(to_json(result))
        if responses:
            return {"type": "function_call_output", "call_id": call_id, "output": content}
        return {"role": "tool", "tool_call_id": call_id, "content": content}
    return handler, args, options, answer


def run_tool_calls(trail, tool_calls, agent, handlers, service_map=None, event=None,
                   **track_options):
    """Runs the tool calls of one answer in order and returns the answers to send back.
    ``handlers``: tool name -> function of the parsed arguments (plain functions here; use
    ``arun_tool_calls`` for ``async def`` ones). ``service_map`` as ``create_tool_executor``;
    ``event``: more fields for each event; ``check=False`` records without asking. An unknown
    tool, arguments that are not JSON and a handler's error are raised.

    >>> message = completion.choices[0].message
    >>> messages += [message] + run_tool_calls(trail, message.tool_calls, "bot", handlers)
    """
    answers = []
    for call in tool_calls or []:
        handler, args, options, answer = _plan(call, agent, handlers, service_map, event,
                                               track_options)
        if inspect.iscoroutinefunction(handler):
            raise TypeError("%s is a coroutine function: use arun_tool_calls" % handler)
        answers.append(answer(_run(trail, options, handler, (args,), {})))
    return answers


async def arun_tool_calls(trail, tool_calls, agent, handlers, service_map=None, event=None,
                          **track_options):
    """``run_tool_calls`` for asyncio code: ``async def`` handlers are awaited, plain ones
    called; every check is made off the event loop."""
    answers = []
    for call in tool_calls or []:
        handler, args, options, answer = _plan(call, agent, handlers, service_map, event,
                                               track_options)
        if not inspect.iscoroutinefunction(handler):
            handler = _awaitable(handler)
        answers.append(answer(await _run_async(trail, options, handler, (args,), {})))
    return answers


def _awaitable(handler):
    async def call(args):
        return handler(args)
    return call
