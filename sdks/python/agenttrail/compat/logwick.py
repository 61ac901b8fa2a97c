"""Logwick's Python SDK surface (``logwick`` 1.0.0 as documented in its docs, "Python SDK"), on
the AgentTrail client: code written for Logwick changes its import line and, where it runs
against AgentTrail, its base URL and key.

    from agenttrail.compat import logwick          # was: import logwick
    logwick.init(api_key="sk-lw-...", base_url="http://127.0.0.1:7878")
    logwick.fire({"agent": "gpt-4o", "action": "email_draft", "input": prompt, "output": text,
                  "tokens": 312, "user": user_email})

    from agenttrail.compat.logwick import LogwickClient   # was: from logwick import LogwickClient
    lw = LogwickClient(api_key="sk-lw-...", silent=False, tags=["production"])
    result = lw.openai(lambda: client.chat.completions.create(model="gpt-4o", messages=messages),
                       {"action": "email_draft", "user": user_email})

Logs go through AgentTrail's batcher as native events, mapped as the server maps
``POST /api/v1/logs``: ``kind`` is ``llm_call`` unless given, ``tokens`` becomes ``tokens_total``
and ``latency_ms`` ``duration_ms``. The base URL is the ``base_url`` argument, else
``LOGWICK_BASE_URL``, else ``AGENTTRAIL_BASE_URL``; the key ``api_key``, else
``LOGWICK_API_KEY``, else ``AGENTTRAIL_API_KEY``."""

import os
import sys
import threading

from ..client import AgentTrail
from ..integrations.anthropic import record_anthropic_call
from ..integrations.gemini import record_gemini_call
from ..integrations.langchain import handler_class
from ..integrations.openai import record_openai_call


class _NamedAfterModel(object):
    """Logwick's wrappers name the agent after the model unless the log names one."""

    def __init__(self, trail, fallback=None):
        self.trail, self.fallback = trail, fallback

    def fire(self, event):
        if not event.get("agent") and (event.get("model") or self.fallback):
            event = dict(event, agent=event.get("model") or self.fallback)
        self.trail.fire(event)

    def report_error(self, error):
        self.trail.report_error(error)


class LogwickClient(object):
    """``LogwickClient(api_key, silent=True, tags=None, base_url=None, **options)``: Logwick's
    client. ``silent`` (default True, as Logwick documents): no warnings on stderr; ``tags``:
    added to every log; ``options``: any other ``AgentTrail`` option (``environment``,
    ``on_error``, ``flush_interval``...). ``trail`` is the AgentTrail client underneath."""

    def __init__(self, api_key=None, silent=True, tags=None, base_url=None, **options):
        self.trail = AgentTrail(api_key=api_key or os.environ.get("LOGWICK_API_KEY"),
                                base_url=base_url or os.environ.get("LOGWICK_BASE_URL"),
                                tags=tags, silent=silent, **options)
        self._sink = _NamedAfterModel(self.trail)

    def fire(self, log):
        """Queues one log and returns at once; never raises. Logwick's fields: ``agent`` and
        ``action`` (required by Logwick), ``status`` (default success), ``input``, ``output``,
        ``user``, ``tokens``, ``latency_ms``, ``cost_usd``, ``tags``, ``metadata``; native event
        fields (``model``, ``tokens_input``, ``trace_id``...) are kept too."""
        try:
            event = dict(log)
            if event.get("kind") is None:
                event["kind"] = "llm_call"
        except Exception as error:
            self.trail.report_error(error)
            return
        self.trail.fire(event)

    def openai(self, fn, opts=None):
        """Runs ``fn()`` (an OpenAI ``chat.completions.create`` or ``responses.create``, sync or
        async) and returns its result unchanged, logging the call: output, model, tokens,
        latency, stop reason. ``opts``: the log's fields (``action``, ``user``, ``input``...);
        ``agent`` defaults to the model that answered. Errors are raised unchanged."""
        return record_openai_call(self._sink, fn, event=_fields(opts))

    def anthropic(self, fn, opts=None):
        """Logwick's ``lw.anthropic(lambda: client.messages.create(...), {...})``, as ``openai``."""
        return record_anthropic_call(self._sink, fn, event=_fields(opts))

    def gemini(self, fn, opts=None):
        """Logwick's ``lw.gemini(lambda: model.generate_content(prompt), {...})`` (google-genai or
        google-generativeai), as ``openai``."""
        return record_gemini_call(self._sink, fn, event=_fields(opts))

    def langchain_handler(self, user=None, **options):
        """A LangChain callback handler logging every LLM call (and tool call) of the runs it is
        given to, under ``user``; the agent is the model unless ``agent=`` names one. Options as
        ``AgentTrailCallbackHandler`` (``track_tools``, ``service_map``, ``event``...)."""
        event = dict(options.pop("event", None) or {})
        if user is not None:
            event["user"] = user
        return handler_class()(_NamedAfterModel(self.trail, "langchain"), event=event,
                               **options)

    def flush(self, timeout=None):
        """Waits until what was fired is sent, at most ``timeout`` seconds."""
        return self.trail.flush(timeout)

    def close(self, timeout=None):
        return self.trail.close(timeout)

    shutdown = close


def _fields(opts):
    return dict(opts) if opts else None


_default = {"client": None, "warned": False}
_default_lock = threading.Lock()


def init(api_key=None, base_url=None, silent=True, tags=None, **options):
    """Logwick's ``logwick.init(api_key=...)``: makes the client the module-level ``fire()``
    uses, and returns it. Calling it again replaces that client after closing the old one."""
    client = LogwickClient(api_key=api_key, silent=silent, tags=tags, base_url=base_url,
                           **options)
    with _default_lock:
        previous, _default["client"] = _default["client"], client
    if previous is not None:
        previous.close()
    return client


def fire(log):
    """Logwick's module-level fire-and-forget. Before ``init()`` the log is dropped, with one
    warning on stderr."""
    client = _default["client"]
    if client is not None:
        return client.fire(log)
    with _default_lock:
        if _default["warned"]:
            return None
        _default["warned"] = True
    try:
        sys.stderr.write("[agenttrail] fire() called before init(); logs are dropped until "
                         "init(api_key=...) is called\n")
    except Exception:
        pass
    return None


def flush(timeout=None):
    """Flushes the client ``init()`` made; True at once when there is none."""
    client = _default["client"]
    return True if client is None else client.flush(timeout)


def shutdown(timeout=None):
    """Closes the client ``init()`` made."""
    client = _default["client"]
    return True if client is None else client.close(timeout)


__all__ = ["LogwickClient", "init", "fire", "flush", "shutdown"]
