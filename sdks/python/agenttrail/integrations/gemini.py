"""Google Gemini: ``wrap_gemini(client, trail)`` for a google-genai ``Client`` (1.x and later,
checked against 2.19's source) and ``record_gemini_call(trail, call, ...)`` for one call of it or
of the older google-generativeai (``GenerativeModel.generate_content``, ``stream=True``
included) (packages/sdk/src/integrations/gemini.ts).

One ``llm_call`` event (provider ``google``) per call, when it ends. The application gets the
library's own response, a stream yielding its own chunks, its own errors. Nothing is imported
from ``google``."""

from ._call import ProviderCall, StreamCanceled, option_fields, run_call
from ._fields import merge_fields
from ._overlay import Overlay, method_of
from ._stream import watch_stream
from .gemini_response import gemini_error_fields, gemini_request_fields, gemini_response_fields
from .gemini_stream import GeminiStreamResponse

METHODS = ("generate_content", "generate_content_stream")


def wrap_gemini(client, trail, event=None):
    """A view of a google-genai ``Client`` whose ``models.generate_content`` and
    ``models.generate_content_stream`` are recorded, and the same of ``client.aio.models``.
    Everything else is the client itself, which is not changed. Chats (``client.chats``) are not
    recorded: their turns go to the original models. ``event``: fields for every event, or a
    function of the call's keyword arguments returning them.

    >>> client = wrap_gemini(genai.Client(), trail, event={"agent": "analyst"})
    """
    replaced = {}
    models = _recorded(getattr(client, "models", None), trail, event)
    if models is not None:
        replaced["models"] = models
    aio = getattr(client, "aio", None)
    aio_models = _recorded(getattr(aio, "models", None), trail, event)
    if aio_models is not None:
        replaced["aio"] = Overlay(aio, {"models": aio_models})
    return Overlay(client, replaced) if replaced else client


def _recorded(models, trail, event):
    methods = {}
    for name in METHODS:
        method = method_of(models, name)
        if method is not None:
            methods[name] = _recording(method, trail, event)
    return Overlay(models, methods) if methods else None


def _recording(method, trail, event):
    def recorded(*args, **params):
        return record_gemini_call(trail, lambda: method(*args, **params), params=params,
                                  event=option_fields(event, params))
    recorded.__name__ = getattr(method, "__name__", "generate_content")
    recorded.__doc__ = getattr(method, "__doc__", None)
    return recorded


def record_gemini_call(trail, call, params=None, event=None):
    """Runs ``call()`` and records it; returns what it returns (a coroutine for ``client.aio``).
    ``params``: the request's keyword arguments (``model``, ``contents``, ``config``); ``event``:
    fields of your own. Errors are raised unchanged."""
    recorder = ProviderCall(trail, "google", lambda: gemini_request_fields(params), event)
    return run_call(recorder, call, lambda value: _settle(recorder, value), gemini_error_fields)


def is_gemini_stream(value):
    """google-genai streams are (async) generators. google-generativeai's streamed response is
    its response object itself, iterable until it is ``_done``; a finished one is an answer."""
    done = getattr(value, "_done", None)
    if isinstance(done, bool) and hasattr(value, "_iterator"):
        return not done
    kind = type(value)
    return hasattr(kind, "__next__") or hasattr(kind, "__anext__") or hasattr(kind, "__aiter__")


def _settle(recorder, value):
    if not is_gemini_stream(value):
        recorder.success(lambda: gemini_response_fields(value))
        return value
    response = GeminiStreamResponse()

    def partial():
        result = response.result()
        return gemini_response_fields(result) if result else {}

    def end(how, error):
        if how == "completed":
            recorder.success(partial)
        elif how == "failed":
            recorder.failure(error, lambda: merge_fields(partial(), gemini_error_fields(error)))
        else:
            recorder.failure(StreamCanceled(), partial)

    return watch_stream(value, response.add, end, recorder.report)
