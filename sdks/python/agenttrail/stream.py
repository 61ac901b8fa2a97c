"""Live events over SSE from ``GET /api/v1/stream`` (packages/sdk/src/event-stream.ts), on a daemon
thread: the key in ``?key=`` as AgentLedger sends it, ``Last-Event-ID`` on reconnects, the server's
``retry:`` honoured, heartbeats skipped, bad JSON ignored; the wait doubles while connections fail
(up to 30 s) and starts over once one delivers a frame."""

import http.client
import json
import socket
import threading
import urllib.parse

MAX_RECONNECT_DELAY = 30.0


def parse_frames(lines):
    """SSE frames ``(event, data, id, retry_ms)`` from an iterator of text lines (CRLF or LF)."""
    event, data, frame_id, retry = "message", [], "", None
    for line in lines:
        line = line.rstrip("\r\n")
        if line == "":
            if data or retry is not None:
                yield event, "\n".join(data), frame_id, retry
            event, data, retry = "message", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
        elif field == "id" and "\0" not in value:
            frame_id = value
        elif field == "retry" and value.isdigit():
            retry = int(value)


class StreamHandle(object):
    """``close()`` stops the stream and every reconnection. ``connected`` is a
    ``threading.Event`` set while a connection is open: the server subscribes the stream before it
    answers, so an event written after ``connected.wait()`` returns is delivered."""

    def __init__(self, base_url, api_key, environment, on_action=None, on_alert=None,
                 on_event=None, on_error=None, events=None, agent=None, reconnect_delay=3.0):
        params = {"key": api_key}
        if events:
            params["events"] = ",".join(events)
        if agent:
            params["agent"] = agent
        params["environment"] = environment
        parts = urllib.parse.urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = parts.path.rstrip("/") + "/api/v1/stream?" + urllib.parse.urlencode(params)
        self._handlers = (on_action, on_alert, on_event)
        self._on_error = on_error
        self._first_delay = self._delay = reconnect_delay
        self.last_event_id = ""
        self._stopped = threading.Event()
        self.connected = threading.Event()
        self._conn = None
        self._sock = None
        self._thread = threading.Thread(target=self._run, name="agenttrail-stream", daemon=True)
        self._thread.start()

    def close(self):
        self._stopped.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read at once
            except OSError:
                pass

    def _report(self, error):
        if self._on_error is not None:
            try:
                self._on_error(error)
            except Exception:
                pass

    def _run(self):
        while not self._stopped.is_set():
            try:
                self._connect()
            except Exception as error:
                if self._stopped.is_set():
                    break
                self._report(error)
            if self._stopped.wait(self._delay):
                break
            self._delay = min(self._delay * 2, MAX_RECONNECT_DELAY)

    def _connect(self):
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = self._conn = cls(self._host, self._port, timeout=30)
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        try:
            conn.request("GET", self._path, headers=headers)
            # Kept apart: a response that ends with the connection takes the socket from conn.
            self._sock = conn.sock
            if self._stopped.is_set():
                return
            res = conn.getresponse()
            self._read(res)
        finally:
            self.connected.clear()
            self._sock = None
            conn.close()
            self._conn = None

    def _read(self, res):
        if res.status != 200:
            res.read()
            raise ConnectionError("Stream connection failed (%d)" % res.status)
        self.connected.set()
        self._sock.settimeout(None)  # frames may be minutes apart; close() shuts the socket
        lines = (raw.decode("utf-8", "replace") for raw in iter(res.readline, b""))
        try:
            for event, data, frame_id, retry in parse_frames(lines):
                self._dispatch(event, data, frame_id, retry)
        finally:
            res.close()

    def _dispatch(self, event, data, frame_id, retry):
        self._delay = self._first_delay if retry is None else retry / 1000.0
        if retry is not None:
            self._first_delay = self._delay
        if frame_id:
            self.last_event_id = frame_id
        if event == "heartbeat" or data == "":
            return
        try:
            value = json.loads(data)
        except ValueError:
            return
        on_action, on_alert, on_event = self._handlers
        try:
            if event == "action.new" and on_action is not None:
                on_action(value)
            elif event == "alert.new" and on_alert is not None:
                on_alert(value)
            if on_event is not None:
                on_event(event, value, frame_id)
        except Exception as error:
            self._report(error)
