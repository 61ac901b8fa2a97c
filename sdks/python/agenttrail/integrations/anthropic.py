"""Anthropic: ``wrap_anthropic(client, trail)`` and ``record_anthropic_call(trail, call, ...)``
for anthropic-python 0.40 and later (checked against 0.121's source): ``Anthropic`` and
``AsyncAnthropic``, ``messages.create`` (``stream=True`` included) and ``messages.stream()``
(packages/sdk/src/integrations/anthropic.ts).

One ``llm_call`` event (provider ``anthropic``) per call, when it ends. The application gets the
library's own Message, a stream yielding its own events, the same MessageStream inside ``with
client.messages.stream(...)``, and its own errors. Nothing is imported from ``anthropic``."""

from ._call import ProviderCall, StreamCanceled, is_stream, option_fields, response_headers
from ._call import run_call
from ._fields import merge_fields
from ._overlay import Overlay, method_of
from ._stream import watch_stream
from .anthropic_message import (anthropic_error_fields, anthropic_header_fields,
                                anthropic_request_fields, anthropic_response_fields)
from .anthropic_stream import AnthropicStreamMessage, RecordedStreamManager, is_stream_manager
from .openai_fields import request_id_fields


def wrap_anthropic(client, trail, event=None):
    """A view of ``client`` whose ``messages.create`` and ``messages.stream`` are recorded;
    everything else (``client.beta`` included) is the client itself, which is not changed.
    ``event``: fields for every event, or a function of the call's keyword arguments returning
    them; they win over what is recorded, ``metadata`` is merged.

    >>> anthropic = wrap_anthropic(Anthropic(), trail, event={"agent": "support-bot"})
    """
    messages = getattr(client, "messages", None)
    methods = {}
    for name in ("create", "stream"):
        method = method_of(messages, name)
        if method is not None:
            methods[name] = _recording(method, trail, event)
    if not methods:
        return client
    return Overlay(client, {"messages": Overlay(messages, methods)})


def _recording(method, trail, event):
    def recorded(*args, **params):
        return record_anthropic_call(trail, lambda: method(*args, **params), params=params,
                                     event=option_fields(event, params))
    recorded.__name__ = getattr(method, "__name__", "create")
    recorded.__doc__ = getattr(method, "__doc__", None)
    return recorded


def record_anthropic_call(trail, call, params=None, event=None):
    """Runs ``call()`` (``messages.create`` or ``messages.stream``, sync or async) and records it;
    returns what it returns (a coroutine for the async client's ``create``). ``params``: the
    request's keyword arguments (messages, system prompt, settings); ``event``: fields of your
    own. Errors are raised unchanged."""
    recorder = ProviderCall(trail, "anthropic", lambda: anthropic_request_fields(params), event)
    return run_call(recorder, call, lambda data: _settle(recorder, data), anthropic_error_fields)


def _settle(recorder, data):
    if is_stream(data):
        return _observe(recorder, data)
    if is_stream_manager(data):
        return RecordedStreamManager(data, recorder)
    recorder.success(lambda: merge_fields(anthropic_response_fields(data),
                                          request_id_fields(data)))
    return data


def _observe(recorder, stream):
    """A stream read to its end without ``message_stop`` was cut short."""
    message = AnthropicStreamMessage()
    headers = anthropic_header_fields(response_headers(stream))

    def partial():
        result = message.result()
        return merge_fields(anthropic_response_fields(result) if result else {}, headers)

    def end(how, error):
        if how == "failed":
            recorder.failure(error, lambda: merge_fields(partial(), anthropic_error_fields(error)))
        elif how == "completed" and message.stopped:
            recorder.success(partial)
        else:
            recorder.failure(StreamCanceled(), partial)

    return watch_stream(stream, message.add, end, recorder.report)
