"""Integrations: record provider calls, LangChain runs, tools and functions. None of them imports
a provider's library (openai, anthropic, google-genai, google-generativeai, langchain_core) when
imported: answers are read by duck typing, from the libraries' objects or the same JSON as dicts.

- ``wrap_openai`` / ``record_openai_call``, ``wrap_anthropic`` / ``record_anthropic_call``,
  ``wrap_gemini`` / ``record_gemini_call``: one ``llm_call`` event per call, sync, async and
  streamed; the provider's objects and errors come back unchanged.
- ``AgentTrailCallbackHandler`` (``agenttrail.integrations.langchain``): LangChain callbacks.
- ``wrap_function``, ``create_tool_executor``, ``run_tool_calls`` / ``arun_tool_calls``: calls
  through ``track()``.
"""

from ._call import StreamCanceled
from .anthropic import record_anthropic_call, wrap_anthropic
from .gemini import record_gemini_call, wrap_gemini
from .openai import record_openai_call, wrap_openai
from .tool_calls import arun_tool_calls, run_tool_calls
from .tools import create_tool_executor, wrap_function

__all__ = ["wrap_openai", "record_openai_call", "wrap_anthropic", "record_anthropic_call",
           "wrap_gemini", "record_gemini_call", "wrap_function", "create_tool_executor",
           "run_tool_calls", "arun_tool_calls", "AgentTrailCallbackHandler", "StreamCanceled"]


def __getattr__(name):
    # The handler class is made on first use (it subclasses LangChain's base when installed).
    if name == "AgentTrailCallbackHandler":
        from .langchain import handler_class
        return handler_class()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
