"""The parts of the Messages API the Anthropic integration reads (packages/sdk/src/integrations/
anthropic-message.ts), from anthropic-python's objects (0.40 and later, checked against 0.121's
source: ``Message``, its content blocks and ``usage``) or the same JSON as dicts."""

from ._call import error_fields, header_fields, response_headers
from ._fields import count, field, items_of, merge_fields, sum_counts, to_json
from .openai_fields import given

# Request settings worth keeping beside the call; ``tools`` is reduced to the tools' names.
SETTINGS = ("max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "tool_choice",
            "thinking", "service_tier", "stream")


def anthropic_request_fields(params):
    """``messages`` as sent, the last message's content as ``input`` (the user's prompt or the
    tool results), the system prompt's text, the requested model and the settings under
    ``metadata.request``. ``params``: the keyword arguments of ``messages.create``."""
    if not isinstance(params, dict):
        return {}
    fields = {}
    if isinstance(params.get("model"), str):
        fields["model"] = params["model"]
    messages = items_of(params.get("messages"))
    if messages:
        fields["messages"] = to_json(messages)
        if field(messages[-1], "content") is not None:
            fields["input"] = to_json(field(messages[-1], "content"))
    system = system_text(params.get("system"))
    if system:
        fields["system_prompt"] = system
    request = {}
    for name in SETTINGS:
        if given(params.get(name)):
            request[name] = to_json(params[name])
    tools = params.get("tools")
    if given(tools) and items_of(tools):
        request["tools"] = [to_json(field(t, "name", "type") or t) for t in items_of(tools)]
    if request:
        fields["metadata"] = {"request": request}
    return fields


def system_text(system):
    """``system`` is a string or a list of text blocks (each may carry ``cache_control``)."""
    if isinstance(system, str):
        return system or None
    texts = [field(b, "text") for b in items_of(system)]
    texts = [t for t in texts if isinstance(t, str)]
    return "\n\n".join(texts) if texts else None


def anthropic_response_fields(message):
    """The Message as ``output``, its model, stop reason, thinking text, tool calls (``tool_use``
    blocks, server and MCP tool use too) and token counts."""
    fields = merge_fields({"output": to_json(message)}, anthropic_tokens(field(message, "usage")))
    if isinstance(field(message, "model"), str):
        fields["model"] = field(message, "model")
    if isinstance(field(message, "stop_reason"), str):
        fields["stop_reason"] = field(message, "stop_reason")
    content = items_of(field(message, "content"))
    thinking = [field(b, "thinking") for b in content if field(b, "type") == "thinking"]
    thinking = [t for t in thinking if isinstance(t, str)]
    if thinking:
        fields["thinking"] = "\n\n".join(thinking)
    calls = [b for b in content if str(field(b, "type") or "").endswith("tool_use")]
    if calls:
        fields["tool_calls"] = to_json(calls)
    return fields


def anthropic_tokens(usage):
    """Anthropic's ``input_tokens`` EXCLUDES the cache: reads and writes are counted beside it.
    So ``tokens_input`` is ``input_tokens`` as reported, and ``tokens_total`` everything the call
    processed: input, cache read, cache write and output."""
    if usage is None or isinstance(usage, (str, int, float, list)):
        return {}
    input_, output = count(field(usage, "input_tokens")), count(field(usage, "output_tokens"))
    read = count(field(usage, "cache_read_input_tokens"))
    write = count(field(usage, "cache_creation_input_tokens"))
    return {"tokens_input": input_, "tokens_output": output, "tokens_cache_read": read,
            "tokens_cache_write": write, "tokens_total": sum_counts(input_, read, write, output)}


def anthropic_header_fields(headers):
    """The ``anthropic-ratelimit-*`` headers (and ``retry-after``) and the request id."""
    fields = {}
    rate_limit = header_fields(
        headers, lambda name: name.startswith("anthropic-ratelimit-") or name == "retry-after")
    if rate_limit:
        fields["rate_limit"] = rate_limit
    request_id = (header_fields(headers, lambda name: name == "request-id") or {}).get(
        "request-id")
    if request_id:
        fields["metadata"] = {"request_id": request_id}
    return fields


def anthropic_error_fields(error):
    """The library's APIStatusError: status, the error body's ``type``, the rate-limit headers
    and request id of the error response."""
    fields = anthropic_header_fields(response_headers(error))
    kind = getattr(error, "type", None)
    if not isinstance(kind, str):
        kind = field(field(getattr(error, "body", None), "error"), "type")
    if isinstance(kind, str):
        fields["error"] = dict(error_fields(error), type=kind)
    request_id = getattr(error, "request_id", None)
    if isinstance(request_id, str):
        fields = merge_fields(fields, {"metadata": {"request_id": request_id}})
    return fields
