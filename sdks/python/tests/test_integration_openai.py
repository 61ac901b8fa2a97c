"""The OpenAI recorder, given objects shaped as openai-python's (1.x to 3.x) and the same answers
as dicts; each fired event is checked field by field."""

import asyncio
import copy
import gc
import unittest

from agenttrail.integrations.openai import record_openai_call, wrap_openai

from . import openai_fixtures as fx
from .openai_models import (AsyncStream, ChatCompletion, ChatCompletionChunk, RateLimitError,
                            Response, ResponseStreamEvent, Stream)
from .provider_models import new
from .recording_sink import RecordingSink


class Resource(object):
    """A resource of the client (``chat.completions``, ``responses``): ``create`` answers from
    a script and keeps the keyword arguments it got."""

    def __init__(self, answer, is_async=False):
        self.answer, self.calls, self.is_async = answer, [], is_async

    def _answer(self, params):
        self.calls.append(params)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer

    def create(self, **params):
        if self.is_async:
            async def create():
                return self._answer(params)
            return create()
        return self._answer(params)

    parse = create


class Namespace(object):
    def __init__(self, **attrs):
        self.__dict__.update(attrs)


def client(answer, is_async=False):
    return Namespace(chat=Namespace(completions=Resource(answer, is_async)),
                     responses=Resource(answer, is_async), models=Namespace(list=lambda: []))


def completion():
    return new(ChatCompletion, copy.deepcopy(fx.CHAT_COMPLETION), request_id=fx.REQUEST_ID)


def without_timing(event):
    return {k: v for k, v in event.items() if k not in ("ts", "duration_ms")}


class TestChatCompletions(unittest.TestCase):
    def test_records_a_chat_completion_field_by_field_and_returns_it_unchanged(self):
        sink, answer = RecordingSink(), completion()
        original = client(answer)
        create = original.chat.completions.create
        openai = wrap_openai(original, sink, event={"agent": "chat-bot", "user": "ada@acme.com"})
        params = {"model": "gpt-4o", "messages": fx.MESSAGES, "tools": fx.TOOLS,
                  "temperature": 0.2}
        result = openai.chat.completions.create(**params)

        self.assertIs(result, answer)
        self.assertEqual(original.chat.completions.calls, [params])
        self.assertEqual(original.chat.completions.create, create)  # the client is unchanged
        self.assertIs(openai.models, original.models)
        event = sink.only(self)
        self.assertEqual(without_timing(event), {
            "kind": "llm_call", "status": "success", "provider": "openai", "service": "openai",
            "action": "chat.completions", "agent": "chat-bot", "user": "ada@acme.com",
            "model": "gpt-4o-2024-08-06", "input": "What is the weather in Paris?",
            "messages": fx.MESSAGES, "system_prompt": "You are a weather assistant.",
            "output": fx.CHAT_COMPLETION, "stop_reason": "tool_calls",
            "tool_calls": fx.CHAT_COMPLETION["choices"][0]["message"]["tool_calls"],
            # prompt_tokens includes the cached ones: the server applies OpenAI's rule.
            "tokens_input": 2006, "tokens_cache_read": 1920, "tokens_output": 300,
            "tokens_total": 2306,
            "metadata": {"request": {"temperature": 0.2, "tools": ["get_weather"]},
                         "request_id": fx.REQUEST_ID, "response_id": fx.CHAT_COMPLETION["id"],
                         "system_fingerprint": "fp_6ec83003ad", "service_tier": "default",
                         "reasoning_tokens": 0}})
        self.assertIsInstance(event["ts"], int)
        self.assertGreaterEqual(event["duration_ms"], 0)

    def test_the_same_answer_as_a_dict_is_recorded_the_same(self):
        objects, dicts = RecordingSink(), RecordingSink()
        params = {"model": "gpt-4o", "messages": fx.MESSAGES}
        record_openai_call(objects, lambda: completion(), params=params)
        answer = copy.deepcopy(fx.CHAT_COMPLETION)
        self.assertIs(record_openai_call(dicts, lambda: answer, params=params), answer)
        expected = without_timing(objects.only(self))
        del expected["metadata"]["request_id"]  # only the library's object carries it
        self.assertEqual(without_timing(dicts.only(self)), expected)

    def test_passes_a_stream_through_and_takes_the_usage_from_its_last_chunk(self):
        sink = RecordingSink()
        chunks = [new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE]
        stream = Stream(chunks, headers=fx.RATE_LIMIT_HEADERS)
        params = {"model": "gpt-4o-mini", "messages": fx.MESSAGES, "stream": True,
                  "stream_options": {"include_usage": True}}
        watched = record_openai_call(sink, lambda: stream, params=params)
        self.assertIs(watched.response, stream.response)
        self.assertEqual(sink.events, [])  # recorded when read
        read = list(watched)
        self.assertEqual(len(read), len(chunks))
        for got, sent in zip(read, chunks):
            self.assertIs(got, sent)
        self.assertTrue(stream.response.closed)
        event = sink.only(self)
        self.assertEqual(event["output"]["choices"], [{
            "index": 0, "message": {"role": "assistant", "content": "It is sunny in Paris.",
                                    "refusal": None}, "finish_reason": "stop"}])
        self.assertEqual(
            {k: event[k] for k in ("status", "model", "stop_reason", "tokens_input",
                                   "tokens_cache_read", "tokens_output", "tokens_total")},
            {"status": "success", "model": "gpt-4o-mini-2024-07-18", "stop_reason": "stop",
             "tokens_input": 1200, "tokens_cache_read": 1024, "tokens_output": 42,
             "tokens_total": 1242})
        self.assertEqual(event["rate_limit"], {
            k: v for k, v in fx.RATE_LIMIT_HEADERS.items() if k.startswith("x-ratelimit-")})
        metadata = event["metadata"]
        self.assertEqual((metadata["stream"], metadata["request_id"], metadata["processing_ms"]),
                         (True, fx.REQUEST_ID, 412))
        self.assertEqual(metadata["request"], {"stream": True,
                                               "stream_options": {"include_usage": True}})
        self.assertGreaterEqual(metadata["first_chunk_ms"], 0)
        self.assertNotIn("usage", metadata)

    def test_a_stream_without_include_usage_has_no_tokens_and_its_tool_call_put_together(self):
        sink = RecordingSink()
        stream = Stream([new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_TOOL_CALL])
        for _ in record_openai_call(sink, lambda: stream):
            pass
        event = sink.only(self)
        self.assertEqual(event["tool_calls"], [{
            "id": "call_DdmO9pD3xa9XTPNJ32zg2hcA", "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}])
        self.assertEqual((event["status"], event["stop_reason"]), ("success", "tool_calls"))
        self.assertFalse(any(k.startswith("tokens_") for k in event))
        self.assertEqual(event["metadata"]["usage"], "not_in_stream")

    def test_a_stream_closed_before_its_end_is_recorded_as_canceled_with_what_arrived(self):
        sink = RecordingSink()
        stream = Stream([new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE])
        with record_openai_call(sink, lambda: stream) as watched:
            self.assertIs(next(watched).choices[0].delta.content, "")
            next(watched)
        self.assertTrue(stream.response.closed)
        event = sink.only(self)
        self.assertEqual(event["status"], "error")
        self.assertEqual(event["error"], {"name": "StreamCanceled", "message":
                                          "The stream was closed before the response ended"})
        self.assertEqual(event["output"]["choices"][0]["message"]["content"], "It is sunny")
        self.assertEqual(event["output"]["choices"][0]["finish_reason"], None)

    def test_a_stream_left_after_a_break_is_recorded_as_canceled_when_let_go(self):
        sink = RecordingSink()
        watched = record_openai_call(sink, lambda: Stream(
            [new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE]))
        for _ in watched:
            break
        self.assertEqual(sink.events, [])  # a break is not an end: the stream can be read on
        del watched
        gc.collect()
        self.assertEqual(sink.only(self)["error"]["name"], "StreamCanceled")

    def test_rethrows_the_provider_error_unchanged_and_records_it(self):
        sink = RecordingSink()
        error = RateLimitError("Error code: 429 - %r" % fx.RATE_LIMITED_ERROR, 429,
                               fx.RATE_LIMITED_HEADERS, fx.RATE_LIMITED_ERROR)
        openai = wrap_openai(client(error), sink, event={"agent": "limited"})
        with self.assertRaises(RateLimitError) as raised:
            openai.chat.completions.create(model="gpt-4o", messages=fx.MESSAGES)
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual((event["status"], event["model"], event["agent"]),
                         ("error", "gpt-4o", "limited"))
        self.assertEqual(event["error"], {"name": "RateLimitError", "message": error.message,
                                          "status": 429, "type": "tokens",
                                          "code": "rate_limit_exceeded"})
        self.assertEqual(event["rate_limit"]["retry-after"], "1")
        self.assertEqual(event["rate_limit"]["x-ratelimit-remaining-tokens"], "0")
        self.assertEqual(event["metadata"]["request_id"], fx.REQUEST_ID)

    def test_an_error_in_the_middle_of_a_stream_is_recorded_with_what_had_arrived(self):
        sink = RecordingSink()
        error = RateLimitError("overloaded", 503, {}, {"type": "server_error"})
        chunks = [new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE[:2]] + [error]
        watched = record_openai_call(sink, lambda: Stream(chunks))
        with self.assertRaises(RateLimitError) as raised:
            list(watched)
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual(event["error"], {"name": "RateLimitError", "message": "overloaded",
                                          "status": 503, "type": "server_error"})
        self.assertEqual(event["output"]["choices"][0]["message"]["content"], "It is sunny")

    def test_a_recording_failure_never_reaches_the_application(self):
        class Broken(RecordingSink):
            def fire(self, event):
                raise RuntimeError("sink down")
        sink, answer = Broken(), completion()
        self.assertIs(record_openai_call(sink, lambda: answer), answer)
        self.assertEqual([str(e) for e in sink.errors], ["sink down"])

        class Odd(object):  # an answer whose fields raise when read
            @property
            def choices(self):
                raise ValueError("unreadable")
        sink, odd = RecordingSink(), Odd()
        self.assertIs(record_openai_call(sink, lambda: odd, params={"model": "m"}), odd)
        self.assertEqual((sink.only(self)["status"], sink.events[0]["model"]), ("success", "m"))

    def test_event_may_be_a_function_of_the_request(self):
        sink = RecordingSink()
        openai = wrap_openai(client(completion()), sink,
                             event=lambda p: {"agent": "bot-" + p["model"],
                                              "metadata": {"team": "support"}})
        openai.chat.completions.parse(model="gpt-4o", messages=fx.MESSAGES)
        event = sink.only(self)
        self.assertEqual((event["agent"], event["metadata"]["team"]), ("bot-gpt-4o", "support"))
        self.assertEqual(event["metadata"]["response_id"], fx.CHAT_COMPLETION["id"])


class TestResponses(unittest.TestCase):
    def test_records_a_response_field_by_field(self):
        sink, answer = RecordingSink(), new(Response, copy.deepcopy(fx.RESPONSE))
        params = {"model": "gpt-5", "instructions": "You are a weather assistant.",
                  "input": "What is the weather in Paris?", "reasoning": {"effort": "medium"}}
        self.assertIs(wrap_openai(client(answer), sink).responses.create(**params), answer)
        event = without_timing(sink.only(self))
        self.assertEqual(event, {
            "kind": "llm_call", "status": "success", "provider": "openai", "service": "openai",
            "action": "responses", "model": "gpt-5-2025-08-07",
            "input": "What is the weather in Paris?",
            "system_prompt": "You are a weather assistant.", "output": fx.RESPONSE,
            "stop_reason": "completed",
            "tool_calls": [{"id": "call_12345xyz", "type": "function", "function": {
                "name": "get_weather", "arguments": '{"city":"Paris"}'}}],
            "thinking": "The user wants the weather; call get_weather.",
            "tokens_input": 5000, "tokens_cache_read": 4096, "tokens_output": 700,
            "tokens_total": 5700,
            "metadata": {"request": {"reasoning": {"effort": "medium"}},
                         "response_id": fx.RESPONSE["id"], "reasoning_tokens": 512}})

    def test_a_responses_stream_ends_with_its_usage_and_a_failed_one_is_an_error(self):
        sink = RecordingSink()
        events = [new(ResponseStreamEvent, copy.deepcopy(e)) for e in fx.RESPONSES_STREAM]
        read = list(record_openai_call(sink, lambda: Stream(events), api="responses",
                                       params={"model": "gpt-4.1", "input": "Weather?"}))
        self.assertEqual([id(e) for e in read], [id(e) for e in events])
        event = sink.only(self)
        self.assertEqual((event["status"], event["action"], event["stop_reason"],
                          event["tokens_input"], event["tokens_cache_read"],
                          event["tokens_total"], event["input"]),
                         ("success", "responses", "completed", 3000, 2048, 3150, "Weather?"))
        self.assertEqual(event["output"]["output"][0]["content"][0]["text"],
                         "It is sunny in Paris.")

        failed = copy.deepcopy(fx.RESPONSES_STREAM[:2]) + [{
            "type": "response.failed", "sequence_number": 2, "response": dict(
                copy.deepcopy(fx.RESPONSES_STREAM[0]["response"]), status="failed",
                error={"code": "server_error", "message": "The model failed."})}]
        sink = RecordingSink()
        list(record_openai_call(sink, lambda: Stream([new(ResponseStreamEvent, e)
                                                      for e in failed]), api="responses"))
        self.assertEqual(sink.only(self)["error"], {"name": "ResponseFailed",
                                                    "message": "The model failed."})


class TestAsyncClient(unittest.TestCase):
    def test_an_async_call_and_an_async_stream_are_recorded_when_awaited_and_read(self):
        sink, answer = RecordingSink(), completion()
        openai = wrap_openai(client(answer, is_async=True), sink)

        async def main():
            result = await openai.chat.completions.create(model="gpt-4o", messages=fx.MESSAGES)
            self.assertIs(result, answer)
            stream = AsyncStream([new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE])
            openai.chat.completions.answer = stream
            watched = await openai.chat.completions.create(model="gpt-4o-mini",
                                                           messages=fx.MESSAGES, stream=True)
            read = [chunk async for chunk in watched]
            self.assertEqual(len(read), 5)
            stream2 = AsyncStream([new(ChatCompletionChunk, c) for c in fx.CHAT_STREAM_WITH_USAGE])
            openai.chat.completions.answer = stream2
            async with await openai.chat.completions.create(model="x", stream=True) as early:
                await early.__anext__()
            self.assertTrue(stream2.response.closed)

        asyncio.run(main())
        self.assertEqual(sink.errors, [])
        self.assertEqual([(e["status"], e.get("tokens_total")) for e in sink.events],
                         [("success", 2306), ("success", 1242), ("error", None)])
        self.assertEqual(sink.events[2]["error"]["name"], "StreamCanceled")

    def test_an_async_error_is_raised_unchanged_and_recorded(self):
        sink = RecordingSink()
        error = RateLimitError("limited", 429, {"retry-after": "2"}, {"type": "requests"})
        openai = wrap_openai(client(error, is_async=True), sink)

        async def main():
            await openai.responses.create(model="gpt-5", input="hi")

        with self.assertRaises(RateLimitError) as raised:
            asyncio.run(main())
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual((event["action"], event["error"]["status"], event["rate_limit"]),
                         ("responses", 429, {"retry-after": "2"}))


if __name__ == "__main__":
    unittest.main()
