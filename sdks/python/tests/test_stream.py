"""stream(): SSE frames parsed as the spec allows, Last-Event-ID on reconnect, close()."""

import http.server
import threading
import time
import unittest

from agenttrail import AgentTrail
from agenttrail.stream import parse_frames


class SseServer(object):
    def __init__(self):
        self.seen = []  # (path, Last-Event-ID)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.seen.append((self.path, self.headers.get("Last-Event-ID")))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if len(server.seen) == 1:
                    self.wfile.write(b"retry: 50\r\n\r\n: comment\n"
                                     b"event: action.new\nid: 1\ndata: {\"id\":\"a1\",\n"
                                     b"data: \"agent_name\":\"bot\"}\n\n"
                                     b"event: heartbeat\ndata: {}\n\n"
                                     b"event: alert.new\nid: 2\ndata: not json\n\n")
                    return  # the connection ends: the client reconnects after 50 ms
                self.wfile.write(b"event: alert.new\r\nid: 3\r\ndata: {\"id\":\"al1\"}\r\n\r\n")
                self.wfile.flush()
                time.sleep(5)  # held open until the client closes

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class TestStream(unittest.TestCase):
    def test_parse_frames(self):
        frames = list(parse_frames(["event: x\r\n", "data: a\n", "data:b\n", "id: 9\n", "\n",
                                    "data: c\n", "\n"]))
        self.assertEqual(frames, [("x", "a\nb", "9", None), ("message", "c", "9", None)])

    def test_receives_frames_and_reconnects_with_last_event_id(self):
        server = SseServer()
        trail = AgentTrail(api_key="at_k", base_url=server.url, environment="dev",
                           flush_on_exit=False)
        actions, alerts, every, errors = [], [], [], []
        handle = trail.stream(on_action=actions.append, on_alert=alerts.append,
                              on_event=lambda t, d, i: every.append((t, i)),
                              on_error=errors.append, events=["action.new", "alert.new"])
        try:
            end = time.monotonic() + 5
            while not alerts and time.monotonic() < end:
                time.sleep(0.01)
            self.assertEqual(actions, [{"id": "a1", "agent_name": "bot"}])
            self.assertEqual(alerts, [{"id": "al1"}])
            self.assertEqual(every, [("action.new", "1"), ("alert.new", "3")])
            self.assertEqual(server.seen[0][0], "/api/v1/stream?key=at_k&events=action.new%2C"
                                                "alert.new&environment=dev")
            self.assertEqual([s[1] for s in server.seen], [None, "2"])
        finally:
            started = time.monotonic()
            handle.close()
            handle._thread.join(2)
            self.assertFalse(handle._thread.is_alive())
            self.assertLess(time.monotonic() - started, 2)
            trail.close(0)
            server.close()


if __name__ == "__main__":
    unittest.main()
