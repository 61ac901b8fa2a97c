"""Chat Completions (packages/sdk/src/integrations/openai-chat.ts, openai-chat-stream.ts): what a
``chat.completions.create`` request and its ChatCompletion say, and the completion a stream of
``chat.completion.chunk`` objects delivers in pieces."""

from ._fields import field, items_of, merge_fields, to_json
from .openai_fields import content_text, openai_tokens, request_settings

# https://platform.openai.com/docs/api-reference/chat/create
SETTINGS = ("max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "stop", "seed",
            "tool_choice", "parallel_tool_calls", "reasoning_effort", "response_format",
            "service_tier", "stream", "stream_options")


def chat_request_fields(params):
    """``messages`` as sent, the last message's content as ``input`` (the turn's new input), the
    system and developer messages' text as the system prompt, the requested model, and the
    settings under ``metadata.request``. ``params``: the keyword arguments of ``create``."""
    if not isinstance(params, dict):
        return {}
    fields = {}
    if isinstance(params.get("model"), str):
        fields["model"] = params["model"]
    messages = items_of(params.get("messages"))
    if messages:
        fields["messages"] = to_json(messages)
        last = messages[-1]
        if field(last, "content") is not None:
            fields["input"] = to_json(field(last, "content"))
        system = [content_text(field(m, "content")) for m in messages
                  if field(m, "role") in ("system", "developer")]
        system = [s for s in system if s is not None]
        if system:
            fields["system_prompt"] = "\n\n".join(system)
    request = request_settings(params, SETTINGS)
    if request:
        fields["metadata"] = {"request": request}
    return fields


def chat_response_fields(completion):
    """The completion as ``output``, its model (the snapshot that answered), the first choice's
    finish reason and tool calls, the token counts, and the response id."""
    fields = {"output": to_json(completion)}
    if isinstance(field(completion, "model"), str):
        fields["model"] = field(completion, "model")
    choices = items_of(field(completion, "choices"))
    choice = choices[0] if choices else None
    if isinstance(field(choice, "finish_reason"), str):
        fields["stop_reason"] = field(choice, "finish_reason")
    tool_calls = items_of(field(field(choice, "message"), "tool_calls"))
    if tool_calls:
        fields["tool_calls"] = to_json(tool_calls)
    metadata = {}
    for source, name in (("id", "response_id"), ("system_fingerprint", "system_fingerprint"),
                         ("service_tier", "service_tier")):
        if isinstance(field(completion, source), str):
            metadata[name] = field(completion, source)
    return merge_fields(fields, openai_tokens(field(completion, "usage")),
                        {"metadata": metadata} if metadata else None)


class ChatStreamCompletion(object):
    """Rebuilds the ChatCompletion a stream delivers: content and tool-call arguments are
    concatenated per choice and per tool call ``index``, as the API splits them. Usage arrives
    only in the last chunk, and only with ``stream_options={"include_usage": True}``."""

    def __init__(self):
        self.choices = {}
        self.head = None
        self.usage = None

    def add(self, chunk):
        if chunk is None:
            return
        if self.head is None and field(chunk, "id") is not None:
            self.head = chunk
        if field(chunk, "usage") is not None:
            self.usage = field(chunk, "usage")
        for c in items_of(field(chunk, "choices")):
            index = field(c, "index") or 0
            state = self.choices.setdefault(index, {"role": "assistant", "content": "",
                                                    "refusal": "", "tool_calls": {},
                                                    "finish_reason": None})
            delta = field(c, "delta")
            if field(delta, "role"):
                state["role"] = field(delta, "role")
            for name in ("content", "refusal"):
                if isinstance(field(delta, name), str):
                    state[name] += field(delta, name)
            for part in items_of(field(delta, "tool_calls")):
                call = state["tool_calls"].setdefault(
                    field(part, "index") or 0,
                    {"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
                if field(part, "id"):
                    call["id"] = field(part, "id")
                if field(part, "type"):
                    call["type"] = field(part, "type")
                fn = field(part, "function")
                for name in ("name", "arguments"):
                    if isinstance(field(fn, name), str):
                        call["function"][name] += field(fn, name)
            if field(c, "finish_reason"):
                state["finish_reason"] = field(c, "finish_reason")

    @property
    def finished(self):
        """Every choice got its finish reason: the stream was not cut short."""
        return bool(self.choices) and all(c["finish_reason"] is not None
                                          for c in self.choices.values())

    def result(self):
        """The completion so far, shaped as the non-streaming API returns it (JSON data)."""
        if self.head is None and not self.choices:
            return None
        choices = []
        for index in sorted(self.choices):
            c = self.choices[index]
            message = {"role": c["role"], "content": c["content"] or None,
                       "refusal": c["refusal"] or None}
            if c["tool_calls"]:
                message["tool_calls"] = [c["tool_calls"][i] for i in sorted(c["tool_calls"])]
            choices.append({"index": index, "message": message,
                            "finish_reason": c["finish_reason"]})
        head = self.head
        completion = {"id": field(head, "id"), "object": "chat.completion",
                      "model": field(head, "model"), "choices": choices,
                      "system_fingerprint": field(head, "system_fingerprint"),
                      "service_tier": field(head, "service_tier")}
        completion = {k: v for k, v in completion.items() if v is not None}
        completion["usage"] = to_json(self.usage)
        return completion
