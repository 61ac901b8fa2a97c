"""Answers shaped as the Gemini API returns them: the TypeScript SDK's fixtures
(test/sdk/integrations/gemini-fixtures.ts), from ai.google.dev/api/generate-content,
/gemini-api/docs/thinking, /docs/rate-limits and /docs/troubleshooting. Requests are written as
google-genai's Python callers write them (snake_case config keys)."""

MODEL = "gemini-2.5-flash"

CONTENTS = [
    {"role": "user", "parts": [{"text": "Hi, I am planning a trip."}]},
    {"role": "model", "parts": [{"text": "Great! Where to?"}]},
    {"role": "user", "parts": [{"text": "What is the weather in Paris?"}]},
]

TOOLS = [{"function_declarations": [{
    "name": "get_weather", "description": "Get the current weather in a given city",
    "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}},
                   "required": ["city"]}}]}]

REQUEST = {"model": MODEL, "contents": CONTENTS, "config": {
    "system_instruction": "You are a travel assistant. Answer briefly.", "tools": TOOLS,
    "temperature": 0.2, "thinking_config": {"include_thoughts": True, "thinking_budget": 1024}}}

RESPONSE = {
    "candidates": [{
        "content": {"parts": [
            {"text": "**Checking the forecast**\n\nThe user wants the weather in Paris; "
                     "I should call get_weather.", "thought": True},
            {"text": "Let me look up the weather in Paris."},
            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
             "thoughtSignature": "CiQBcsjafEp1hZ0s0Iy2ZT4gEhhtIdU="},
        ], "role": "model"},
        "finishReason": "STOP", "index": 0}],
    "usageMetadata": {"promptTokenCount": 5210, "candidatesTokenCount": 38,
                      "totalTokenCount": 5401, "cachedContentTokenCount": 4096,
                      "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 5210}],
                      "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 4096}],
                      "thoughtsTokenCount": 153},
    "modelVersion": "gemini-2.5-flash",
    "responseId": "mAitaLmkHPPlz7IPvtfUqQ4",
}


def _usage(candidates):
    usage = {"promptTokenCount": 5210, "totalTokenCount": 5210 + 153 + (candidates or 0),
             "cachedContentTokenCount": 4096,
             "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 5210}],
             "thoughtsTokenCount": 153}
    if candidates is not None:
        usage["candidatesTokenCount"] = candidates
    return usage


def _chunk(parts, usage, finish=None):
    candidate = {"content": {"parts": parts, "role": "model"}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "usageMetadata": usage,
            "modelVersion": "gemini-2.5-flash", "responseId": "nBjtaPr3Gr7Vz7IP0MrQ4Qg"}


STREAM = [
    _chunk([{"text": "**Checking the forecast**\n\nParis, today.", "thought": True}],
           _usage(None)),
    _chunk([{"text": "The weather in Paris "}], _usage(5)),
    _chunk([{"text": "is sunny, 24°C."}], _usage(12), "STOP"),
]

QUOTA_EXCEEDED = {"error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
            "quotaValue": "10"}]},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [{
            "description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"},
    ]}}

OVERLOADED = {"error": {"code": 503, "message": "The model is overloaded. Please try again later.",
                        "status": "UNAVAILABLE"}}


class APIError(Exception):
    """google.genai.errors.APIError: ``code`` (the HTTP status), ``details`` (the error body),
    ``message`` and ``status`` read from it; ``str()`` is ``'<code> <status>. <details>'``."""

    def __init__(self, code, response_json, response=None):
        self.response, self.details = response, response_json
        error = response_json.get("error", {})
        self.message = response_json.get("message", error.get("message"))
        self.status = response_json.get("status", error.get("status"))
        self.code = code or error.get("code")
        super(APIError, self).__init__("%s %s. %s" % (self.code, self.status, self.details))


class ClientError(APIError):
    pass


class ServerError(APIError):
    pass
