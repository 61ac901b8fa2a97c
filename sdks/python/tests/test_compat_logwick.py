"""The Logwick-compatible module (``agenttrail.compat.logwick``) against a local recording server:
Logwick's documented Python calls, and what they send."""

import copy
import importlib
import io
import os
import unittest
from unittest import mock

from agenttrail.compat import logwick
from agenttrail.integrations.langchain import AgentTrailCallbackHandler

from . import anthropic_fixtures as afx
from . import gemini_fixtures as gfx
from . import openai_fixtures as ofx
from .anthropic_models import Message
from .langchain_fakes import Driver, HumanMessage, anthropic_answer
from .openai_models import ChatCompletion, RateLimitError
from .provider_models import genai_response, new
from .recording_server import RecordingServer

KEY = "sk-lw-test-0123456789"


class LogwickTestCase(unittest.TestCase):
    def setUp(self):
        importlib.reload(logwick)  # a fresh module-level client for each test
        self.server = RecordingServer()
        self.clients = []

    def tearDown(self):
        logwick.shutdown(0.5)
        for client in self.clients:
            client.close(0.5)
        self.server.close()

    def client(self, **options):
        options.setdefault("flush_on_exit", False)
        client = logwick.LogwickClient(api_key=KEY, base_url=self.server.url, **options)
        self.clients.append(client)
        return client

    def sent(self, client):
        self.assertTrue(client.flush(5))
        return [e for r in self.server.batch_requests() for e in r.events]


class TestModuleLevel(LogwickTestCase):
    def test_fire_before_init_is_dropped_with_one_warning(self):
        with mock.patch("sys.stderr", new=io.StringIO()) as err:
            logwick.fire({"agent": "gpt-4o", "action": "early"})
            logwick.fire({"agent": "gpt-4o", "action": "early again"})
        self.assertEqual(err.getvalue(), "[agenttrail] fire() called before init(); logs are "
                                         "dropped until init(api_key=...) is called\n")
        self.assertTrue(logwick.flush())
        self.assertEqual(self.server.requests, [])

    def test_init_then_fire_sends_logwicks_fields_as_the_server_maps_them(self):
        client = logwick.init(api_key=KEY, base_url=self.server.url, tags=["production"],
                              flush_on_exit=False)
        self.assertIsInstance(client, logwick.LogwickClient)
        logwick.fire({"agent": "gpt-4o", "action": "email_draft", "status": "success",
                      "input": "Draft", "output": "Hi", "tokens": 312, "latency_ms": 1842,
                      "user": "ada@acme.com", "cost_usd": 0.0042, "metadata": {"v": 2}})
        logwick.fire({"agent": "claude", "action": "review", "kind": "turn"})
        logwick.fire(None)  # never raises
        first, second = self.sent(client)
        self.assertEqual({k: v for k, v in first.items() if k not in ("id", "ts")}, {
            "kind": "llm_call", "agent": "gpt-4o", "action": "email_draft",
            "status": "success", "input": "Draft", "output": "Hi", "tokens_total": 312,
            "duration_ms": 1842, "user": "ada@acme.com", "cost_usd": 0.0042,
            "metadata": {"v": 2}, "tags": ["production"], "environment": "production"})
        self.assertEqual((second["kind"], second["tags"]), ("turn", ["production"]))
        self.assertEqual(self.server.batch_requests()[0].headers["Authorization"],
                         "Bearer " + KEY)

    def test_init_again_replaces_and_closes_the_first_client(self):
        first = logwick.init(api_key=KEY, base_url=self.server.url, flush_on_exit=False)
        second = logwick.init(api_key=KEY, base_url=self.server.url, flush_on_exit=False)
        first.fire({"agent": "a", "action": "after close"})
        logwick.fire({"agent": "a", "action": "kept"})
        self.assertEqual([e["action"] for e in self.sent(second)], ["kept"])


class TestBaseUrlAndKey(LogwickTestCase):
    def test_base_url_from_the_argument_then_logwick_then_agenttrail_environment(self):
        env = {"LOGWICK_BASE_URL": "http://logwick.local:1/", "AGENTTRAIL_BASE_URL":
               "http://agenttrail.local:2", "LOGWICK_API_KEY": KEY}
        with mock.patch.dict(os.environ, env):
            self.assertEqual(self.client().trail.base_url, self.server.url)
            self.clients.append(logwick.LogwickClient(flush_on_exit=False))
            self.assertEqual(self.clients[-1].trail.base_url, "http://logwick.local:1")
            del os.environ["LOGWICK_BASE_URL"]
            self.clients.append(logwick.LogwickClient(flush_on_exit=False))
            self.assertEqual(self.clients[-1].trail.base_url, "http://agenttrail.local:2")
            self.assertEqual(self.clients[-1].trail._transport.api_key, KEY)

    def test_silent_by_default_as_logwick_documents_and_prints_when_told_not_to_be(self):
        with mock.patch("sys.stderr", new=io.StringIO()) as err:
            for options in ({}, {"silent": False}):  # the quiet client first
                self.server.respond(404, body={"error": {"code": "not_found"}})
                client = self.client(**options)
                client.fire({"agent": "a", "action": "b"})
                self.assertTrue(client.flush(5))
            # The sender thread reports the loss just after the flush returns.
            self.server.wait_for(lambda: "dropped" in err.getvalue(), 5)
        self.assertTrue(err.getvalue().startswith(
            "[agenttrail] AgentTrail: dropped 1 event (rejected)"), err.getvalue())
        self.assertEqual(err.getvalue().count("dropped"), 1)  # none from the quiet client


class TestWrappers(LogwickTestCase):
    def test_openai_returns_the_response_and_logs_it_named_after_the_model(self):
        lw = self.client(tags=["production"])
        completion = new(ChatCompletion, copy.deepcopy(ofx.CHAT_COMPLETION))
        result = lw.openai(lambda: completion, {"action": "email_draft",
                                                "user": "ada@acme.com"})
        self.assertIs(result, completion)
        (event,) = self.sent(lw)
        self.assertEqual({k: event[k] for k in ("kind", "agent", "action", "user", "provider",
                                                "model", "tokens_input", "tokens_total",
                                                "stop_reason", "tags", "status")}, {
            "kind": "llm_call", "agent": "gpt-4o-2024-08-06", "action": "email_draft",
            "user": "ada@acme.com", "provider": "openai", "model": "gpt-4o-2024-08-06",
            "tokens_input": 2006, "tokens_total": 2306, "stop_reason": "tool_calls",
            "tags": ["production"], "status": "success"})
        self.assertGreaterEqual(event["duration_ms"], 0)

    def test_anthropic_and_gemini_and_an_error_raised_unchanged(self):
        lw = self.client()
        message = new(Message, copy.deepcopy(afx.MESSAGE))
        self.assertIs(lw.anthropic(lambda: message, {"action": "document_review",
                                                     "agent": "reviewer"}), message)
        response = genai_response(copy.deepcopy(gfx.RESPONSE))
        self.assertIs(lw.gemini(lambda: response, {"action": "data_analysis"}), response)
        error = RateLimitError("limited", 429, {}, {"type": "requests"})

        def failing():
            raise error
        with self.assertRaises(RateLimitError) as raised:
            lw.openai(failing, {"action": "email_draft", "agent": "gpt-4o"})
        self.assertIs(raised.exception, error)
        review, analysis, failed = self.sent(lw)
        self.assertEqual((review["agent"], review["action"], review["tokens_cache_write"]),
                         ("reviewer", "document_review", 1200))
        self.assertEqual((analysis["agent"], analysis["provider"], analysis["tokens_output"]),
                         ("gemini-2.5-flash", "google", 191))
        self.assertEqual((failed["agent"], failed["status"], failed["error"]["status"]),
                         ("gpt-4o", "error", 429))

    def test_langchain_handler_logs_each_llm_call_for_the_user(self):
        lw = self.client()
        handler = lw.langchain_handler(user="ops@acme.com")
        self.assertIsInstance(handler, AgentTrailCallbackHandler)
        driver = Driver(handler)
        driver.chat([HumanMessage("hi")], anthropic_answer("hello"))
        driver.tool("search", {"q": "x"}, "found")
        llm, tool = self.sent(lw)
        self.assertEqual((llm["agent"], llm["user"], llm["kind"], llm["tokens_total"]),
                         ("claude-sonnet-4-5-20250929", "ops@acme.com", "llm_call", 1620))
        self.assertEqual((tool["agent"], tool["user"], tool["kind"]),
                         ("langchain", "ops@acme.com", "tool_call"))


if __name__ == "__main__":
    unittest.main()
