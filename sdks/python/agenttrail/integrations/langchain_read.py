"""Reading what LangChain hands its callbacks, duck-typed (packages/sdk/src/integrations/
langchain/):
messages (``BaseMessage``: ``type``, ``content``, ``tool_calls``), the model a run used, an
``LLMResult`` (``generations``, ``llm_output``) and a tool's run. Nothing from langchain_core is
imported; dicts of the same shape are read too."""

import json
import re

from ._fields import count, field, is_mapping, items_of, text, to_json

ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool",
         "function": "function", "AIMessageChunk": "assistant", "HumanMessageChunk": "user"}
KNOWN_PROVIDERS = ("openai", "anthropic", "google")
# Class names that say nothing about which tool ran.
GENERIC_CLASSES = ("DynamicTool", "DynamicStructuredTool", "StructuredTool", "Tool",
                   "RunnableLambda", "RunnableSequence")


def role_of(message):
    kind = field(message, "type")
    if kind in (None, "generic", "chat"):
        return field(message, "role") if isinstance(field(message, "role"), str) else "user"
    return ROLES.get(kind, kind)


def to_trail_message(message):
    if isinstance(message, str) or field(message, "content") is None:
        return {"role": "user", "content": to_json(message)}
    out = {"role": role_of(message), "content": to_json(field(message, "content"))}
    if text(field(message, "name")):
        out["name"] = field(message, "name")
    if items_of(field(message, "tool_calls")):
        out["tool_calls"] = to_json(field(message, "tool_calls"))
    if isinstance(field(message, "tool_call_id"), str):
        out["tool_call_id"] = field(message, "tool_call_id")
    return out


def content_text(content):
    """A string, or the ``text`` blocks of a content list joined."""
    if isinstance(content, str):
        return content
    texts = [field(b, "text") for b in items_of(content) if field(b, "type") == "text"]
    texts = [t for t in texts if isinstance(t, str)]
    return "\n".join(texts) if texts else None


def thinking_of(content):
    """The thinking blocks of a content list (Anthropic ``thinking``, LangChain v1
    ``reasoning``)."""
    parts = []
    for block in items_of(content):
        kind = field(block, "type")
        if kind == "thinking" and isinstance(field(block, "thinking"), str):
            parts.append(field(block, "thinking"))
        elif kind == "reasoning" and isinstance(field(block, "reasoning"), str):
            parts.append(field(block, "reasoning"))
    return "\n".join(parts) if parts else None


def split_prompt(messages):
    """The system messages' text as the system prompt, the other messages in order."""
    system, rest = [], []
    for message in items_of(messages):
        mapped = to_trail_message(message)
        prompt = content_text(mapped["content"]) if mapped["role"] == "system" else None
        if prompt is not None:
            system.append(prompt)
        else:
            rest.append(mapped)
    return ("\n\n".join(system) if system else None), rest


def normalize_provider(name):
    if not isinstance(name, str) or not name:
        return None
    lower = name.lower()
    if lower in ("openai", "anthropic"):
        return lower
    if lower.startswith("google") or lower in ("vertexai", "genai"):
        return "google"
    return name


def provider_from_model(model):
    if not isinstance(model, str):
        return None
    lower = model.lower()
    if "claude" in lower:
        return "anthropic"
    if "gemini" in lower:
        return "google"
    if re.match(r"^(gpt|chatgpt|o\d|text-davinci|davinci|babbage)", lower):
        return "openai"
    return None


def _provider_from_class(serialized):
    ids = items_of(field(serialized, "id"))
    name = str(ids[-1]) if ids else ""
    for pattern, provider in (("Anthropic", "anthropic"), ("OpenAI", "openai"),
                              ("Google|Gemini|VertexAI", "google")):
        if re.search(pattern, name):
            return provider
    return None


def model_at_start(serialized, invocation_params, metadata):
    """Provider and model known when a model run starts: LangSmith's ``ls_provider`` and
    ``ls_model_name`` run metadata (set by every provider package), the invocation parameters,
    the serialized model's kwargs, and its class name."""
    kwargs = field(serialized, "kwargs")
    model = (text(field(metadata, "ls_model_name")) or text(field(invocation_params, "model"))
             or text(field(invocation_params, "model_name")) or text(field(kwargs, "model"))
             or text(field(kwargs, "model_name")))
    provider = (normalize_provider(field(metadata, "ls_provider"))
                or _provider_from_class(serialized))
    return provider, model


def read_llm_result(result):
    """What an ``LLMResult`` says: provider, model, token counts, stop reason, output, tool
    calls and thinking. One callback run per prompt, so ``generations[0]`` holds its candidates."""
    llm_output = field(result, "llm_output", "llmOutput") or {}
    candidates = [c for g in items_of(field(result, "generations")) for c in items_of(g)]
    first = candidates[0] if candidates else None
    message = field(first, "message")
    meta = field(message, "response_metadata") or {}
    info = field(first, "generation_info", "generationInfo") or {}
    outcome = {
        "provider": normalize_provider(field(meta, "model_provider")),
        "model": (text(field(meta, "model_name")) or text(field(meta, "model"))
                  or text(field(llm_output, "model_name")) or text(field(llm_output, "model"))),
        "tokens": _tokens(candidates, llm_output),
        "stop_reason": (text(field(info, "finish_reason")) or text(field(meta, "finish_reason"))
                        or text(field(meta, "stop_reason"))
                        or text(field(llm_output, "stop_reason"))),
    }
    outputs = [to_json(field(field(c, "message"), "content")) if field(c, "message") is not None
               else field(c, "text") for c in candidates]
    outcome["output"] = outputs if len(outputs) > 1 else (outputs[0] if outputs else None)
    if items_of(field(message, "tool_calls")):
        outcome["tool_calls"] = to_json(field(message, "tool_calls"))
    outcome["thinking"] = thinking_of(field(message, "content"))
    return outcome


def _tokens(candidates, llm_output):
    """``usage_metadata`` on the message (LangChain 0.2 and later), whose ``input_tokens`` counts
    every input token, cache reads and writes included; else ``llm_output["token_usage"]``."""
    for c in candidates:
        usage = field(field(c, "message"), "usage_metadata")
        if usage is not None:
            details = field(usage, "input_token_details")
            return {"tokens_input": count(field(usage, "input_tokens")),
                    "tokens_output": count(field(usage, "output_tokens")),
                    "tokens_cache_read": count(field(details, "cache_read")),
                    "tokens_cache_write": count(field(details, "cache_creation")),
                    "tokens_total": count(field(usage, "total_tokens"))}
    legacy = field(llm_output, "token_usage", "tokenUsage", "usage")
    return {"tokens_input": count(field(legacy, "prompt_tokens", "promptTokens", "input_tokens")),
            "tokens_output": count(field(legacy, "completion_tokens", "completionTokens",
                                         "output_tokens")),
            "tokens_total": count(field(legacy, "total_tokens", "totalTokens"))}


def provider_tokens(tokens, provider, model):
    """The input count in the provider's own terms, which ``tokens_input`` means: Anthropic
    reports input WITHOUT its cache reads and writes, so those come off LangChain's count again."""
    anthropic = provider == "anthropic" or provider_from_model(model) == "anthropic"
    if not anthropic or tokens.get("tokens_input") is None:
        return tokens
    cached = (tokens.get("tokens_cache_read") or 0) + (tokens.get("tokens_cache_write") or 0)
    return dict(tokens, tokens_input=max(0, tokens["tokens_input"] - cached))


def run_name_of(serialized, run_name):
    """``name`` (the run name: a tool's name), else the serialized ``name`` or ``kwargs.name``,
    else a class name that says something."""
    ids = items_of(field(serialized, "id"))
    class_name = text(ids[-1]) if ids else None
    return (text(run_name) or text(field(serialized, "name"))
            or text(field(field(serialized, "kwargs"), "name"))
            or (class_name if class_name not in GENERIC_CLASSES else None))


def tool_input(input_str, inputs):
    """The arguments as a dict when LangChain gives them (``inputs``), else the input text,
    parsed when it is JSON."""
    if is_mapping(inputs):
        return to_json(inputs)
    if isinstance(input_str, str) and input_str.strip()[:1] in ("{", "["):
        try:
            return json.loads(input_str)
        except ValueError:
            pass
    return to_json(input_str)


def tool_output(output):
    """A ``ToolMessage``'s content (``status: "error"`` is how it says it failed), else the
    value."""
    if field(output, "tool_call_id") is not None and field(output, "content") is not None:
        return to_json(field(output, "content")), field(output, "status") == "error"
    return to_json(output), False
