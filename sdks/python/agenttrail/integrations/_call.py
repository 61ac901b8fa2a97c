"""One provider call being recorded (packages/sdk/src/integrations/provider-call.ts): exactly one
``llm_call`` event, stamped with the time the call started and how long it took, fired when the
call succeeds, fails or its stream ends. Nothing here raises into the application: a failure to
read the provider's answer is reported through the sink's ``report_error`` and a smaller event
still records the call."""

import inspect
import threading
import time

from ._fields import compact, field, items_of, merge_fields


class StreamCanceled(Exception):
    """Recorded (never raised) when the application stops reading a stream before its end."""

    def __init__(self, message="The stream was closed before the response ended"):
        super(StreamCanceled, self).__init__(message)


def option_fields(event, params):
    """The caller's fields for one call: ``event`` itself, or ``event(params)`` when it is a
    function; a function that raises gives none."""
    if not callable(event):
        return event
    try:
        return event(params)
    except Exception:
        return None


def error_fields(error):
    """A provider error as an event's ``error``: its class name, message and HTTP status (the
    ``status_code`` of openai/anthropic errors, the int ``code`` of google-genai's), never its
    request or body."""
    message = field(error, "message")
    fields = {"name": type(error).__name__,
              "message": message if isinstance(message, str) else str(error)}
    for name in ("status_code", "status", "code"):
        try:
            status = getattr(error, name, None)
        except Exception:
            status = None
        if isinstance(status, int) and not isinstance(status, bool):
            fields["status"] = int(status)
            break
    return fields


def header_fields(headers, keep):
    """The response headers whose lower-case name passes ``keep``, as a dict; None when none.
    ``headers``: httpx's Headers, a dict, or a list of pairs."""
    if headers is None:
        return None
    try:
        pairs = headers.items() if hasattr(headers, "items") else items_of(headers)
        picked = {}
        for name, value in pairs:
            lower = str(name).lower()
            if keep(lower) and value is not None:
                picked[lower] = str(value)
        return picked or None
    except Exception:
        return None


def response_headers(value):
    """The HTTP headers a library object carries: a stream's ``response.headers``, an error's
    ``response.headers``, google-genai's ``sdk_http_response.headers``."""
    return field(field(value, "response", "sdk_http_response", "sdkHttpResponse"), "headers")


class ProviderCall(object):
    """``request`` (what was asked) is read now, since the application may change its lists
    before the call ends; ``fields`` are the caller's, and win over what is recorded."""

    def __init__(self, sink, provider, request, fields):
        self.sink, self.provider, self.fields = sink, provider, fields
        self.started_ms = int(time.time() * 1000)
        self._t0 = time.perf_counter()
        self._lock = threading.Lock()
        self.done = False
        try:
            self.request = request()
        except Exception as error:
            self.report(error)
            self.request = {"metadata": {"recording_error": str(error)}}

    def success(self, outcome):
        self._finish("success", outcome)

    def failure(self, error, outcome=None):
        self._finish("error", lambda: merge_fields({"error": error_fields(error)},
                                                   outcome() if outcome else None))

    def _finish(self, status, outcome):
        with self._lock:
            if self.done:
                return
            self.done = True
        base = {"ts": self.started_ms, "kind": "llm_call", "provider": self.provider,
                "status": status,
                "duration_ms": int(round((time.perf_counter() - self._t0) * 1000))}
        try:
            recorded = merge_fields(base, self.request, outcome(), {"status": status})
        except Exception as error:
            self.report(error)
            recorded = merge_fields(base, self.request,
                                    {"metadata": {"recording_error": str(error)}},
                                    {"status": status})
        try:
            self.sink.fire(compact(merge_fields(recorded, self.fields)))
        except Exception as error:
            # fire() never raises; a custom sink might, and the application must not notice.
            self.report(error)

    def report(self, error):
        """The wrapper's own failure, to the sink's error handler; never raised."""
        try:
            report = getattr(self.sink, "report_error", None)
            if report is not None:
                report(error)
        except Exception:
            pass  # Nowhere better to go.


def run_call(recorder, call, settle, read_error):
    """Runs ``call`` and hands its result to ``settle`` (which records it and returns what the
    application gets: the result itself, or a watched stream). A coroutine (the async clients)
    comes back as a coroutine that does the same once awaited. What the call raises is recorded
    with ``read_error(error)``'s fields and raised again unchanged."""
    try:
        result = call()
    except BaseException as error:
        recorder.failure(error, lambda: read_error(error))
        raise
    if inspect.isawaitable(result) and not is_stream(result):
        return _settle_awaited(recorder, result, settle, read_error)
    return _settled(recorder, result, settle)


async def _settle_awaited(recorder, pending, settle, read_error):
    try:
        result = await pending
    except BaseException as error:
        recorder.failure(error, lambda: read_error(error))
        raise
    return _settled(recorder, result, settle)


def _settled(recorder, result, settle):
    try:
        return settle(result)
    except Exception as error:
        # The application gets its answer whatever happens here.
        recorder.report(error)
        return result


def is_stream(value):
    """Something read chunk by chunk: an iterator (a library Stream, a generator) or an async
    iterable. A parsed answer is neither (pydantic models are iterable but not iterators)."""
    kind = type(value)
    return hasattr(kind, "__next__") or hasattr(kind, "__anext__") or hasattr(kind, "__aiter__")
