"""The Anthropic recorder, given objects shaped as anthropic-python's (0.40 and later) and the
same answers as dicts; each fired event is checked field by field."""

import asyncio
import copy
import unittest

from agenttrail.integrations.anthropic import record_anthropic_call, wrap_anthropic

from . import anthropic_fixtures as fx
from .anthropic_models import (AsyncMessageStreamManager, AsyncStream, Message,
                               MessageStreamManager, OverloadedError, RateLimitError, Stream,
                               raw_events)
from .provider_models import new
from .recording_sink import RecordingSink

SYSTEM_TEXT = "You are a weather assistant.\n\nAlways answer in one sentence."
STREAM_HEADERS = dict(fx.RATE_LIMIT_HEADERS, **{"request-id": fx.REQUEST_ID})


class Messages(object):
    """``client.messages``: ``create`` answers from a script; ``stream`` returns the library's
    manager around a raw stream of the scripted events."""

    def __init__(self, answer, is_async=False):
        self.answer, self.is_async, self.calls = answer, is_async, []

    def create(self, **params):
        self.calls.append(params)

        def answer():
            if isinstance(self.answer, BaseException):
                raise self.answer
            return self.answer() if callable(self.answer) else self.answer
        if self.is_async:
            async def create():
                return answer()
            return create()
        return answer()

    def stream(self, **params):
        self.calls.append(params)
        if self.is_async:
            return AsyncMessageStreamManager(self.answer)
        return MessageStreamManager(self.answer)


class Client(object):
    def __init__(self, answer, is_async=False):
        self.messages = Messages(answer, is_async)
        self.beta = object()


def message():
    return new(Message, copy.deepcopy(fx.MESSAGE), request_id=fx.REQUEST_ID)


def stream_of(frames, cls=Stream):
    return cls(raw_events(copy.deepcopy(frames)), headers=STREAM_HEADERS)


def rate_limited_body():
    return copy.deepcopy(fx.RATE_LIMITED)


def without_timing(event):
    return {k: v for k, v in event.items() if k not in ("ts", "duration_ms")}


class TestMessages(unittest.TestCase):
    def test_records_a_message_call_field_by_field_and_returns_the_message(self):
        sink, answer, original = RecordingSink(), message(), None
        original = Client(answer)
        anthropic = wrap_anthropic(original, sink, event={
            "agent": "weather-bot", "conversation_id": "conv-weather-1", "user": "ada@acme.com"})
        self.assertIs(anthropic.messages.create(**fx.REQUEST), answer)
        self.assertEqual(original.messages.calls, [fx.REQUEST])
        self.assertIs(anthropic.beta, original.beta)
        self.assertEqual(original.messages.create.__func__, Messages.create)
        self.assertEqual(without_timing(sink.only(self)), {
            "kind": "llm_call", "status": "success", "agent": "weather-bot",
            "user": "ada@acme.com", "conversation_id": "conv-weather-1",
            "provider": "anthropic", "model": "claude-opus-4-5-20251101",
            "messages": fx.REQUEST["messages"], "input": "What is the weather in Paris?",
            "system_prompt": SYSTEM_TEXT, "output": fx.MESSAGE,
            "thinking": "The user wants the weather in Paris. I should call get_weather.",
            "tool_calls": [fx.MESSAGE["content"][2]], "stop_reason": "tool_use",
            # Anthropic counts input beside the cache: 42 + 4000 read + 1200 written + 156 output.
            "tokens_input": 42, "tokens_output": 156, "tokens_cache_read": 4000,
            "tokens_cache_write": 1200, "tokens_total": 5398,
            "metadata": {"request": {"max_tokens": 2048, "thinking": {
                "type": "enabled", "budget_tokens": 1024}, "tools": ["get_weather"]},
                "request_id": fx.REQUEST_ID}})

    def test_the_same_message_as_a_dict_is_recorded_the_same(self):
        objects, dicts = RecordingSink(), RecordingSink()
        record_anthropic_call(objects, message, params=fx.REQUEST)
        record_anthropic_call(dicts, lambda: copy.deepcopy(fx.MESSAGE), params=fx.REQUEST)
        expected = without_timing(objects.only(self))
        del expected["metadata"]["request_id"]
        self.assertEqual(without_timing(dicts.only(self)), expected)

    def test_a_create_stream_passes_through_and_records_the_message_it_made(self):
        sink, stream = RecordingSink(), stream_of(fx.STREAM)
        watched = wrap_anthropic(Client(stream), sink).messages.create(stream=True, **fx.REQUEST)
        read = list(watched)
        self.assertEqual([id(e) for e in read], [id(e) for e in stream._items])
        self.assertNotIn("ping", [e.type for e in read])
        event = sink.only(self)
        self.assertEqual(event["output"], fx.STREAMED_MESSAGE)
        self.assertEqual(
            {k: event[k] for k in ("status", "stop_reason", "thinking", "tokens_input",
                                   "tokens_output", "tokens_cache_read", "tokens_cache_write",
                                   "tokens_total", "rate_limit", "tool_calls")},
            {"status": "success", "stop_reason": "tool_use",
             "thinking": "The user wants the weather in Paris.", "tokens_input": 42,
             "tokens_output": 89, "tokens_cache_read": 4000, "tokens_cache_write": 1200,
             "tokens_total": 5331, "rate_limit": fx.RATE_LIMIT_HEADERS,
             "tool_calls": [fx.STREAMED_MESSAGE["content"][2]]})
        self.assertEqual(event["metadata"]["request_id"], fx.REQUEST_ID)
        self.assertTrue(event["metadata"]["request"]["stream"])

    def test_messages_stream_gives_the_library_stream_and_records_once_when_the_block_ends(self):
        sink, original = RecordingSink(), Client(lambda: stream_of(fx.STREAM))
        anthropic = wrap_anthropic(original, sink, event={"agent": "stream-bot"})
        with anthropic.messages.stream(**fx.REQUEST) as stream:
            self.assertEqual(type(stream).__name__, "MessageStream")
            text = "".join(stream.text_stream)
            self.assertEqual(sink.events, [])
        self.assertEqual(text, "I'll check the weather.")
        self.assertEqual(original.messages.calls, [fx.REQUEST])
        event = sink.only(self)
        self.assertEqual(
            {k: event[k] for k in ("agent", "status", "model", "stop_reason", "tokens_input",
                                   "tokens_output", "tokens_total", "system_prompt")},
            {"agent": "stream-bot", "status": "success", "model": "claude-opus-4-5-20251101",
             "stop_reason": "tool_use", "tokens_input": 42, "tokens_output": 89,
             "tokens_total": 5331, "system_prompt": SYSTEM_TEXT})
        self.assertEqual(event["tool_calls"][0]["input"], {"city": "Paris"})
        self.assertEqual(event["thinking"], "The user wants the weather in Paris.")
        self.assertEqual(event["rate_limit"], fx.RATE_LIMIT_HEADERS)

    def test_a_stream_left_early_is_recorded_as_cut_short_with_its_tokens_so_far(self):
        sink = RecordingSink()
        anthropic = wrap_anthropic(Client(lambda: stream_of(fx.STREAM)), sink)
        with anthropic.messages.stream(**fx.REQUEST) as stream:
            for event in stream:
                if event.type == "content_block_start":
                    break
        event = sink.only(self)
        self.assertEqual((event["status"], event["error"]["name"], event["tokens_input"],
                          event["tokens_output"]), ("error", "StreamCanceled", 42, 1))

        sink, raw = RecordingSink(), stream_of(fx.STREAM[:-1])  # no message_stop
        list(record_anthropic_call(sink, lambda: raw))
        self.assertEqual(sink.only(self)["error"]["name"], "StreamCanceled")

    def test_rethrows_the_provider_error_unchanged_and_records_it_with_its_headers(self):
        sink = RecordingSink()
        headers = dict(fx.RATE_LIMIT_HEADERS, **{"retry-after": "12",
                                                 "request-id": fx.RATE_LIMITED["request_id"]})
        error = RateLimitError("Error code: 429 - %r" % fx.RATE_LIMITED, 429, headers,
                               fx.RATE_LIMITED)
        with self.assertRaises(RateLimitError) as raised:
            wrap_anthropic(Client(error), sink).messages.create(**fx.REQUEST)
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual(event["error"], {"name": "RateLimitError", "message": error.message,
                                          "status": 429, "type": "rate_limit_error"})
        self.assertEqual(event["rate_limit"]["retry-after"], "12")
        self.assertEqual(event["metadata"]["request_id"], fx.RATE_LIMITED["request_id"])
        self.assertEqual(event["model"], "claude-opus-4-5")

    def test_messages_stream_refused_on_entry_raises_unchanged_and_is_recorded(self):
        sink = RecordingSink()
        error = RateLimitError("limited", 429, {"retry-after": "5"}, rate_limited_body())

        def refused():
            raise error
        anthropic = wrap_anthropic(Client(refused), sink)
        with self.assertRaises(RateLimitError) as raised:
            with anthropic.messages.stream(**fx.REQUEST):
                self.fail("the block must not run")
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual((event["status"], event["error"]["type"], event["rate_limit"],
                          event["model"]),
                         ("error", "rate_limit_error", {"retry-after": "5"}, "claude-opus-4-5"))

    def test_an_error_event_in_the_middle_of_a_stream_is_recorded_with_what_had_arrived(self):
        sink = RecordingSink()
        error = OverloadedError(repr(fx.OVERLOADED), 529, {}, fx.OVERLOADED)
        stream = Stream(raw_events(copy.deepcopy(fx.STREAM[:5])) + [error])
        with self.assertRaises(OverloadedError) as raised:
            list(record_anthropic_call(sink, lambda: stream))
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual((event["error"]["type"], event["error"]["status"]),
                         ("overloaded_error", 529))
        self.assertEqual(event["thinking"], "The user wants the weather in Paris.")
        self.assertEqual(event["tokens_input"], 42)


class TestAsyncClient(unittest.TestCase):
    def test_async_create_stream_and_messages_stream_are_recorded(self):
        sink = RecordingSink()
        answer = message()
        anthropic = wrap_anthropic(Client(answer, is_async=True), sink)

        async def main():
            self.assertIs(await anthropic.messages.create(**fx.REQUEST), answer)
            anthropic.messages.answer = stream_of(fx.STREAM, AsyncStream)
            watched = await anthropic.messages.create(stream=True, **fx.REQUEST)
            self.assertEqual(len([e async for e in watched]), len(fx.STREAM) - 1)
            anthropic.messages.answer = lambda: stream_of(fx.STREAM, AsyncStream)
            async with anthropic.messages.stream(**fx.REQUEST) as stream:
                async for _ in stream:
                    pass

        asyncio.run(main())
        self.assertEqual(sink.errors, [])
        self.assertEqual([(e["status"], e["tokens_output"]) for e in sink.events],
                         [("success", 156), ("success", 89), ("success", 89)])


if __name__ == "__main__":
    unittest.main()
