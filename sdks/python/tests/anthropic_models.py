"""anthropic-python's objects (0.40 and later; names as in ``anthropic.types``), built as
``construct()`` builds them from the API's JSON, and its ``messages.stream()`` helpers
(``MessageStreamManager`` / ``MessageStream``: the raw events plus the library's own ``text``
events, and ``current_message_snapshot``, the message put together so far)."""

import json

from .openai_models import AsyncStream, HttpResponse, Stream
from .provider_models import Model


class TextBlock(Model):
    FIELDS = {"type": None, "text": None, "citations": None}


class ThinkingBlock(Model):
    FIELDS = {"type": None, "thinking": None, "signature": None}


class ToolUseBlock(Model):
    FIELDS = {"type": None, "id": None, "name": None, "input": None}


class ContentBlock(Model):
    """The ``ContentBlock`` union, picked by ``type`` as the library does."""

    @classmethod
    def from_json(cls, data):
        kind = {"text": TextBlock, "thinking": ThinkingBlock, "tool_use": ToolUseBlock}.get(
            data.get("type"), Model)
        return kind(**data)


class CacheCreation(Model):
    FIELDS = {"ephemeral_5m_input_tokens": None, "ephemeral_1h_input_tokens": None}


class Usage(Model):
    FIELDS = {"input_tokens": None, "output_tokens": None, "cache_creation_input_tokens": None,
              "cache_read_input_tokens": None, "cache_creation": CacheCreation,
              "server_tool_use": None, "service_tier": None}


class Message(Model):
    FIELDS = {"id": None, "type": None, "role": None, "model": None, "content": [ContentBlock],
              "stop_reason": None, "stop_sequence": None, "usage": Usage}


class Delta(Model):
    """TextDelta, ThinkingDelta, SignatureDelta, InputJSONDelta, CitationsDelta."""
    FIELDS = {"type": None, "text": None, "thinking": None, "signature": None,
              "partial_json": None, "citation": None}


class MessageDelta(Model):
    FIELDS = {"stop_reason": None, "stop_sequence": None}


class MessageDeltaUsage(Model):
    FIELDS = {"output_tokens": None, "input_tokens": None, "cache_creation_input_tokens": None,
              "cache_read_input_tokens": None, "server_tool_use": None}


class RawMessageStreamEvent(Model):
    """message_start, content_block_start/delta/stop, message_delta, message_stop."""

    @classmethod
    def from_json(cls, data):
        kind = data.get("type")
        if kind == "message_delta":
            return RawMessageDeltaEvent(**data)
        return {"message_start": RawMessageStartEvent,
                "content_block_start": RawContentBlockStartEvent,
                "content_block_delta": RawContentBlockDeltaEvent}.get(kind, Model)(**data)


class RawMessageStartEvent(Model):
    FIELDS = {"type": None, "message": Message}


class RawContentBlockStartEvent(Model):
    FIELDS = {"type": None, "index": None, "content_block": ContentBlock}


class RawContentBlockDeltaEvent(Model):
    FIELDS = {"type": None, "index": None, "delta": Delta}


class RawMessageDeltaEvent(Model):
    FIELDS = {"type": None, "delta": MessageDelta, "usage": MessageDeltaUsage}


class TextEvent(Model):
    FIELDS = {"type": None, "text": None, "snapshot": None}


def raw_events(frames):
    """The API's stream (``event:``/``data:`` frames) as the library's Stream yields them:
    pings are skipped, an ``error`` frame is raised (``items`` holds the error object then)."""
    return [f if isinstance(f, BaseException) else RawMessageStreamEvent.from_json(f)
            for f in frames if isinstance(f, BaseException) or f.get("type") != "ping"]


class MessageStream(object):
    """anthropic.lib.streaming.MessageStream: iterating it reads the raw stream, accumulates the
    message (``current_message_snapshot``) and yields each raw event, plus a ``text`` event for
    each text delta; ``text_stream`` and ``get_final_message()`` read through the same iterator."""

    def __init__(self, raw_stream):
        self._raw_stream = raw_stream
        self._snapshot = None
        self._iterator = self.__stream__()
        self.text_stream = (e.text for e in self if e.type == "text")

    @property
    def response(self):
        return self._raw_stream.response

    @property
    def current_message_snapshot(self):
        assert self._snapshot is not None
        return self._snapshot

    def __stream__(self):
        for event in self._raw_stream:
            self._accumulate(event)
            yield event
            if event.type == "content_block_delta" and event.delta.type == "text_delta":
                yield TextEvent(type="text", text=event.delta.text,
                                snapshot=self._snapshot.content[event.index].text)

    def __iter__(self):
        for item in self._iterator:
            yield item

    def __next__(self):
        return self._iterator.__next__()

    def get_final_message(self):
        for _ in self:
            pass
        return self.current_message_snapshot

    def close(self):
        self._raw_stream.close()

    def _accumulate(self, event):
        if event.type == "message_start":
            self._snapshot = Message(**json.loads(json.dumps(_plain(event.message))))
        elif event.type == "content_block_start":
            self._snapshot.content.append(ContentBlock.from_json(_plain(event.content_block)))
        elif event.type == "content_block_delta":
            block, delta = self._snapshot.content[event.index], event.delta
            if delta.type == "text_delta":
                block.text += delta.text
            elif delta.type == "thinking_delta":
                block.thinking += delta.thinking
            elif delta.type == "signature_delta":
                block.signature = delta.signature
            elif delta.type == "input_json_delta":
                block.__dict__.setdefault("_json", "")
                block._json += delta.partial_json
                block.input = json.loads(block._json) if block._json.endswith("}") else {}
        elif event.type == "message_delta":
            self._snapshot.stop_reason = event.delta.stop_reason
            self._snapshot.usage.output_tokens = event.usage.output_tokens


def _plain(model):
    """A model's set fields as a dict (what the library's ``construct`` copies from)."""
    if isinstance(model, Model):
        return {k: _plain(getattr(model, k)) for k in model.model_fields_set}
    if isinstance(model, list):
        return [_plain(m) for m in model]
    return model


class MessageStreamManager(object):
    """``client.messages.stream(...)``: the request is made on ``__enter__``."""

    def __init__(self, make_stream):
        self._make_stream, self._stream = make_stream, None

    def __enter__(self):
        self._stream = MessageStream(self._make_stream())
        return self._stream

    def __exit__(self, exc_type, exc, tb):
        if self._stream is not None:
            self._stream.close()


class AsyncMessageStream(MessageStream):
    """Its async twin, over an AsyncStream; only what the tests use."""

    async def __stream__(self):
        async for event in self._raw_stream:
            self._accumulate(event)
            yield event

    def __aiter__(self):
        return self._iterator

    async def close(self):
        await self._raw_stream.close()


class AsyncMessageStreamManager(object):
    def __init__(self, make_stream):
        self._make_stream, self._stream = make_stream, None

    async def __aenter__(self):
        self._stream = AsyncMessageStream(self._make_stream())
        return self._stream

    async def __aexit__(self, exc_type, exc, tb):
        if self._stream is not None:
            await self._stream.close()


class APIStatusError(Exception):
    """anthropic.APIStatusError: ``message``, ``status_code``, ``response``, ``body`` (the whole
    error body), ``request_id`` (the request-id header) and ``type`` (the body's error type)."""

    def __init__(self, message, status_code, headers, body):
        super(APIStatusError, self).__init__(message)
        self.message, self.body = message, body
        self.response = HttpResponse(status_code, headers)
        self.status_code = status_code
        self.request_id = self.response.headers.get("request-id")
        error = body.get("error") if isinstance(body, dict) else None
        self.type = error.get("type") if isinstance(error, dict) else None


class RateLimitError(APIStatusError):
    pass


class OverloadedError(APIStatusError):
    pass


__all__ = ["Message", "RawMessageStreamEvent", "MessageStreamManager", "Stream", "AsyncStream",
           "AsyncMessageStreamManager", "raw_events", "APIStatusError", "RateLimitError",
           "OverloadedError"]
