"""The parts of the Gemini API the Gemini integration reads (packages/sdk/src/integrations/
gemini-response.ts), from google-genai's objects (1.x and later, checked against 2.19's source:
snake_case pydantic fields such as ``usage_metadata.prompt_token_count``), the older
google-generativeai's (proto-plus, the same snake_case names), or the API's camelCase JSON as
dicts. What is recorded is spelled as the API's JSON, as the TypeScript SDK records it."""

import json

from ._call import error_fields, header_fields
from ._fields import (camel, camel_json, count, enum_text, field, is_mapping, items_of, sum_counts,
                      to_json)

# Generation settings worth keeping beside the call, by their Python names.
SETTINGS = ("temperature", "top_p", "top_k", "max_output_tokens", "candidate_count",
            "stop_sequences", "seed", "presence_penalty", "frequency_penalty",
            "response_mime_type", "thinking_config", "tool_config", "cached_content")


def g(value, name):
    """A field by its Python name or its JSON (camelCase) name."""
    return field(value, name, camel(name))


def gemini_request_fields(params):
    """``contents`` as sent (``messages``), the last turn as ``input`` (the prompt, when
    ``contents`` is not a conversation), the system instruction's text, the requested model and
    the settings under ``metadata.request``. ``params``: ``generate_content``'s keyword
    arguments."""
    if not isinstance(params, dict):
        return {}
    fields = {}
    if isinstance(params.get("model"), str):
        model = params["model"]
        fields["model"] = model[len("models/"):] if model.startswith("models/") else model
    contents = params.get("contents")
    if contents is not None:
        fields["messages"] = to_json(contents, camel_keys=True)
        turns = items_of(contents)
        conversation = any(g(c, "role") is not None or g(c, "parts") is not None
                           for c in turns if not isinstance(c, str))
        fields["input"] = to_json(turns[-1] if conversation else contents, camel_keys=True)
    config = params.get("config")
    system = parts_text(g(config, "system_instruction"))
    if system:
        fields["system_prompt"] = system
    request = {}
    for name in SETTINGS:
        if g(config, name) is not None:
            request[camel(name)] = camel_json(to_json(g(config, name), camel_keys=True))
    tools = items_of(g(config, "tools"))
    if tools:
        request["tools"] = [name for tool in tools for name in _tool_names(tool)]
    if request:
        fields["metadata"] = {"request": request}
    return fields


def _tool_names(tool):
    """Function declarations' names, a Python function's name (automatic function calling), or
    the kind of built-in tool (``googleSearch``...)."""
    declarations = items_of(g(tool, "function_declarations"))
    if declarations:
        return [to_json(field(f, "name")) for f in declarations]
    if callable(tool) and getattr(tool, "__name__", None):
        return [tool.__name__]
    data = to_json(tool, camel_keys=True)
    return [k for k, v in data.items() if v is not None] if isinstance(data, dict) else [data]


def parts_text(value):
    """The text of a system instruction: a string, a Content, a Part, or a list of them."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [value]
    elif items_of(value):
        parts = items_of(value)
    elif g(value, "parts") is not None:
        parts = items_of(g(value, "parts"))
    else:
        parts = [value]
    texts = [p if isinstance(p, str) else field(p, "text") for p in parts]
    texts = [t for t in texts if isinstance(t, str) and t]
    return "\n\n".join(texts) if texts else None


def legacy_result(value):
    """google-generativeai wraps the API's response (a proto, ``_result``, which has every field)
    in an object that offers only some of them (``candidates``, ``text``...)."""
    if isinstance(getattr(value, "_done", None), bool) and hasattr(value, "_result"):
        return value._result
    return value


def gemini_response_fields(response):
    """The response as ``output`` (its fields as the API sends them, ``text`` first), the model
    version, finish reason (or the prompt's block reason), thinking (the ``thought`` parts),
    function calls as ``{id, name, input}`` and the token counts."""
    response = legacy_result(response)
    candidates = items_of(g(response, "candidates"))
    candidate = candidates[0] if candidates else None
    parts = items_of(g(g(candidate, "content"), "parts"))
    texts = [field(p, "text") for p in parts
             if isinstance(field(p, "text"), str) and not field(p, "thought")]
    thoughts = [field(p, "text") for p in parts
                if isinstance(field(p, "text"), str) and field(p, "thought")]
    calls = [g(p, "function_call") for p in parts if g(p, "function_call") is not None]
    usage = g(response, "usage_metadata")
    output = {"text": "".join(texts) if texts else None}
    for name in ("candidates", "prompt_feedback", "usage_metadata", "model_version",
                 "response_id", "create_time"):
        output[camel(name)] = to_json(g(response, name), camel_keys=True)
    fields = dict(gemini_tokens(usage),
                  output={k: v for k, v in output.items() if v is not None})
    rate_limit = header_fields(field(g(response, "sdk_http_response"), "headers"),
                               lambda n: n.startswith("x-ratelimit-") or n == "retry-after")
    if rate_limit:
        fields["rate_limit"] = rate_limit
    if isinstance(g(response, "model_version"), str):
        fields["model"] = g(response, "model_version")
    stop = enum_text(g(candidate, "finish_reason")) or enum_text(
        g(g(response, "prompt_feedback"), "block_reason"))
    if stop:
        fields["stop_reason"] = stop
    if thoughts:
        fields["thinking"] = "".join(thoughts)
    if calls:
        fields["tool_calls"] = [_call(c) for c in calls]
    return fields


def _call(call):
    out = {"name": field(call, "name"), "input": to_json(field(call, "args"))}
    if field(call, "id") is not None:
        out = dict(id=field(call, "id"), **out)
    return out


def gemini_tokens(usage):
    """Gemini's ``promptTokenCount`` INCLUDES ``cachedContentTokenCount``: ``tokens_input`` is
    the prompt count and ``tokens_cache_read`` the cached part of it. Thinking is billed as output
    and left out of ``candidatesTokenCount``, so ``tokens_output`` is their sum (thoughts alone
    in ``metadata.tokens_thoughts``); ``toolUsePromptTokenCount`` is kept as
    ``metadata.tokens_tool_use_prompt``."""
    if usage is None or isinstance(usage, (str, int, float, list)):
        return {}
    thoughts = count(g(usage, "thoughts_token_count"))
    tool_use = count(g(usage, "tool_use_prompt_token_count"))
    fields = {"tokens_input": count(g(usage, "prompt_token_count")),
              "tokens_output": sum_counts(count(g(usage, "candidates_token_count")), thoughts),
              "tokens_cache_read": count(g(usage, "cached_content_token_count")),
              "tokens_total": count(g(usage, "total_token_count"))}
    if thoughts is not None or tool_use is not None:
        fields["metadata"] = {"tokens_thoughts": thoughts, "tokens_tool_use_prompt": tool_use}
    return fields


def gemini_error_fields(error):
    """google-genai's APIError: ``code`` (the HTTP status), ``status`` (``RESOURCE_EXHAUSTED``...)
    as the error's ``type``, and on a 429 the body's RetryInfo and QuotaFailure details as
    ``rate_limit``. The body is its ``details``, else the JSON in its message."""
    body = getattr(error, "details", None)
    if not is_mapping(body):
        message = str(error)
        start = message.find("{")
        try:
            body = json.loads(message[start:]) if start >= 0 else None
        except ValueError:
            body = None
    detail = field(body, "error") if is_mapping(body) else None
    status = getattr(error, "status", None)
    if not isinstance(status, str):
        status = field(detail, "status")
    fields = {}
    if isinstance(status, str):
        fields["error"] = dict(error_fields(error), type=status)
    rate_limit = {}
    for d in items_of(field(detail, "details")):
        kind = field(d, "@type")
        if isinstance(kind, str) and kind.endswith("google.rpc.RetryInfo"):
            rate_limit["retry_delay"] = field(d, "retryDelay")
        if isinstance(kind, str) and kind.endswith("google.rpc.QuotaFailure"):
            rate_limit["quota_violations"] = to_json(field(d, "violations"))
    if rate_limit:
        fields["rate_limit"] = rate_limit
    return fields
