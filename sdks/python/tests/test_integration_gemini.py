"""The Gemini recorder, given objects shaped as google-genai's (1.x-2.x) and google-generativeai's
(0.8, proto-plus) and the API's JSON as dicts; each fired event is checked field by field."""

import asyncio
import copy
import unittest

from agenttrail.integrations.gemini import record_gemini_call, wrap_gemini

from . import gemini_fixtures as fx
from .provider_models import (GenaiContent, LegacyGenerateContentResponse, Proto, ProtoEnum,
                              genai_response, snake)
from .recording_sink import RecordingSink

THOUGHT = ("**Checking the forecast**\n\nThe user wants the weather in Paris; "
           "I should call get_weather.")


class Models(object):
    def __init__(self, answer, is_async=False):
        self.answer, self.is_async, self.calls = answer, is_async, []

    def _call(self, params):
        self.calls.append(params)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer() if callable(self.answer) else self.answer

    def generate_content(self, **params):
        if self.is_async:
            async def call():
                return self._call(params)
            return call()
        return self._call(params)

    generate_content_stream = generate_content


class Client(object):
    def __init__(self, answer):
        self.models = Models(answer)
        self.aio = type("AsyncClient", (), {})()
        self.aio.models = Models(answer, is_async=True)
        self.chats = object()


def chunks(items):
    """google-genai's stream: a generator of responses, raising an error chunk as APIError."""
    for item in items:
        if isinstance(item, BaseException):
            raise item
        yield genai_response(copy.deepcopy(item))


async def async_chunks(items):
    for item in items:
        yield genai_response(copy.deepcopy(item))


def without_timing(event):
    return {k: v for k, v in event.items() if k not in ("ts", "duration_ms")}


EXPECTED = {
    "kind": "llm_call", "status": "success", "provider": "google", "model": "gemini-2.5-flash",
    "messages": fx.CONTENTS, "input": fx.CONTENTS[2],
    "system_prompt": "You are a travel assistant. Answer briefly.",
    "output": dict({"text": "Let me look up the weather in Paris."}, **fx.RESPONSE),
    "thinking": THOUGHT, "tool_calls": [{"name": "get_weather", "input": {"city": "Paris"}}],
    "stop_reason": "STOP",
    # promptTokenCount includes the 4096 cached tokens; thoughts (153) are output, beside the 38.
    "tokens_input": 5210, "tokens_cache_read": 4096, "tokens_output": 191, "tokens_total": 5401,
    "metadata": {"request": {"temperature": 0.2, "thinkingConfig": {
        "includeThoughts": True, "thinkingBudget": 1024}, "tools": ["get_weather"]},
        "tokens_thoughts": 153},
}


class TestGenerateContent(unittest.TestCase):
    def test_records_generate_content_field_by_field_and_returns_the_response(self):
        sink, answer = RecordingSink(), genai_response(copy.deepcopy(fx.RESPONSE))
        original = Client(answer)
        client = wrap_gemini(original, sink, event={"agent": "travel-bot",
                                                    "conversation_id": "conv-trip-1"})
        request = dict(fx.REQUEST, contents=[GenaiContent.from_json(c) for c in fx.CONTENTS])
        self.assertIs(client.models.generate_content(**request), answer)
        self.assertEqual(original.models.calls, [request])
        self.assertIs(client.chats, original.chats)
        self.assertEqual(original.models.generate_content.__func__, Models.generate_content)
        self.assertEqual(without_timing(sink.only(self)), dict(
            EXPECTED, agent="travel-bot", conversation_id="conv-trip-1"))

    def test_the_api_json_as_dicts_is_recorded_the_same(self):
        sink = RecordingSink()
        answer = copy.deepcopy(fx.RESPONSE)
        camel_request = dict(fx.REQUEST, model="models/" + fx.MODEL, config={
            "systemInstruction": {"parts": [{"text": fx.REQUEST["config"]["system_instruction"]}]},
            "tools": [{"functionDeclarations": fx.TOOLS[0]["function_declarations"]}],
            "temperature": 0.2, "thinkingConfig": {"includeThoughts": True,
                                                   "thinkingBudget": 1024}})
        self.assertIs(record_gemini_call(sink, lambda: answer, params=camel_request), answer)
        self.assertEqual(without_timing(sink.only(self)), EXPECTED)

    def test_passes_stream_chunks_through_and_records_the_response_they_make(self):
        sink = RecordingSink()
        seen = []

        def stream():
            for chunk in chunks(fx.STREAM):
                seen.append(chunk)
                yield chunk
        client = wrap_gemini(Client(stream), sink, event={"agent": "stream-trip-bot"})
        read = list(client.models.generate_content_stream(
            model=fx.MODEL, contents="What is the weather in Paris?"))
        self.assertEqual([id(c) for c in read], [id(c) for c in seen])
        event = sink.only(self)
        self.assertEqual(event["output"], {
            "text": "The weather in Paris is sunny, 24°C.",
            "candidates": [{"content": {"role": "model", "parts": [
                {"text": "**Checking the forecast**\n\nParis, today.", "thought": True},
                {"text": "The weather in Paris is sunny, 24°C."}]},
                "index": 0, "finishReason": "STOP"}],
            "usageMetadata": fx.STREAM[2]["usageMetadata"],
            "modelVersion": "gemini-2.5-flash", "responseId": "nBjtaPr3Gr7Vz7IP0MrQ4Qg"})
        self.assertEqual(
            {k: event[k] for k in ("status", "agent", "messages", "input", "thinking",
                                   "stop_reason", "tokens_input", "tokens_cache_read",
                                   "tokens_output", "tokens_total")},
            {"status": "success", "agent": "stream-trip-bot",
             "messages": "What is the weather in Paris?",
             "input": "What is the weather in Paris?",
             "thinking": "**Checking the forecast**\n\nParis, today.", "stop_reason": "STOP",
             "tokens_input": 5210, "tokens_cache_read": 4096, "tokens_output": 165,
             "tokens_total": 5375})

    def test_rethrows_the_provider_error_and_records_its_quota_and_retry_details(self):
        sink = RecordingSink()
        error = fx.ClientError(429, fx.QUOTA_EXCEEDED)
        client = wrap_gemini(Client(error), sink)
        with self.assertRaises(fx.ClientError) as raised:
            client.models.generate_content(model=fx.MODEL, contents="Hi")
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual(event["error"], {"name": "ClientError", "message": error.message,
                                          "status": 429, "type": "RESOURCE_EXHAUSTED"})
        self.assertEqual(event["rate_limit"], {
            "quota_violations": fx.QUOTA_EXCEEDED["error"]["details"][0]["violations"],
            "retry_delay": "17s"})
        self.assertEqual((event["model"], event["input"]), (fx.MODEL, "Hi"))

    def test_an_error_chunk_mid_stream_and_a_stream_closed_early_are_errors(self):
        sink = RecordingSink()
        error = fx.ServerError(503, fx.OVERLOADED)
        watched = record_gemini_call(sink, lambda: chunks(fx.STREAM[:2] + [error]))
        with self.assertRaises(fx.ServerError) as raised:
            list(watched)
        self.assertIs(raised.exception, error)
        event = sink.only(self)
        self.assertEqual((event["error"]["type"], event["error"]["status"], event["thinking"]),
                         ("UNAVAILABLE", 503, "**Checking the forecast**\n\nParis, today."))

        sink = RecordingSink()
        watched = record_gemini_call(sink, lambda: chunks(fx.STREAM))
        next(watched)
        watched.close()
        event = sink.only(self)
        self.assertEqual((event["status"], event["error"]["name"], event["tokens_input"]),
                         ("error", "StreamCanceled", 5210))

    def test_the_async_client_records_calls_and_streams(self):
        sink = RecordingSink()
        client = wrap_gemini(Client(lambda: genai_response(copy.deepcopy(fx.RESPONSE))), sink)

        async def main():
            response = await client.aio.models.generate_content(**fx.REQUEST)
            self.assertEqual(response.model_version, "gemini-2.5-flash")
            client.aio.models.answer = lambda: async_chunks(fx.STREAM)
            stream = await client.aio.models.generate_content_stream(model=fx.MODEL,
                                                                     contents="Weather?")
            self.assertEqual(len([c async for c in stream]), 3)

        asyncio.run(main())
        self.assertEqual(sink.errors, [])
        self.assertEqual([(e["status"], e["tokens_output"]) for e in sink.events],
                         [("success", 191), ("success", 165)])

    def test_a_gateway_rate_limit_header_is_kept(self):
        sink = RecordingSink()
        answer = genai_response(copy.deepcopy(fx.RESPONSE),
                                headers={"X-RateLimit-Remaining": "7", "content-type": "json"})
        record_gemini_call(sink, lambda: answer)
        self.assertEqual(sink.only(self)["rate_limit"], {"x-ratelimit-remaining": "7"})


def legacy(data):
    """A google-generativeai response's proto: snake_case fields, IntEnum finish reasons."""
    if isinstance(data, list):
        return [legacy(d) for d in data]
    if not isinstance(data, dict):
        return data
    fields = {}
    for key, value in data.items():
        name = snake(key)
        if name == "finish_reason":
            fields[name] = ProtoEnum[value]
        elif name == "args":
            fields[name] = dict(value)
        else:
            fields[name] = legacy(value)
    return Proto(**fields)


class TestGoogleGenerativeAI(unittest.TestCase):
    """Logwick's form: ``lw.gemini(lambda: model.generate_content(prompt), {...})``."""

    def test_a_response_and_a_streamed_response_of_the_older_library(self):
        sink = RecordingSink()
        answer = LegacyGenerateContentResponse(legacy(copy.deepcopy(fx.RESPONSE)))
        self.assertIs(record_gemini_call(sink, lambda: answer), answer)
        event = sink.only(self)
        self.assertEqual(
            {k: event[k] for k in ("stop_reason", "thinking", "tool_calls", "tokens_input",
                                   "tokens_output", "tokens_total", "model")},
            {k: EXPECTED[k] for k in ("stop_reason", "thinking", "tool_calls", "tokens_input",
                                      "tokens_output", "tokens_total", "model")})
        self.assertEqual(event["output"]["candidates"][0]["finishReason"], "STOP")
        self.assertEqual(event["output"]["text"], "Let me look up the weather in Paris.")

        sink = RecordingSink()
        protos = [legacy(copy.deepcopy(c)) for c in fx.STREAM]
        streamed = LegacyGenerateContentResponse(protos[0], chunks=protos[1:])
        watched = record_gemini_call(sink, lambda: streamed)
        self.assertEqual(len(list(watched)), 3)
        self.assertEqual(watched.text, "is sunny, 24°C.")  # forwarded to the library's object
        event = sink.only(self)
        self.assertEqual((event["status"], event["output"]["text"], event["tokens_output"]),
                         ("success", "The weather in Paris is sunny, 24°C.", 165))


if __name__ == "__main__":
    unittest.main()
