"""Answers shaped as the OpenAI API returns them: the TypeScript SDK's fixtures
(test/sdk/integrations/openai-fixtures.ts), from platform.openai.com/docs/api-reference
(chat/object, chat-streaming, responses/object, responses-streaming, error codes)."""

import copy

REQUEST_ID = "req_8f3c1a2b9d7e4f60a1b2c3d4e5f60718"

RATE_LIMIT_HEADERS = {
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-limit-tokens": "30000000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-remaining-tokens": "29997694",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-reset-tokens": "4ms",
    "x-request-id": REQUEST_ID,
    "openai-processing-ms": "412",
    "content-type": "text/event-stream",
}

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather in a given city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}]

MESSAGES = [{"role": "system", "content": "You are a weather assistant."},
            {"role": "user", "content": "What is the weather in Paris?"}]

CHAT_COMPLETION = {
    "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "object": "chat.completion",
    "created": 1741570283, "model": "gpt-4o-2024-08-06",
    "choices": [{"index": 0, "message": {
        "role": "assistant", "content": None,
        "tool_calls": [{"id": "call_abc123", "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}],
        "refusal": None, "annotations": []}, "logprobs": None, "finish_reason": "tool_calls"}],
    "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
              "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
              "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                            "accepted_prediction_tokens": 0,
                                            "rejected_prediction_tokens": 0}},
    "service_tier": "default", "system_fingerprint": "fp_6ec83003ad",
}


def _chunk(choices, usage=None):
    return {"id": "chatcmpl-BAB2qT5vJ7xHkq8nQ0rWm1ZyXc3", "object": "chat.completion.chunk",
            "created": 1741570290, "model": "gpt-4o-mini-2024-07-18", "service_tier": "default",
            "system_fingerprint": "fp_0ba0d124f1", "choices": choices, "usage": usage}


CHAT_STREAM_WITH_USAGE = [
    _chunk([{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None},
             "logprobs": None, "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {"content": "It is sunny"}, "logprobs": None,
             "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {"content": " in Paris."}, "logprobs": None,
             "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]),
    _chunk([], {"prompt_tokens": 1200, "completion_tokens": 42, "total_tokens": 1242,
                "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                              "accepted_prediction_tokens": 0,
                                              "rejected_prediction_tokens": 0}}),
]

CHAT_STREAM_TOOL_CALL = [
    _chunk([{"index": 0, "delta": {"role": "assistant", "content": None, "refusal": None,
                                   "tool_calls": [{"index": 0,
                                                   "id": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
                                                   "type": "function",
                                                   "function": {"name": "get_weather",
                                                                "arguments": ""}}]},
             "logprobs": None, "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {"tool_calls": [{"index": 0,
                                                   "function": {"arguments": '{"ci'}}]},
             "logprobs": None, "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {"tool_calls": [{"index": 0,
                                                   "function": {"arguments": 'ty":"Paris"}'}}]},
             "logprobs": None, "finish_reason": None}]),
    _chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "tool_calls"}]),
]

RESPONSE = {
    "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b", "object": "response",
    "created_at": 1741476542, "status": "completed", "error": None,
    "incomplete_details": None, "instructions": "You are a weather assistant.",
    "max_output_tokens": None, "model": "gpt-5-2025-08-07",
    "output": [
        {"id": "rs_67ccd2bf17f0819081ff3bb2cf6508e6", "type": "reasoning",
         "summary": [{"type": "summary_text",
                      "text": "The user wants the weather; call get_weather."}]},
        {"id": "fc_67ccd3acc8548190a0f5e4c9b1c3d2e1", "type": "function_call",
         "status": "completed", "call_id": "call_12345xyz", "name": "get_weather",
         "arguments": '{"city":"Paris"}'},
    ],
    "parallel_tool_calls": True, "previous_response_id": None,
    "reasoning": {"effort": "medium", "summary": "auto"}, "store": True, "temperature": 1,
    "text": {"format": {"type": "text"}}, "tool_choice": "auto", "tools": [], "top_p": 1,
    "truncation": "disabled",
    "usage": {"input_tokens": 5000, "input_tokens_details": {"cached_tokens": 4096},
              "output_tokens": 700, "output_tokens_details": {"reasoning_tokens": 512},
              "total_tokens": 5700},
    "user": None, "metadata": {},
}

_IN_PROGRESS = dict(copy.deepcopy(RESPONSE), id="resp_stream_1", model="gpt-4.1-2025-04-14",
                    status="in_progress", output=[], usage=None,
                    reasoning={"effort": None, "summary": None})
_MESSAGE = {"id": "msg_67b73f697ba4819183a15cc17d011509", "type": "message",
            "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": "It is sunny in Paris.",
                         "annotations": []}]}

RESPONSES_STREAM = [
    {"type": "response.created", "sequence_number": 0, "response": _IN_PROGRESS},
    {"type": "response.in_progress", "sequence_number": 1, "response": _IN_PROGRESS},
    {"type": "response.output_item.added", "sequence_number": 2, "output_index": 0,
     "item": dict(_MESSAGE, status="in_progress", content=[])},
    {"type": "response.output_text.delta", "sequence_number": 3, "item_id": _MESSAGE["id"],
     "output_index": 0, "content_index": 0, "delta": "It is sunny"},
    {"type": "response.output_text.delta", "sequence_number": 4, "item_id": _MESSAGE["id"],
     "output_index": 0, "content_index": 0, "delta": " in Paris."},
    {"type": "response.output_item.done", "sequence_number": 5, "output_index": 0,
     "item": _MESSAGE},
    {"type": "response.completed", "sequence_number": 6, "response": dict(
        _IN_PROGRESS, status="completed", output=[_MESSAGE],
        usage={"input_tokens": 3000, "input_tokens_details": {"cached_tokens": 2048},
               "output_tokens": 150, "output_tokens_details": {"reasoning_tokens": 0},
               "total_tokens": 3150})},
]

RATE_LIMITED_HEADERS = dict(RATE_LIMIT_HEADERS, **{"x-ratelimit-remaining-tokens": "0",
                                                   "retry-after": "1"})
RATE_LIMITED_ERROR = {
    "message": "Rate limit reached for gpt-4o in organization org-abc123 on tokens per min "
               "(TPM): Limit 30000, Used 29950, Requested 500.",
    "type": "tokens", "param": None, "code": "rate_limit_exceeded"}
