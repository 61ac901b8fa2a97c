"""HTTP over http.client with one keep-alive connection per thread and process, and the retry
loop: exponential backoff with equal jitter, except that a server's Retry-After is waited for."""

import email.utils
import http.client
import json
import os
import random
import ssl
import threading
import time
import urllib.parse

from .clock import SYSTEM_CLOCK
from .errors import AgentTrailError, is_retryable_status

USER_AGENT = "agenttrail-python/0.1.0"


class Response(object):
    """``json`` is the parsed body (None when empty or not JSON); ``raw`` the bytes as received."""
    __slots__ = ("status", "headers", "json", "raw")

    def __init__(self, status, headers, body, raw=b""):
        self.status = status
        self.headers = headers
        self.json = body
        self.raw = raw

    @property
    def ok(self):
        return 200 <= self.status < 300


class HttpTransport(object):
    """Sends JSON requests with the key as a bearer token. Network failures and timeouts raise a
    retryable AgentTrailError; any HTTP answer is returned."""

    def __init__(self, base_url, api_key, timeout):
        parts = urllib.parse.urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._local = threading.local()
        self._open = []  # (pid, connection) made by any thread, closed by close()
        self._open_lock = threading.Lock()
        self._ssl = ssl.create_default_context() if self._https else None

    def _connection(self, timeout):
        conn = getattr(self._local, "conn", None)
        # A connection made before a fork belongs to the parent: never write to it from the child.
        if conn is None or self._local.pid != os.getpid():
            if self._https:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=timeout,
                                                   context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
            self._local.conn, self._local.pid = conn, os.getpid()
            with self._open_lock:
                self._open = [(p, c) for p, c in self._open if c.sock is not None]
                self._open.append((os.getpid(), conn))
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _drop_connection(self):
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None and self._local.pid == os.getpid():
            conn.close()

    def close(self):
        """Closes this process's keep-alive sockets (a thread that sends again opens a new one)."""
        with self._open_lock:
            conns, self._open = self._open, []
        for pid, conn in conns:
            if pid == os.getpid():
                conn.close()

    def reset_after_fork(self):
        """In a forked child: release the inherited descriptors. close() without shutdown() only
        closes the child's copy; the parent's connections stay as they were."""
        conns, self._open = self._open, []
        self._open_lock = threading.Lock()
        for _, conn in conns:
            try:
                conn.close()
            except OSError:
                pass

    def request(self, method, path, body=None, timeout=None, headers=None):
        """One request; ``body`` is JSON text or None. ``headers`` are added to the defaults (a
        None value removes one: the AgentWarden surface sends its key as X-API-Key instead of
        Authorization). Returns a Response."""
        timeout = self.timeout if timeout is None else max(0.001, timeout)
        defaults = {"Authorization": "Bearer " + self.api_key, "User-Agent": USER_AGENT,
                    "Accept": "application/json"}
        defaults.update(headers or {})
        headers = {k: v for k, v in defaults.items() if v is not None}
        data = None
        if body is not None:
            data = body.encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            conn = self._connection(timeout)
            reused = conn.sock is not None
            try:
                conn.request(method, self._prefix + path, body=data, headers=headers)
                res = conn.getresponse()
                raw = res.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                self._drop_connection()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive socket: try a fresh one once
                raise AgentTrailError("AgentTrail: network error (%s)" % type(e).__name__,
                                      code="network", retryable=True) from e
            except (OSError, http.client.HTTPException) as e:
                self._drop_connection()
                code = "timeout" if isinstance(e, TimeoutError) or "timed out" in str(e) \
                    else "network"
                raise AgentTrailError("AgentTrail: %s (%s)" % (code, type(e).__name__),
                                      code=code, retryable=True) from e
            if res.will_close:
                self._drop_connection()
            hdrs = {k.lower(): v for k, v in res.getheaders()}
            try:
                parsed = json.loads(raw.decode("utf-8")) if raw else None
            except ValueError:
                parsed = None
            return Response(res.status, hdrs, parsed, raw)
        raise AssertionError("unreachable")


def parse_retry_after(value, now=None):
    """Retry-After as delay-seconds or an HTTP date, in seconds; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def http_error(what, res):
    """An error for a non-2xx answer: ``<what> (<status>)``, retryable or not."""
    body = res.json if isinstance(res.json, dict) else {}
    return AgentTrailError("%s (%d)" % (what, res.status), status=res.status,
                           code=body.get("code"), details=body.get("details"),
                           retryable=is_retryable_status(res.status),
                           retry_after=parse_retry_after(res.headers.get("retry-after")))


def with_retry(attempt, deadline, abort=None, on_retry=None, initial_delay=0.5, max_delay=10.0,
               clock=SYSTEM_CLOCK):
    """Runs ``attempt(remaining_seconds)`` until it returns, raises a non-retryable error, or the
    next attempt could not start before ``deadline`` seconds after the first. ``abort`` (a
    threading.Event) ends a wait at once and raises the last error."""
    start = clock.monotonic()
    n = 0
    while True:
        try:
            return attempt(deadline - (clock.monotonic() - start))
        except AgentTrailError as error:
            if not error.retryable or (abort is not None and abort.is_set()):
                raise
            backoff = min(max_delay, initial_delay * (2 ** n))
            wait = backoff / 2 + random.random() * backoff / 2
            if error.retry_after is not None:
                # The server's word wins, but never below the first step: Retry-After: 0 must not spin.
                wait = max(error.retry_after, initial_delay / 2)
            if clock.monotonic() - start + wait >= deadline:
                raise
            if on_retry is not None:
                on_retry(error)
            if clock.wait(wait, abort):
                raise
            n += 1
