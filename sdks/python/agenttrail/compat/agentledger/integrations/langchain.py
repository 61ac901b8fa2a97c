"""``AgentLedgerCallbackHandler`` of ``agentledger-py`` 0.5.0: records each LangChain tool and LLM
call with ``ledger.log``. It subclasses ``langchain_core``'s ``BaseCallbackHandler`` when that is
installed; without it (the published handler then refuses to be made) it is a plain object with
the same methods, for callers that invoke them directly."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional
from uuid import UUID

from ..types import TrackOptions

try:
    from langchain_core.callbacks import BaseCallbackHandler as _Base
except ImportError:
    class _Base(object):  # type: ignore[no-redef]
        """What LangChain's callback manager reads from a handler, when LangChain is absent."""
        raise_error = False
        run_inline = False
        ignore_llm = ignore_chain = ignore_agent = ignore_retriever = False
        ignore_chat_model = ignore_retry = ignore_custom_event = False


class AgentLedgerCallbackHandler(_Base):
    """``AgentLedgerCallbackHandler(ledger, agent, service_map=None, track_llm=True,
    track_tools=True)``. A tool's end is logged as service ``service_map.get(tool, "langchain")``,
    action ``tool:<name>``, output ``str(output)[:1000]``; an LLM's end as service
    ``service_map.get("llm", "openai")``, action ``llm:<model_name>`` with metadata ``{model,
    generations}``; errors as ``tool:<name>`` or ``llm:error`` with status ``error`` and output
    ``{error}``. ``ledger`` is a synchronous AgentLedger; a failed log is ignored."""

    def __init__(self, ledger: Any, agent: str, service_map: Optional[Dict[str, str]] = None,
                 track_llm: bool = True, track_tools: bool = True) -> None:
        self.ledger = ledger
        self.agent = agent
        self.service_map = service_map or {}
        self.track_llm = track_llm
        self.track_tools = track_tools
        self._run_starts: Dict[UUID, float] = {}

    def on_tool_start(self, serialized: Dict[str, Any], input_str: str, *, run_id: UUID,
                      parent_run_id: Optional[UUID] = None, tags: Optional[List[str]] = None,
                      metadata: Optional[Dict[str, Any]] = None,
                      inputs: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        if self.track_tools:
            self._run_starts[run_id] = time.monotonic()

    def on_tool_end(self, output: Any, *, run_id: UUID, parent_run_id: Optional[UUID] = None,
                    **kwargs: Any) -> None:
        if self.track_tools:
            self._tool(run_id, kwargs, "success", str(output)[:1000])

    def on_tool_error(self, error: BaseException, *, run_id: UUID,
                      parent_run_id: Optional[UUID] = None, **kwargs: Any) -> None:
        if self.track_tools:
            self._tool(run_id, kwargs, "error", {"error": str(error)})

    def on_llm_start(self, serialized: Dict[str, Any], prompts: List[str], *, run_id: UUID,
                     parent_run_id: Optional[UUID] = None, tags: Optional[List[str]] = None,
                     metadata: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        if self.track_llm:
            self._run_starts[run_id] = time.monotonic()

    def on_chat_model_start(self, serialized: Dict[str, Any], messages: List[List[Any]], *,
                            run_id: UUID, parent_run_id: Optional[UUID] = None,
                            tags: Optional[List[str]] = None,
                            metadata: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        if self.track_llm:
            self._run_starts[run_id] = time.monotonic()

    def on_llm_end(self, response: Any, *, run_id: UUID, parent_run_id: Optional[UUID] = None,
                   **kwargs: Any) -> None:
        if not self.track_llm:
            return
        duration_ms = self._duration(run_id)
        model = (response.llm_output.get("model_name", "unknown") if response.llm_output
                 else "unknown")
        self._log(TrackOptions(agent=self.agent, service=self.service_map.get("llm", "openai"),
                               action="llm:%s" % model, metadata={
                                   "model": model, "generations": len(response.generations)}),
                  "success", duration_ms)

    def on_llm_error(self, error: BaseException, *, run_id: UUID,
                     parent_run_id: Optional[UUID] = None, **kwargs: Any) -> None:
        if not self.track_llm:
            return
        duration_ms = self._duration(run_id)
        self._log(TrackOptions(agent=self.agent, service=self.service_map.get("llm", "openai"),
                               action="llm:error", output={"error": str(error)}),
                  "error", duration_ms)

    def _tool(self, run_id, kwargs, status, output):
        duration_ms = self._duration(run_id)
        name = kwargs.get("name", "unknown_tool")
        self._log(TrackOptions(agent=self.agent, service=self.service_map.get(name, "langchain"),
                               action="tool:%s" % name, output=output), status, duration_ms)

    def _log(self, options, status, duration_ms):
        try:
            self.ledger.log(options, status=status, duration_ms=duration_ms)
        except Exception:
            pass  # the chain must not fail because its record could not be written

    def _duration(self, run_id: UUID) -> int:
        start = self._run_starts.pop(run_id, None)
        return 0 if start is None else int((time.monotonic() - start) * 1000)
