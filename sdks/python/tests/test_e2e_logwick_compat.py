"""``agenttrail.compat.logwick`` against the real server, with a Logwick key: what its module-level
``fire``, ``LogwickClient.openai`` and ``langchain_handler`` send lands as Logwick reads it back
(``GET /api/v1/logs``) and as the native event, priced by the server."""

import copy
import importlib
import unittest
import uuid

from agenttrail.compat import logwick

from . import openai_fixtures as ofx
from .langchain_fakes import Driver, HumanMessage, anthropic_answer
from .live_server import live_server
from .openai_models import ChatCompletion
from .provider_models import new


class TestLogwickCompatEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()
        cls.key = cls.server.new_key("sk-lw-")

    def setUp(self):
        importlib.reload(logwick)
        self.errors, self.drops = [], []
        self.suffix = uuid.uuid4().hex[:8]

    def tearDown(self):
        logwick.shutdown(5)

    def logs(self, agent):
        status, body = self.server.request("GET", "/api/v1/logs?agent=" + agent, headers={
            "Authorization": "Bearer " + self.key})
        self.assertEqual(status, 200, body)
        return body["logs"]

    def test_module_fire_and_the_wrappers_land_on_the_server(self):
        lw = logwick.init(api_key=self.key, base_url=self.server.url, tags=["lw-e2e"],
                          flush_on_exit=False, on_error=self.errors.append,
                          on_drop=lambda n, r: self.drops.append((n, r)))
        fired = "lw-e2e-fire-" + self.suffix
        logwick.fire({"agent": fired, "action": "email_draft", "status": "success",
                      "input": "Draft", "output": "Subject: hi", "tokens": 312,
                      "latency_ms": 1842, "user": "ada@acme.com", "cost_usd": 0.0042,
                      "metadata": {"campaign": "spring"}})
        wrapped = "lw-e2e-openai-" + self.suffix
        completion = new(ChatCompletion, copy.deepcopy(ofx.CHAT_COMPLETION))
        self.assertIs(lw.openai(lambda: completion, {"agent": wrapped, "action": "weather",
                                                     "user": "ada@acme.com"}), completion)
        handler = lw.langchain_handler(user="ops@acme.com", agent="lw-e2e-lc-" + self.suffix)
        Driver(handler).chat([HumanMessage("hi")], anthropic_answer("hello"))
        self.assertTrue(logwick.flush(20))
        self.assertEqual((self.errors, self.drops), ([], []))

        (log,) = self.logs(fired)
        self.assertEqual({k: log[k] for k in ("agent", "action", "status", "input", "output",
                                              "user", "tokens", "latency_ms", "cost_usd",
                                              "tags", "metadata")}, {
            "agent": fired, "action": "email_draft", "status": "success", "input": "Draft",
            "output": "Subject: hi", "user": "ada@acme.com", "tokens": 312,
            "latency_ms": 1842, "cost_usd": 0.0042, "tags": ["lw-e2e"],
            "metadata": {"campaign": "spring"}})
        self.assertEqual(self.server.event(log["id"])["kind"], "llm_call")

        (call,) = self.server.events(agent=wrapped)
        event = self.server.event(call["id"])
        self.assertEqual({k: event[k] for k in ("kind", "status", "action", "user", "provider",
                                                "model", "tokens_input", "tokens_cache_read",
                                                "tokens_output", "tokens_total", "stop_reason",
                                                "cost_usd", "tags")}, {
            "kind": "llm_call", "status": "success", "action": "weather",
            "user": "ada@acme.com", "provider": "openai", "model": "gpt-4o-2024-08-06",
            "tokens_input": 2006, "tokens_cache_read": 1920, "tokens_output": 300,
            "tokens_total": 2306, "stop_reason": "tool_calls",
            # gpt-4o: (2,006 - 1,920) x $2.50 + 1,920 x $1.25 + 300 x $10 per million.
            "cost_usd": 0.005615, "tags": ["lw-e2e"]})
        self.assertTrue(event["cost_source"].startswith("price_table@"))
        self.assertEqual(event["tool_calls"],
                         ofx.CHAT_COMPLETION["choices"][0]["message"]["tool_calls"])

        (chat,) = self.logs("lw-e2e-lc-" + self.suffix)
        self.assertEqual((chat["user"], chat["tokens"], chat["action"]),
                         ("ops@acme.com", 1620, "completion"))


if __name__ == "__main__":
    unittest.main()
