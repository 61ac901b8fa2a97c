"""The callbacks of ``AgentTrailCallbackHandler`` (packages/sdk/src/integrations/langchain.ts),
as a mixin: ``langchain.py`` puts it in front of LangChain's base handler, or of a plain one."""

from ._fields import compact, items_of, to_json
from .langchain_read import (KNOWN_PROVIDERS, model_at_start, provider_from_model,
                             provider_tokens, read_llm_result, run_name_of, split_prompt,
                             tool_input, tool_output)
from .langchain_runs import RunRegistry, run_key

KINDS = {"llm": "llm_call", "tool": "tool_call", "chain": "chain"}


def _error(error):
    """An error as the event's ``error``: name and message, never the stack or the cause."""
    return {"name": type(error).__name__, "message": str(error)}


def _pick_provider(*candidates):
    """The first provider AgentTrail prices (openai, anthropic, google), else the first named."""
    named = [c for c in candidates if c]
    return next((c for c in named if c in KNOWN_PROVIDERS), named[0] if named else None)


def _conversation(metadata):
    """LangGraph copies the ``thread_id`` of the run's config into the run metadata."""
    found = (metadata or {}).get("thread_id") or (metadata or {}).get("conversation_id")
    return {"conversation_id": str(found)} if found else {}


class TrailCallbacks(object):
    """``AgentTrailCallbackHandler(trail, agent, service_map=None, track_llm=True,
    track_tools=True, track_chains=False, capture_content=True, event=None)``.

    ``service_map``: tool name -> ``{"service", "action"}`` (or a service name); a tool not in
    it is recorded as service ``<tool name>``, action ``invoke``. ``track_llm``: model calls
    (kind ``llm_call``); ``track_tools``: tool calls (kind ``tool_call``); ``track_chains``: chain
    and agent runs (kind ``chain``, service ``langchain``, action ``chain_run``);
    ``capture_content``: prompts, outputs, tool arguments and results (counts, timings and errors
    are always recorded); ``event``: more fields for every event (``user``, ``tags``,
    ``conversation_id``, ``trace_id``, ``metadata``...)."""

    raise_error = False
    run_inline = True  # the callbacks only fill a dict and fire(): no need for a thread
    ignore_chain = False  # chain runs tie nested runs to one trace, recorded or not
    ignore_retriever = ignore_retry = ignore_custom_event = True

    def __init__(self, trail, agent=None, service_map=None, track_llm=True, track_tools=True,
                 track_chains=False, capture_content=True, event=None):
        self.trail, self.agent = trail, agent
        self.service_map = dict(service_map or {})
        self.track_llm, self.track_tools = track_llm, track_tools
        self.track_chains, self.capture_content = track_chains, capture_content
        self.event = dict(event or {})
        self.runs = RunRegistry()
        self.name = "AgentTrailCallbackHandler"

    @property
    def ignore_llm(self):
        return not self.track_llm

    @property
    def ignore_chat_model(self):
        return not self.track_llm

    @property
    def ignore_agent(self):
        return not self.track_tools

    def _safely(self, record):
        try:
            record()
        except Exception as error:
            try:
                self.trail.report_error(error)
            except Exception:
                pass  # Nowhere better to go.

    def on_llm_start(self, serialized, prompts, run_id=None, parent_run_id=None, tags=None,
                     metadata=None, **kwargs):
        prompts = items_of(prompts)
        self._begin_model(serialized, run_id, parent_run_id, kwargs, metadata, lambda s: s.update(
            input=prompts[0] if len(prompts) == 1 else list(prompts)))

    def on_chat_model_start(self, serialized, messages, run_id=None, parent_run_id=None,
                            tags=None, metadata=None, **kwargs):
        def content(start):
            batch = items_of(messages)
            system, rest = split_prompt(batch[0] if batch else [])
            start["messages"] = rest
            if system is not None:
                start["system_prompt"] = system
        self._begin_model(serialized, run_id, parent_run_id, kwargs, metadata, content)

    def _begin_model(self, serialized, run_id, parent_run_id, kwargs, metadata, content):
        def begin():
            if not self.track_llm:
                return
            provider, model = model_at_start(serialized, kwargs.get("invocation_params"),
                                             metadata)
            start = dict(_conversation(metadata), provider=provider, model=model)
            if self.capture_content:
                content(start)
            self.runs.begin(run_id, parent_run_id, start)
        self._safely(begin)

    def on_llm_end(self, response, run_id=None, parent_run_id=None, **kwargs):
        def end():
            if not self.track_llm:
                return
            state, duration = self.runs.end(run_id, parent_run_id)
            result = read_llm_result(response)
            model = result["model"] or state.start.get("model")
            provider = _pick_provider(state.start.get("provider"), result["provider"],
                                      provider_from_model(model))
            fields = dict(provider_tokens(result["tokens"], provider, model),
                          service=provider or "llm", action="completion", provider=provider,
                          model=model, stop_reason=result["stop_reason"],
                          tool_calls=result.get("tool_calls"))
            if self.capture_content:
                fields.update(output=result["output"], thinking=result["thinking"])
            self._record("llm", run_id, state, duration, "success", fields)
        self._safely(end)

    def on_llm_error(self, error, run_id=None, parent_run_id=None, **kwargs):
        def end():
            if not self.track_llm:
                return
            state, duration = self.runs.end(run_id, parent_run_id)
            provider = _pick_provider(state.start.get("provider"),
                                      provider_from_model(state.start.get("model")))
            self._record("llm", run_id, state, duration, "error", {
                "service": provider or "llm", "action": "completion", "provider": provider,
                "error": _error(error)})
        self._safely(end)

    def on_tool_start(self, serialized, input_str, run_id=None, parent_run_id=None, tags=None,
                      metadata=None, inputs=None, **kwargs):
        def begin():
            if not self.track_tools:
                return
            name = run_name_of(serialized, kwargs.get("name")) or "unknown_tool"
            mapped = self.service_map.get(name)
            mapped = {"service": mapped} if isinstance(mapped, str) else (mapped or {})
            tool_metadata = {"toolName": name}
            if kwargs.get("tool_call_id"):
                tool_metadata["tool_call_id"] = str(kwargs["tool_call_id"])
            start = dict(_conversation(metadata), service=mapped.get("service") or name,
                         action=mapped.get("action") or "invoke", metadata=tool_metadata)
            if self.capture_content:
                start["input"] = tool_input(input_str, inputs)
            self.runs.begin(run_id, parent_run_id, start)
        self._safely(begin)

    def on_tool_end(self, output, run_id=None, parent_run_id=None, **kwargs):
        def end():
            if not self.track_tools:
                return
            state, duration = self.runs.end(run_id, parent_run_id)
            value, failed = tool_output(output)
            fields = {"output": value} if self.capture_content else {}
            self._record("tool", run_id, state, duration, "error" if failed else "success",
                         fields)
        self._safely(end)

    def on_tool_error(self, error, run_id=None, parent_run_id=None, **kwargs):
        def end():
            if not self.track_tools:
                return
            state, duration = self.runs.end(run_id, parent_run_id)
            self._record("tool", run_id, state, duration, "error", {"error": _error(error)})
        self._safely(end)

    def on_chain_start(self, serialized, inputs, run_id=None, parent_run_id=None, tags=None,
                       metadata=None, **kwargs):
        def begin():
            # Hidden runs are LangChain's plumbing (its own tag); they still carry the trace.
            start = dict(_conversation(metadata), title=run_name_of(serialized, kwargs.get("name")))
            if "langsmith:hidden" in (tags or []):
                start["hidden"] = True
            if kwargs.get("run_type"):
                start["metadata"] = {"runType": kwargs["run_type"]}
            if self.track_chains and self.capture_content:
                start["input"] = to_json(inputs)
            self.runs.begin(run_id, parent_run_id, start)
        self._safely(begin)

    def on_chain_end(self, outputs, run_id=None, parent_run_id=None, **kwargs):
        self._end_chain(run_id, parent_run_id, "success", {"output": to_json(outputs)}
                        if self.capture_content else {})

    def on_chain_error(self, error, run_id=None, parent_run_id=None, **kwargs):
        self._end_chain(run_id, parent_run_id, "error", {"error": _error(error)})

    def _end_chain(self, run_id, parent_run_id, status, fields):
        def end():
            state, duration = self.runs.end(run_id, parent_run_id)
            if self.track_chains and not state.start.get("hidden"):
                self._record("chain", run_id, state, duration, status,
                             dict(fields, service="langchain", action="chain_run"))
        self._safely(end)

    def _record(self, kind, run_id, state, duration, status, fields):
        start = dict(state.start)
        start.pop("hidden", None)
        base = self.event
        event = dict(base)
        event.update(start)
        event.update(fields)
        event.update(kind=KINDS[kind], agent=self.agent, status=status, ts=state.started_ms,
                     trace_id=base.get("trace_id") or state.trace_id, span_id=run_key(run_id),
                     parent_span_id=state.parent_run_id, duration_ms=duration)
        metadata = dict(base.get("metadata") or {})
        metadata.update(source="langchain", runId=run_key(run_id))
        metadata.update(start.get("metadata") or {})
        event["metadata"] = metadata
        if base.get("conversation_id") is not None:
            event["conversation_id"] = base["conversation_id"]
        self.trail.fire(compact(event))
