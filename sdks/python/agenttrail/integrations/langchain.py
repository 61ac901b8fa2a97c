"""A LangChain callback handler (packages/sdk/src/integrations/langchain.ts) that records LLM and
chat model calls (model, prompt, output, token usage, stop reason, latency), tool calls under
their real names and, optionally, chain runs; each event's ``span_id`` is its run id and its
``parent_span_id`` the parent run's, and all runs of one invocation share one ``trace_id``.

``AgentTrailCallbackHandler`` (also ``AgentLedgerCallbackHandler``) is made when first asked for:
it subclasses ``langchain_core.callbacks.BaseCallbackHandler`` when langchain_core can be imported
then, else a plain class with the same method names. Importing this module imports nothing of
LangChain. Events go through ``fire()``: a callback never waits on the network, and nothing it
does raises into LangChain (its own failures go to the client's ``on_error``)."""

import threading

from .langchain_handler import TrailCallbacks

_classes = {}
_classes_lock = threading.Lock()


class _PlainCallbackHandler(object):
    """The callbacks LangChain may call that the handler does not record, as no-ops."""

    def _ignored(self, *args, **kwargs):
        return None

    on_llm_new_token = on_retriever_start = on_retriever_end = on_retriever_error = _ignored
    on_agent_action = on_agent_finish = on_text = on_retry = on_custom_event = _ignored


def _langchain_base():
    try:
        from langchain_core.callbacks import BaseCallbackHandler
    except Exception:  # not installed, or broken: the plain base has the same methods
        return _PlainCallbackHandler
    return BaseCallbackHandler


def handler_class():
    """The handler class, made on the first call (see the module's docstring)."""
    with _classes_lock:
        cls = _classes.get("handler")
        if cls is None:
            cls = type("AgentTrailCallbackHandler", (TrailCallbacks, _langchain_base()),
                       {"__module__": __name__, "__doc__": TrailCallbacks.__doc__})
            _classes["handler"] = cls
        return cls


def __getattr__(name):
    if name in ("AgentTrailCallbackHandler", "AgentLedgerCallbackHandler"):
        return handler_class()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
