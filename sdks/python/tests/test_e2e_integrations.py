"""The integrations' events through a real client to the real server: each provider's call (objects
shaped as its library's), a streamed one, a failed one and a LangChain run are accepted, stored
and priced by the server as the TypeScript SDK's are."""

import copy
import hashlib
import unittest
import uuid

from agenttrail import AgentTrail
from agenttrail.integrations.anthropic import wrap_anthropic
from agenttrail.integrations.gemini import record_gemini_call
from agenttrail.integrations.langchain import AgentTrailCallbackHandler
from agenttrail.integrations.openai import record_openai_call

from . import anthropic_fixtures as afx
from . import gemini_fixtures as gfx
from . import openai_fixtures as ofx
from .anthropic_models import Message, RateLimitError
from .langchain_fakes import Driver, HumanMessage, SystemMessage, anthropic_answer
from .live_server import live_server
from .openai_models import ChatCompletionChunk, Stream
from .provider_models import genai_response, new
from .test_integration_anthropic import Client as AnthropicClient


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TestIntegrationsEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = live_server()

    def setUp(self):
        self.errors, self.drops = [], []
        self.trail = AgentTrail(api_key=self.server.key, base_url=self.server.url,
                                environment="py-int-e2e", flush_on_exit=False,
                                on_error=self.errors.append,
                                on_drop=lambda n, r: self.drops.append((n, r)))
        self.agent = "py-int-" + uuid.uuid4().hex[:8]

    def tearDown(self):
        self.trail.close(5)

    def stored(self, **filters):
        self.assertTrue(self.trail.flush(20))
        self.assertEqual((self.errors, self.drops), ([], []))
        events = self.server.events(agent=self.agent, **filters)
        return sorted((self.server.event(e["id"]) for e in events), key=lambda e: e["seq"])

    def test_provider_calls_are_stored_and_priced_by_the_server(self):
        conversation = "conv-" + self.agent
        anthropic = wrap_anthropic(AnthropicClient(new(Message, copy.deepcopy(afx.MESSAGE))),
                                   self.trail, event={"agent": self.agent,
                                                      "conversation_id": conversation})
        anthropic.messages.create(**afx.REQUEST)
        record_gemini_call(self.trail, lambda: genai_response(copy.deepcopy(gfx.RESPONSE)),
                           params=gfx.REQUEST, event={"agent": self.agent})
        stream = Stream([new(ChatCompletionChunk, c) for c in ofx.CHAT_STREAM_WITH_USAGE],
                        headers=ofx.RATE_LIMIT_HEADERS)
        list(record_openai_call(self.trail, lambda: stream, event={"agent": self.agent},
                                params={"model": "gpt-4o-mini", "messages": ofx.MESSAGES,
                                        "stream": True}))
        error = RateLimitError("limited", 429, {"retry-after": "3"}, afx.RATE_LIMITED)
        failing = wrap_anthropic(AnthropicClient(error), self.trail, event={"agent": self.agent})
        with self.assertRaises(RateLimitError):
            failing.messages.create(**afx.REQUEST)

        claude, gemini, gpt, failed = self.stored()
        self.assertEqual({k: claude[k] for k in (
            "kind", "status", "provider", "model", "input", "stop_reason", "thinking",
            "tokens_input", "tokens_output", "tokens_cache_read", "tokens_cache_write",
            "tokens_total", "cost_usd", "system_prompt_sha256", "conversation_id")}, {
            "kind": "llm_call", "status": "success", "provider": "anthropic",
            "model": "claude-opus-4-5-20251101", "input": "What is the weather in Paris?",
            "stop_reason": "tool_use",
            "thinking": "The user wants the weather in Paris. I should call get_weather.",
            "tokens_input": 42, "tokens_output": 156, "tokens_cache_read": 4000,
            "tokens_cache_write": 1200, "tokens_total": 5398,
            # Claude Opus 4.5 per million: $5 input, $0.50 cache read, $6.25 cache write, $25
            # output: 210 + 2000 + 7500 + 3900 = 13,610 micro-dollars.
            "cost_usd": 0.01361,
            "system_prompt_sha256": sha256(
                "You are a weather assistant.\n\nAlways answer in one sentence."),
            "conversation_id": conversation})
        self.assertEqual(claude["output"], afx.MESSAGE)
        detail = self.server.get("/api/v1/conversations/%s/calls/%s" % (conversation,
                                                                       claude["id"]))
        self.assertEqual(detail["response_text"],
                         "I'll check the current weather in Paris for you.")
        self.assertEqual(detail["tool_calls"][0]["name"], "get_weather")

        self.assertEqual({k: gemini[k] for k in ("provider", "model", "tokens_input",
                                                 "tokens_cache_read", "tokens_output",
                                                 "tokens_total", "cost_usd", "stop_reason")}, {
            "provider": "google", "model": "gemini-2.5-flash", "tokens_input": 5210,
            "tokens_cache_read": 4096, "tokens_output": 191, "tokens_total": 5401,
            # (5210 - 4096) x 0.30 + 4096 x 0.03 + 191 x 2.50 = 934.58 -> 935 micro-dollars.
            "cost_usd": 0.000935, "stop_reason": "STOP"})
        self.assertEqual(gemini["tool_calls"], [{"name": "get_weather",
                                                 "input": {"city": "Paris"}}])

        self.assertEqual({k: gpt[k] for k in ("provider", "model", "tokens_input",
                                              "tokens_cache_read", "tokens_output", "cost_usd",
                                              "rate_limit")}, {
            "provider": "openai", "model": "gpt-4o-mini-2024-07-18", "tokens_input": 1200,
            "tokens_cache_read": 1024, "tokens_output": 42,
            # 176 x 0.15 + 1,024 x 0.075 + 42 x 0.60 = 128.4 -> 128 micro-dollars.
            "cost_usd": 0.000128,
            "rate_limit": {k: v for k, v in ofx.RATE_LIMIT_HEADERS.items()
                           if k.startswith("x-ratelimit-")}})
        self.assertEqual(gpt["metadata"]["stream"], True)

        self.assertEqual((failed["status"], failed["error"], failed["rate_limit"]),
                         ("error", {"name": "RateLimitError", "message": "limited",
                                    "status": 429, "type": "rate_limit_error"},
                          {"retry-after": "3"}))

    def test_a_langchain_run_is_stored_nested_under_one_trace(self):
        handler = AgentTrailCallbackHandler(self.trail, self.agent, track_chains=True,
                                            service_map={"calculator": "math"})
        driver = Driver(handler, metadata={"thread_id": "thread-" + self.agent})
        chain = driver.chain("adder_agent", {"input": "2 + 3?"})
        driver.chat([SystemMessage("You add numbers."), HumanMessage("2 + 3?")],
                    anthropic_answer("5"), parent=chain)
        driver.tool("calculator", {"a": 2, "b": 3}, "5", parent=chain)
        driver.end_chain(chain, {"output": "5"})

        llm, tool, run = self.stored()
        self.assertEqual([e["kind"] for e in (llm, tool, run)],
                         ["llm_call", "tool_call", "chain"])
        self.assertEqual({e["trace_id"] for e in (llm, tool, run)}, {str(chain)})
        self.assertEqual((llm["parent_span_id"], tool["parent_span_id"], run["parent_span_id"]),
                         (str(chain), str(chain), None))
        self.assertEqual((llm["tokens_input"], llm["tokens_total"], llm["conversation_id"]),
                         (300, 1620, "thread-" + self.agent))
        self.assertEqual(llm["system_prompt_sha256"], sha256("You add numbers."))
        self.assertIsNotNone(llm["cost_usd"])
        self.assertEqual((tool["service"], tool["action"], tool["input"], tool["output"]),
                         ("math", "invoke", {"a": 2, "b": 3}, "5"))


if __name__ == "__main__":
    unittest.main()
