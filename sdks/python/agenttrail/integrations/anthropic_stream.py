"""Anthropic streams (packages/sdk/src/integrations/anthropic-stream-message.ts): the Message
rebuilt from the raw events of ``messages.create(stream=True)``, and the recording of
``messages.stream()``'s context manager, which anthropic-python runs without ``create``."""

import json

from ._call import StreamCanceled, response_headers
from ._fields import field, merge_fields, to_json
from .anthropic_message import (anthropic_error_fields, anthropic_header_fields,
                                anthropic_response_fields)


class AnthropicStreamMessage(object):
    """``message_start`` carries the message with its input and cache usage, content blocks
    arrive as start/delta/stop, and ``message_delta`` carries the stop reason and the cumulative
    usage (overwriting, never adding). It copies what it reads and never changes an event."""

    def __init__(self):
        self.message = None
        self.stopped = False  # a message_stop arrived: the message is whole

    def add(self, event):
        kind = field(event, "type")
        if kind == "message_start" and field(event, "message") is not None:
            self.message = to_json(field(event, "message"))
            self.message["content"] = list(self.message.get("content") or [])
            self.message["usage"] = dict(self.message.get("usage") or {})
            return
        message = self.message
        if message is None:
            return
        content, index = message["content"], field(event, "index")
        if kind == "content_block_start" and isinstance(index, int):
            while len(content) <= index:
                content.append(None)
            content[index] = to_json(field(event, "content_block"))
        elif kind == "content_block_delta":
            _apply_delta(_block(content, index), to_json(field(event, "delta")))
        elif kind == "content_block_stop":
            _finish_tool_input(_block(content, index))
        elif kind == "message_delta":
            delta = to_json(field(event, "delta")) or {}
            for name in ("stop_reason", "stop_sequence", "stop_details", "container"):
                if name in delta:
                    message[name] = delta[name]
            for name, value in (to_json(field(event, "usage")) or {}).items():
                if value is not None:
                    message["usage"][name] = value
        elif kind == "message_stop":
            self.stopped = True

    def result(self):
        """The message as far as the stream got (JSON data); None before ``message_start``."""
        if self.message is None:
            return None
        for block in self.message["content"]:
            _finish_tool_input(block)
        return dict(self.message, content=[b for b in self.message["content"] if b is not None])


def _block(content, index):
    return content[index] if isinstance(index, int) and 0 <= index < len(content) else None


def _apply_delta(block, delta):
    if not isinstance(block, dict) or not isinstance(delta, dict):
        return
    kind = delta.get("type")
    if kind == "text_delta":
        block["text"] = (block.get("text") or "") + (delta.get("text") or "")
    elif kind == "thinking_delta":
        block["thinking"] = (block.get("thinking") or "") + (delta.get("thinking") or "")
    elif kind == "signature_delta":
        block["signature"] = delta.get("signature")
    elif kind == "citations_delta":
        block["citations"] = list(block.get("citations") or []) + [delta.get("citation")]
    elif kind == "input_json_delta":
        block["partial_json"] = (block.get("partial_json") or "") + (
            delta.get("partial_json") or "")


def _finish_tool_input(block):
    """A tool block's input arrives as JSON fragments; an empty input is ``{}``."""
    if not isinstance(block, dict) or "partial_json" not in block:
        return
    text = block.pop("partial_json")
    try:
        block["input"] = json.loads(text) if text else {}
    except ValueError:
        block["input"] = text


class RecordedStreamManager(object):
    """``messages.stream(...)``'s manager, recorded: ``with`` (or ``async with``) gives the
    library's own MessageStream, untouched; when the block ends, the call is recorded from the
    stream's ``current_message_snapshot`` (the message the library put together) and its
    response headers: success when the message got its stop reason, else the error that ended
    the block, else ``StreamCanceled``."""

    def __init__(self, manager, recorder):
        self._manager, self._recorder, self._stream = manager, recorder, None

    def __enter__(self):
        try:
            self._stream = self._manager.__enter__()
        except BaseException as error:
            self._recorder.failure(error, lambda: anthropic_error_fields(error))
            raise
        return self._stream

    def __exit__(self, exc_type, exc, tb):
        try:
            return self._manager.__exit__(exc_type, exc, tb)
        finally:
            self._finish(exc)

    async def __aenter__(self):
        try:
            self._stream = await self._manager.__aenter__()
        except BaseException as error:
            self._recorder.failure(error, lambda: anthropic_error_fields(error))
            raise
        return self._stream

    async def __aexit__(self, exc_type, exc, tb):
        try:
            return await self._manager.__aexit__(exc_type, exc, tb)
        finally:
            self._finish(exc)

    def __getattr__(self, name):
        manager = self.__dict__.get("_manager")
        if manager is None:
            raise AttributeError(name)
        return getattr(manager, name)

    def _finish(self, exc):
        try:
            snapshot = self._stream.current_message_snapshot
        except Exception:  # no message_start yet: the library asserts
            snapshot = None
        headers = anthropic_header_fields(response_headers(self._stream))

        def partial():
            return merge_fields(anthropic_response_fields(snapshot) if snapshot else {}, headers)

        if snapshot is not None and field(snapshot, "stop_reason") is not None:
            self._recorder.success(partial)
        elif exc is not None:
            self._recorder.failure(exc, lambda: merge_fields(partial(),
                                                             anthropic_error_fields(exc)))
        else:
            self._recorder.failure(StreamCanceled(), partial)


def is_stream_manager(value):
    """A context manager that is not itself a stream: ``MessageStreamManager`` (sync or async)."""
    kind = type(value)
    sync = hasattr(kind, "__enter__") and not hasattr(kind, "__next__")
    async_ = hasattr(kind, "__aenter__") and not hasattr(kind, "__aiter__")
    return sync or async_
