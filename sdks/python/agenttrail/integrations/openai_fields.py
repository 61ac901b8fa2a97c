"""The parts of the OpenAI API both of its APIs share (packages/sdk/src/integrations/
openai-fields.ts): token counts, response headers, errors, request settings. Read from
openai-python's objects (1.x to 3.x: pydantic models whose fields are the API's JSON names) or
the same JSON as dicts; nothing is imported from ``openai``."""

from ._call import error_fields, header_fields, response_headers
from ._fields import count, field, items_of, merge_fields, path, to_json


def given(value):
    """False for None and openai-python's ``NOT_GIVEN`` / ``omit`` placeholders."""
    return value is not None and type(value).__name__ not in ("NotGiven", "Omit")


def openai_tokens(usage):
    """OpenAI's input count INCLUDES the cached tokens (``prompt_tokens_details.cached_tokens``,
    Responses: ``input_tokens_details.cached_tokens``) and its output count the reasoning tokens.
    So ``tokens_input`` is the input count as reported (the server prices ``input - cached`` at the
    input price and ``cached`` at the cache price) and ``tokens_total`` OpenAI's own total."""
    if usage is None or isinstance(usage, (str, int, float, list)):
        return {}
    fields = {
        "tokens_input": count(field(usage, "prompt_tokens", "input_tokens")),
        "tokens_output": count(field(usage, "completion_tokens", "output_tokens")),
        "tokens_cache_read": count(field(
            field(usage, "prompt_tokens_details", "input_tokens_details"), "cached_tokens")),
        "tokens_total": count(field(usage, "total_tokens")),
    }
    reasoning = count(field(field(usage, "completion_tokens_details", "output_tokens_details"),
                            "reasoning_tokens"))
    if reasoning is not None:
        fields["metadata"] = {"reasoning_tokens": reasoning}
    return fields


def openai_header_fields(headers):
    """``x-ratelimit-*`` and ``retry-after`` as ``rate_limit``; the request id and processing
    time in ``metadata``."""
    fields = {}
    rate_limit = header_fields(
        headers, lambda name: name.startswith("x-ratelimit-") or name == "retry-after")
    if rate_limit:
        fields["rate_limit"] = rate_limit
    ids = header_fields(headers, lambda name: name in ("x-request-id", "openai-processing-ms"))
    if ids:
        metadata = {}
        if ids.get("x-request-id"):
            metadata["request_id"] = ids["x-request-id"]
        if ids.get("openai-processing-ms"):
            try:
                metadata["processing_ms"] = float(ids["openai-processing-ms"])
                if metadata["processing_ms"].is_integer():
                    metadata["processing_ms"] = int(metadata["processing_ms"])
            except ValueError:
                pass
        fields["metadata"] = metadata
    return fields


def request_id_fields(answer):
    """openai-python and anthropic-python put the response's request id on the object they
    parse (``_request_id``); their headers are not kept there."""
    request_id = getattr(answer, "_request_id", None)
    return {"metadata": {"request_id": request_id}} if isinstance(request_id, str) else {}


def openai_error_fields(error):
    """The library's APIStatusError: status, the error body's ``type`` and ``code``, the
    rate-limit headers and request id of the error response."""
    fields = openai_header_fields(response_headers(error))
    detail = error_fields(error)
    for name in ("type", "code"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            detail[name] = value
    request_id = getattr(error, "request_id", None)
    if isinstance(request_id, str):
        fields = merge_fields(fields, {"metadata": {"request_id": request_id}})
    fields["error"] = detail
    return fields


def request_settings(params, names):
    """The request settings worth keeping beside the call (``metadata.request``), ``tools``
    reduced to their names."""
    request = {}
    for name in names:
        value = params.get(name)
        if given(value):
            request[name] = to_json(value)
    tools = params.get("tools")
    if given(tools) and items_of(tools):
        request["tools"] = [tool_name(t) for t in items_of(tools)]
    return request or None


def tool_name(tool):
    name = path(tool, "function", "name")
    if isinstance(name, str):
        return name
    return to_json(field(tool, "name", "type") or tool)


def content_text(content):
    """Text of a message's ``content``: a string, or the text parts of a list (``text``,
    ``input_text``, ``output_text``) joined."""
    if isinstance(content, str):
        return content or None
    texts = [field(p, "text") for p in items_of(content)]
    texts = [t for t in texts if isinstance(t, str)]
    return "\n\n".join(texts) if texts else None
