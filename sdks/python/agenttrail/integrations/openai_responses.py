"""The Responses API (packages/sdk/src/integrations/openai-responses.ts): what a
``responses.create`` request and its Response say, and the Response a stream of ``response.*``
events ends with."""

from ._fields import field, items_of, merge_fields, to_json
from .openai_fields import content_text, given, openai_tokens, request_settings

# https://platform.openai.com/docs/api-reference/responses/create
SETTINGS = ("max_output_tokens", "temperature", "top_p", "reasoning", "tool_choice",
            "parallel_tool_calls", "text", "previous_response_id", "conversation", "store",
            "truncation", "service_tier", "stream")

# Stream events that end a response and carry it whole, usage included.
FINAL_EVENTS = ("response.completed", "response.incomplete", "response.failed")


def responses_request_fields(params):
    """``input`` as sent (a string, or the input items, which are also the call's ``messages``),
    ``instructions`` as the system prompt, the requested model, the settings under
    ``metadata.request``."""
    if not isinstance(params, dict):
        return {}
    fields = {}
    if isinstance(params.get("model"), str):
        fields["model"] = params["model"]
    if given(params.get("input")):
        fields["input"] = to_json(params["input"])
        if isinstance(params["input"], (list, tuple)):
            fields["messages"] = to_json(params["input"])
    if isinstance(params.get("instructions"), str) and params["instructions"]:
        fields["system_prompt"] = params["instructions"]
    request = request_settings(params, SETTINGS)
    if request:
        fields["metadata"] = {"request": request}
    return fields


def responses_response_fields(response):
    """The response as ``output``, its model, why it stopped (``completed``, or why it is
    ``incomplete``), its function calls in the Chat Completions shape (``{id: call_id, type:
    "function", function}``, so the id is the one tool results answer), the reasoning summaries
    as ``thinking``, the token counts and the response id."""
    fields = {"output": to_json(response)}
    if isinstance(field(response, "model"), str):
        fields["model"] = field(response, "model")
    reason = field(field(response, "incomplete_details"), "reason") or field(response, "status")
    if isinstance(reason, str):
        fields["stop_reason"] = reason
    items = items_of(field(response, "output"))
    calls = [{"id": field(item, "call_id"), "type": "function",
              "function": {"name": field(item, "name"), "arguments": field(item, "arguments")}}
             for item in items if field(item, "type") == "function_call"]
    if calls:
        fields["tool_calls"] = calls
    summaries = [content_text(to_json(field(item, "summary"))) for item in items
                 if field(item, "type") == "reasoning"]
    summaries = [s for s in summaries if s is not None]
    if summaries:
        fields["thinking"] = "\n\n".join(summaries)
    metadata = {}
    if isinstance(field(response, "id"), str):
        metadata["response_id"] = field(response, "id")
    if isinstance(field(response, "service_tier"), str):
        metadata["service_tier"] = field(response, "service_tier")
    return merge_fields(fields, openai_tokens(field(response, "usage")),
                        {"metadata": metadata} if metadata else None)


class ResponsesStreamResult(object):
    """The last ``response.*`` snapshot of a Responses stream; the final event delivers it whole."""

    def __init__(self):
        self.response = None
        self.ended = False

    def add(self, event):
        kind = field(event, "type")
        if not isinstance(kind, str):
            return
        if field(event, "response") is not None:
            self.response = field(event, "response")
        if kind in FINAL_EVENTS:
            self.ended = True

    @property
    def failed(self):
        return field(self.response, "status") == "failed"


class ResponseFailed(Exception):
    """Recorded (never raised) when a Responses stream ends with ``response.failed``."""

    def __init__(self, error):
        message = field(error, "message")
        super(ResponseFailed, self).__init__(message if isinstance(message, str)
                                             else "The response failed")
        code = field(error, "code")
        if isinstance(code, str):
            self.code = code
