"""Answers shaped as the Anthropic Messages API returns them: the TypeScript SDK's fixtures
(test/sdk/integrations/anthropic-fixtures.ts), from docs.anthropic.com/en/api/messages,
/en/docs/build-with-claude/streaming, /en/api/rate-limits and /en/api/errors."""

RATE_LIMIT_HEADERS = {
    "anthropic-ratelimit-requests-limit": "4000",
    "anthropic-ratelimit-requests-remaining": "3999",
    "anthropic-ratelimit-requests-reset": "2026-01-15T10:00:01Z",
    "anthropic-ratelimit-input-tokens-limit": "2000000",
    "anthropic-ratelimit-input-tokens-remaining": "1994000",
    "anthropic-ratelimit-input-tokens-reset": "2026-01-15T10:00:00Z",
    "anthropic-ratelimit-output-tokens-limit": "400000",
    "anthropic-ratelimit-output-tokens-remaining": "399500",
    "anthropic-ratelimit-output-tokens-reset": "2026-01-15T10:00:00Z",
    "anthropic-ratelimit-tokens-limit": "2400000",
    "anthropic-ratelimit-tokens-remaining": "2393500",
    "anthropic-ratelimit-tokens-reset": "2026-01-15T10:00:00Z",
}

REQUEST_ID = "req_011CSHoEeqs5C35K2UUqR7Fy"

MESSAGE = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
    "model": "claude-opus-4-5-20251101",
    "content": [
        {"type": "thinking",
         "thinking": "The user wants the weather in Paris. I should call get_weather.",
         "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"},
        {"type": "text", "text": "I'll check the current weather in Paris for you."},
        {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
         "input": {"city": "Paris", "unit": "celsius"}},
    ],
    "stop_reason": "tool_use", "stop_sequence": None,
    "usage": {"input_tokens": 42, "cache_creation_input_tokens": 1200,
              "cache_read_input_tokens": 4000,
              "cache_creation": {"ephemeral_5m_input_tokens": 1200,
                                 "ephemeral_1h_input_tokens": 0},
              "output_tokens": 156, "service_tier": "standard"},
}

SYSTEM = [{"type": "text", "text": "You are a weather assistant."},
          {"type": "text", "text": "Always answer in one sentence.",
           "cache_control": {"type": "ephemeral"}}]

TOOLS = [{"name": "get_weather", "description": "Get the current weather in a given city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"},
                                                             "unit": {"type": "string"}},
                           "required": ["city"]}}]

REQUEST = {"model": "claude-opus-4-5", "max_tokens": 2048, "system": SYSTEM, "tools": TOOLS,
           "thinking": {"type": "enabled", "budget_tokens": 1024},
           "messages": [{"role": "user", "content": "What is the weather in Paris?"}]}

_START = {"id": "msg_01Stream7VwVbRg4AXp1bH2x", "type": "message", "role": "assistant",
          "model": "claude-opus-4-5-20251101", "content": [], "stop_reason": None,
          "stop_sequence": None,
          "usage": {"input_tokens": 42, "cache_creation_input_tokens": 1200,
                    "cache_read_input_tokens": 4000, "output_tokens": 1,
                    "service_tier": "standard"}}


def _delta(index, delta):
    return {"type": "content_block_delta", "index": index, "delta": delta}


STREAM = [
    {"type": "message_start", "message": _START},
    {"type": "content_block_start", "index": 0,
     "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
    {"type": "ping"},
    _delta(0, {"type": "thinking_delta", "thinking": "The user wants the weather "}),
    _delta(0, {"type": "thinking_delta", "thinking": "in Paris."}),
    _delta(0, {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"}),
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    _delta(1, {"type": "text_delta", "text": "I'll check "}),
    _delta(1, {"type": "text_delta", "text": "the weather."}),
    {"type": "content_block_stop", "index": 1},
    {"type": "content_block_start", "index": 2,
     "content_block": {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                       "name": "get_weather", "input": {}}},
    _delta(2, {"type": "input_json_delta", "partial_json": ""}),
    _delta(2, {"type": "input_json_delta", "partial_json": '{"city": "Par'}),
    _delta(2, {"type": "input_json_delta", "partial_json": 'is"}'}),
    {"type": "content_block_stop", "index": 2},
    {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
     "usage": {"output_tokens": 89}},
    {"type": "message_stop"},
]

STREAMED_MESSAGE = {
    "id": "msg_01Stream7VwVbRg4AXp1bH2x", "type": "message", "role": "assistant",
    "model": "claude-opus-4-5-20251101",
    "content": [
        {"type": "thinking", "thinking": "The user wants the weather in Paris.",
         "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"},
        {"type": "text", "text": "I'll check the weather."},
        {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather",
         "input": {"city": "Paris"}},
    ],
    "stop_reason": "tool_use", "stop_sequence": None,
    "usage": {"input_tokens": 42, "cache_creation_input_tokens": 1200,
              "cache_read_input_tokens": 4000, "output_tokens": 89, "service_tier": "standard"},
}

RATE_LIMITED = {"type": "error", "error": {
    "type": "rate_limit_error",
    "message": "Number of request tokens has exceeded your per-minute rate limit"},
    "request_id": "req_011CSHoEeqs5C35K2UUqR7Fz"}

OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
