"""langchain_core's objects as the callbacks receive them (0.2 to 1.x: ``BaseMessage`` and its
kinds with ``type``, ``content``, ``tool_calls``, ``usage_metadata``, ``response_metadata``;
``LLMResult`` with ``generations`` and ``llm_output``), and a driver that calls a handler the
way LangChain's callback manager does: positional ``serialized`` and payload, then keyword
arguments (``run_id``, ``parent_run_id``, ``tags``, ``metadata``, ``invocation_params``,
``name``, ``run_type``, ``inputs``, ``tool_call_id``...)."""

import uuid


class BaseMessage(object):
    type = None

    def __init__(self, content, **fields):
        self.content, self.additional_kwargs, self.response_metadata = content, {}, {}
        self.name, self.id = None, None
        for key, value in fields.items():
            setattr(self, key, value)


class HumanMessage(BaseMessage):
    type = "human"


class SystemMessage(BaseMessage):
    type = "system"


class AIMessage(BaseMessage):
    type = "ai"

    def __init__(self, content, **fields):
        self.tool_calls, self.invalid_tool_calls, self.usage_metadata = [], [], None
        super(AIMessage, self).__init__(content, **fields)


class ToolMessage(BaseMessage):
    type = "tool"

    def __init__(self, content, tool_call_id, status="success", **fields):
        super(ToolMessage, self).__init__(content, tool_call_id=tool_call_id, status=status,
                                          artifact=None, **fields)


class Generation(object):
    def __init__(self, text, generation_info=None):
        self.text, self.generation_info, self.type = text, generation_info, "Generation"


class ChatGeneration(Generation):
    def __init__(self, message, generation_info=None):
        text = message.content if isinstance(message.content, str) else ""
        super(ChatGeneration, self).__init__(text, generation_info)
        self.message, self.type = message, "ChatGeneration"


class LLMResult(object):
    def __init__(self, generations, llm_output=None):
        self.generations, self.llm_output, self.run, self.type = (
            generations, llm_output, None, "LLMResult")


def anthropic_answer(content, tool_calls=None, stop_reason="end_turn"):
    """An answer as langchain-anthropic returns it: ``input_tokens`` includes the cache."""
    return AIMessage(content, tool_calls=tool_calls or [], response_metadata={
        "model_name": "claude-sonnet-4-5-20250929", "model_provider": "anthropic",
        "stop_reason": stop_reason},
        usage_metadata={"input_tokens": 1500, "output_tokens": 120, "total_tokens": 1620,
                        "input_token_details": {"cache_read": 1000, "cache_creation": 200}})


CHAT_ANTHROPIC = {"lc": 1, "type": "constructor",
                  "id": ["langchain", "chat_models", "anthropic", "ChatAnthropic"],
                  "kwargs": {"model": "claude-sonnet-4-5", "max_tokens": 1024}}


class Driver(object):
    """Calls the handler's callbacks in LangChain's order, with fresh UUID run ids."""

    def __init__(self, handler, tags=None, metadata=None):
        self.handler, self.tags, self.metadata = handler, tags or [], metadata or {}

    def chain(self, name, inputs, parent=None, tags=None):
        run_id = uuid.uuid4()
        self.handler.on_chain_start(
            {"lc": 1, "type": "not_implemented",
             "id": ["langchain_core", "runnables", "base", "RunnableLambda"]},
            inputs, run_id=run_id, parent_run_id=parent, tags=self.tags + (tags or []),
            metadata=dict(self.metadata), run_type=None, name=name)
        return run_id

    def end_chain(self, run_id, outputs, parent=None, error=None):
        if error is not None:
            self.handler.on_chain_error(error, run_id=run_id, parent_run_id=parent, tags=[])
        else:
            self.handler.on_chain_end(outputs, run_id=run_id, parent_run_id=parent, tags=[])

    def chat(self, messages, answer, parent=None, serialized=CHAT_ANTHROPIC, ls=None):
        run_id = uuid.uuid4()
        metadata = dict(self.metadata, **(ls or {"ls_provider": "anthropic",
                                                 "ls_model_name": "claude-sonnet-4-5",
                                                 "ls_model_type": "chat"}))
        self.handler.on_chat_model_start(
            serialized, [messages], run_id=run_id, parent_run_id=parent, tags=self.tags,
            metadata=metadata, invocation_params={"model": "claude-sonnet-4-5",
                                                  "_type": "anthropic-chat"},
            options={"stop": None}, name="ChatAnthropic", batch_size=1)
        if isinstance(answer, BaseException):
            self.handler.on_llm_error(answer, run_id=run_id, parent_run_id=parent, tags=[])
            return run_id
        finish = answer.response_metadata.get("stop_reason")
        result = LLMResult([[ChatGeneration(answer, {"finish_reason": finish})]],
                           llm_output={"model_name": "claude-sonnet-4-5-20250929"})
        self.handler.on_llm_end(result, run_id=run_id, parent_run_id=parent, tags=[])
        return run_id

    def tool(self, name, args, output, parent=None, tool_call_id=None):
        run_id = uuid.uuid4()
        self.handler.on_tool_start(
            {"name": name, "description": "A tool"}, str(args), run_id=run_id,
            parent_run_id=parent, tags=self.tags, metadata=dict(self.metadata), inputs=args,
            color="green", name=name, tool_call_id=tool_call_id)
        if isinstance(output, BaseException):
            self.handler.on_tool_error(output, run_id=run_id, parent_run_id=parent, tags=[])
        else:
            self.handler.on_tool_end(output, run_id=run_id, parent_run_id=parent, color="green",
                                     name=name, tags=[])
        return run_id
