"""OpenAI: ``wrap_openai(client, trail)`` and ``record_openai_call(trail, call, ...)``, for
openai-python 1.x and later (checked against 3.3.1's source): ``OpenAI`` and ``AsyncOpenAI``,
Chat Completions and Responses, ``stream=True`` included (packages/sdk/src/integrations/openai.ts).

Each call fires one ``llm_call`` event (provider and service ``openai``, action
``chat.completions`` or ``responses``) when it ends; a stream's when it has been read to its end,
failed or was closed early. The application gets the library's own objects: the same
ChatCompletion or Response, a stream yielding the library's own chunks, the library's own errors.
Nothing is imported from ``openai``."""

import time

from ._call import ProviderCall, StreamCanceled, option_fields, response_headers, run_call
from ._call import is_stream
from ._fields import field, merge_fields
from ._overlay import Overlay, method_of
from ._stream import watch_stream
from .openai_chat import ChatStreamCompletion, chat_request_fields, chat_response_fields
from .openai_fields import openai_error_fields, openai_header_fields, request_id_fields
from .openai_responses import (ResponseFailed, ResponsesStreamResult, responses_request_fields,
                               responses_response_fields)

APIS = ("chat.completions", "responses")


def wrap_openai(client, trail, event=None):
    """A view of ``client`` whose ``chat.completions.create`` / ``.parse`` and
    ``responses.create`` / ``.parse`` are recorded; everything else is the client itself, and
    ``client`` is not changed. ``event``: fields for every event (``agent``, ``user``,
    ``conversation_id``, ``tags``, ``metadata``...), or a function of the call's keyword arguments
    returning them; they win over what is recorded, ``metadata`` is merged.

    >>> openai = wrap_openai(OpenAI(), trail, event={"agent": "support-bot"})
    """
    replaced = {}
    chat = getattr(client, "chat", None)
    completions = getattr(chat, "completions", None)
    if completions is not None:
        replaced["chat"] = Overlay(chat, {"completions": _recorded(
            completions, "chat.completions", trail, event)})
    responses = getattr(client, "responses", None)
    if responses is not None:
        replaced["responses"] = _recorded(responses, "responses", trail, event)
    return Overlay(client, replaced) if replaced else client


def _recorded(resource, api, trail, event):
    methods = {}
    for name in ("create", "parse"):
        method = method_of(resource, name)
        if method is not None:
            methods[name] = _recording(method, api, trail, event)
    return Overlay(resource, methods)


def _recording(method, api, trail, event):
    def recorded(*args, **params):
        return record_openai_call(trail, lambda: method(*args, **params), api=api,
                                  params=params, event=option_fields(event, params))
    recorded.__name__ = getattr(method, "__name__", "create")
    recorded.__doc__ = getattr(method, "__doc__", None)
    return recorded


def record_openai_call(trail, call, api="chat.completions", params=None, event=None):
    """Runs ``call()`` (a ``chat.completions.create`` or ``responses.create``, sync or async) and
    records it; returns what it returns (a coroutine for the async client). ``params``: the
    request's keyword arguments, read as ``api`` says (messages, system prompt, settings); without
    them only the answer is recorded. ``event``: fields of your own. Errors are raised unchanged."""
    read_request = responses_request_fields if api == "responses" else chat_request_fields
    recorder = ProviderCall(trail, "openai",
                            lambda: merge_fields({"service": "openai", "action": api},
                                                 read_request(params)), event)
    return run_call(recorder, call, lambda data: _settle(recorder, data), openai_error_fields)


def _settle(recorder, data):
    if is_stream(data):
        return OpenAIStreamRecorder(recorder, response_headers(data)).observe(data)
    is_response = field(data, "object") == "response"
    read = responses_response_fields if is_response else chat_response_fields
    recorder.success(lambda: merge_fields(
        {"action": "responses" if is_response else "chat.completions"}, read(data),
        request_id_fields(data)))
    return data


class OpenAIStreamRecorder(object):
    """Records a stream of either API as the application reads it, telling them apart by their
    items (``chat.completion.chunk`` objects or ``response.*`` events):

    - read to its end: success, with the answer rebuilt. A chat stream has token counts only with
      ``stream_options={"include_usage": True}``; without, none (``metadata.usage:
      "not_in_stream"``), and so no price. A Responses stream always ends with its usage;
    - reading raised, or the answer says it failed (``response.failed``): error, with what came;
    - closed early, or ended before the answer's end: error ``StreamCanceled``, with what came."""

    def __init__(self, recorder, headers):
        self.recorder, self.headers = recorder, headers
        self.chat, self.responses = ChatStreamCompletion(), ResponsesStreamResult()
        self.kind = None
        self.first_item_ms = None
        self._t0 = time.perf_counter()

    def observe(self, stream):
        return watch_stream(stream, self._add, self._end, self.recorder.report)

    def _add(self, item):
        if self.first_item_ms is None:
            self.first_item_ms = int(round((time.perf_counter() - self._t0) * 1000))
        if self.kind is None:
            self.kind = "chat" if field(item, "object") == "chat.completion.chunk" else "responses"
        (self.chat if self.kind == "chat" else self.responses).add(item)

    def _end(self, how, error):
        finished = self.chat.finished if self.kind == "chat" else self.responses.ended
        if how == "failed":
            self.recorder.failure(error, lambda: merge_fields(self._partial(),
                                                              openai_error_fields(error)))
        elif how == "completed" and finished and not self.responses.failed:
            self.recorder.success(self._partial)
        elif self.responses.failed:
            failure = ResponseFailed(field(self.responses.response, "error"))
            self.recorder.failure(failure, self._partial)
        else:
            self.recorder.failure(StreamCanceled(), self._partial)

    def _partial(self):
        """What arrived, as the non-streaming call would have recorded it, plus
        ``metadata.stream`` and ``first_chunk_ms``."""
        stream = {"stream": True}
        if self.first_item_ms is not None:
            stream["first_chunk_ms"] = self.first_item_ms
        answer = {}
        if self.kind == "chat":
            completion = self.chat.result()
            if completion:
                answer = chat_response_fields(completion)
            if not (completion or {}).get("usage"):
                stream["usage"] = "not_in_stream"
        elif self.kind == "responses" and self.responses.response is not None:
            answer = merge_fields({"action": "responses"},
                                  responses_response_fields(self.responses.response))
        return merge_fields(answer, openai_header_fields(self.headers), {"metadata": stream})
