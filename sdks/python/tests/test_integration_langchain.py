"""The LangChain callback handler, called as LangChain's callback manager calls it (see
``langchain_fakes.py``), and the class it is made from with and without langchain_core."""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import uuid

from agenttrail.integrations import langchain
from agenttrail.integrations.langchain import AgentTrailCallbackHandler

from .langchain_fakes import (Driver, HumanMessage, LLMResult, Generation, SystemMessage,
                              ToolMessage, anthropic_answer)
from .recording_sink import RecordingSink

SDK = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def agent_loop(driver, question="What is 2 + 3?"):
    """A tiny agent: the model asks for the calculator, gets its answer, and replies."""
    chain = driver.chain("adder_agent", {"input": question})
    prompt = [SystemMessage("You add numbers."), HumanMessage(question)]
    ask = anthropic_answer([{"type": "text", "text": "Let me add."}], stop_reason="tool_use",
                           tool_calls=[{"name": "calculator", "args": {"a": 2, "b": 3},
                                        "id": "toolu_01", "type": "tool_call"}])
    ask_run = driver.chat(prompt, ask, parent=chain)
    tool_run = driver.tool("calculator", {"a": 2, "b": 3}, ToolMessage("5", "toolu_01"),
                           parent=chain, tool_call_id="toolu_01")
    reply_run = driver.chat(prompt + [ask, ToolMessage("5", "toolu_01")],
                            anthropic_answer("2 + 3 = 5"), parent=chain)
    driver.end_chain(chain, {"output": "2 + 3 = 5"})
    return chain, ask_run, tool_run, reply_run


class TestCallbackHandler(unittest.TestCase):
    def test_records_an_agent_run_with_tokens_and_real_tool_names_under_one_trace(self):
        sink = RecordingSink()
        handler = AgentTrailCallbackHandler(
            sink, "lc-agent", service_map={"calculator": {"service": "math", "action": "add"}},
            track_chains=True, event={"user": "ada@acme.com", "tags": ["lc"]})
        chain, ask_run, tool_run, reply_run = agent_loop(Driver(handler))

        self.assertEqual(sink.errors, [])
        ask, calc, reply, run = sink.events
        self.assertEqual([e["kind"] for e in sink.events],
                         ["llm_call", "tool_call", "llm_call", "chain"])
        for event in sink.events:
            self.assertEqual((event["trace_id"], event["agent"], event["user"], event["tags"]),
                             (str(chain), "lc-agent", "ada@acme.com", ["lc"]))
            self.assertEqual(event["metadata"]["source"], "langchain")
            self.assertGreaterEqual(event["duration_ms"], 0)
        self.assertEqual([e["span_id"] for e in sink.events],
                         [str(ask_run), str(tool_run), str(reply_run), str(chain)])
        self.assertEqual({e.get("parent_span_id") for e in sink.events}, {str(chain), None})
        self.assertNotIn("parent_span_id", run)
        self.assertEqual({k: run[k] for k in ("service", "action", "title", "status", "input",
                                              "output")},
                         {"service": "langchain", "action": "chain_run", "title": "adder_agent",
                          "status": "success", "input": {"input": "What is 2 + 3?"},
                          "output": {"output": "2 + 3 = 5"}})
        self.assertEqual({k: ask[k] for k in ask if k not in ("ts", "duration_ms", "trace_id",
                                                               "span_id", "metadata")}, {
            "kind": "llm_call", "agent": "lc-agent", "user": "ada@acme.com", "tags": ["lc"],
            "status": "success", "parent_span_id": str(chain), "service": "anthropic",
            "action": "completion", "provider": "anthropic",
            "model": "claude-sonnet-4-5-20250929", "system_prompt": "You add numbers.",
            "messages": [{"role": "user", "content": "What is 2 + 3?"}],
            # Anthropic's own input count: LangChain's 1500 minus 1000 cache read, 200 written.
            "tokens_input": 300, "tokens_output": 120, "tokens_cache_read": 1000,
            "tokens_cache_write": 200, "tokens_total": 1620, "stop_reason": "tool_use",
            "tool_calls": [{"name": "calculator", "args": {"a": 2, "b": 3}, "id": "toolu_01",
                            "type": "tool_call"}],
            "output": [{"type": "text", "text": "Let me add."}]})
        self.assertEqual(ask["metadata"], {"source": "langchain", "runId": str(ask_run)})
        self.assertEqual({k: calc[k] for k in ("service", "action", "status", "input",
                                               "output")},
                         {"service": "math", "action": "add", "status": "success",
                          "input": {"a": 2, "b": 3}, "output": "5"})
        self.assertEqual(calc["metadata"], {"source": "langchain", "runId": str(tool_run),
                                            "toolName": "calculator", "tool_call_id": "toolu_01"})
        self.assertEqual([m["role"] for m in reply["messages"]], ["user", "assistant", "tool"])
        self.assertEqual(reply["messages"][2]["tool_call_id"], "toolu_01")
        self.assertEqual(reply["output"], "2 + 3 = 5")

    def test_names_an_unmapped_tool_after_itself_and_records_failures(self):
        sink = RecordingSink()
        handler = AgentTrailCallbackHandler(sink, "lc-tools", service_map={"search": "tavily"})
        driver = Driver(handler)
        driver.tool("weather", {"city": "Oslo"}, RuntimeError("no station in Oslo"))
        driver.tool("search", "who won?", "nobody")
        driver.tool("lookup", {"q": 1}, ToolMessage("bad input", "call_9", status="error"))
        weather, search, lookup = sink.events
        self.assertEqual((weather["service"], weather["action"], weather["status"],
                          weather["error"]), ("weather", "invoke", "error", {
                              "name": "RuntimeError", "message": "no station in Oslo"}))
        self.assertEqual((search["service"], search["input"], search["output"]),
                         ("tavily", "who won?", "nobody"))
        self.assertEqual((lookup["status"], lookup["output"]), ("error", "bad input"))
        self.assertEqual(weather["trace_id"], weather["span_id"])  # a run on its own

    def test_a_text_model_token_usage_from_llm_output_and_its_prompt_as_input(self):
        sink = RecordingSink()
        handler = AgentTrailCallbackHandler(sink, "lc-text")
        run = uuid.uuid4()
        handler.on_llm_start({"id": ["langchain", "llms", "openai", "OpenAI"]},
                             ["Say hi"], run_id=run, invocation_params={
                                 "model_name": "gpt-3.5-turbo-instruct"})
        handler.on_llm_end(LLMResult(
            [[Generation("Hi!", {"finish_reason": "stop"})]],
            llm_output={"token_usage": {"prompt_tokens": 12, "completion_tokens": 5,
                                        "total_tokens": 17},
                        "model_name": "gpt-3.5-turbo-instruct"}), run_id=run)
        event = sink.only(self)
        self.assertEqual({k: event[k] for k in ("provider", "service", "model", "input",
                                                "output", "stop_reason", "tokens_input",
                                                "tokens_output", "tokens_total")},
                         {"provider": "openai", "service": "openai",
                          "model": "gpt-3.5-turbo-instruct", "input": "Say hi",
                          "output": "Hi!", "stop_reason": "stop", "tokens_input": 12,
                          "tokens_output": 5, "tokens_total": 17})
        self.assertNotIn("tokens_cache_read", event)

    def test_a_failed_model_call_is_recorded_with_its_error(self):
        sink = RecordingSink()
        Driver(AgentTrailCallbackHandler(sink, "lc-fail")).chat(
            [HumanMessage("hi")], TimeoutError("the model timed out"))
        event = sink.only(self)
        self.assertEqual((event["status"], event["provider"], event["model"], event["error"]),
                         ("error", "anthropic", "claude-sonnet-4-5",
                          {"name": "TimeoutError", "message": "the model timed out"}))

    def test_records_only_what_it_is_asked_to(self):
        sink = RecordingSink()
        agent_loop(Driver(AgentTrailCallbackHandler(sink, "lc-default")))
        self.assertEqual([e["kind"] for e in sink.events], ["llm_call", "tool_call", "llm_call"])

        sink = RecordingSink()
        handler = AgentTrailCallbackHandler(sink, "lc-none", track_llm=False, track_tools=False)
        self.assertTrue(handler.ignore_llm and handler.ignore_chat_model and handler.ignore_agent)
        self.assertFalse(handler.ignore_chain)
        agent_loop(Driver(handler))
        self.assertEqual(sink.events, [])

        sink = RecordingSink()
        agent_loop(Driver(AgentTrailCallbackHandler(sink, "lc-quiet", capture_content=False,
                                                    track_chains=True)))
        self.assertEqual(len(sink.events), 4)
        for event in sink.events:
            for name in ("input", "output", "messages", "system_prompt", "thinking"):
                self.assertNotIn(name, event)
        self.assertEqual(sink.events[0]["tokens_total"], 1620)

    def test_takes_the_langgraph_thread_id_as_the_conversation_and_hides_plumbing(self):
        sink = RecordingSink()
        driver = Driver(AgentTrailCallbackHandler(sink, "lc-graph", track_chains=True),
                        metadata={"thread_id": "thread-42"})
        outer = driver.chain("graph", {"messages": []})
        hidden = driver.chain("ChannelWrite", {}, parent=outer, tags=["langsmith:hidden"])
        driver.chat([HumanMessage("hi")], anthropic_answer("hello"), parent=hidden)
        driver.end_chain(hidden, {}, parent=outer)
        driver.end_chain(outer, None, error=ValueError("graph failed"))
        llm, graph = sink.events
        self.assertEqual((llm["conversation_id"], llm["trace_id"], llm["parent_span_id"]),
                         ("thread-42", str(outer), str(hidden)))
        self.assertEqual((graph["status"], graph["error"]["message"], graph["title"]),
                         ("error", "graph failed", "graph"))

    def test_never_raises_into_langchain(self):
        class Broken(RecordingSink):
            def fire(self, event):
                raise RuntimeError("sink down")
        sink = Broken()
        handler = AgentTrailCallbackHandler(sink, "lc-broken")
        agent_loop(Driver(handler))
        handler.on_llm_end(None, run_id=uuid.uuid4())
        handler.on_tool_start(None, None, run_id=None)
        self.assertEqual({str(e) for e in sink.errors}, {"sink down"})


class TestHandlerClass(unittest.TestCase):
    def test_without_langchain_core_the_class_has_a_plain_base_with_the_same_methods(self):
        self.assertNotIn("langchain_core", sys.modules)
        cls = langchain.handler_class()
        self.assertIs(cls, AgentTrailCallbackHandler)
        self.assertIs(langchain.AgentLedgerCallbackHandler, cls)
        self.assertEqual([b.__name__ for b in cls.__bases__],
                         ["TrailCallbacks", "_PlainCallbackHandler"])
        handler = cls(RecordingSink(), "x")
        for name in ("on_llm_new_token", "on_retriever_start", "on_agent_action", "on_text",
                     "on_retry", "on_custom_event", "on_chat_model_start", "on_chain_start"):
            self.assertTrue(callable(getattr(handler, name)), name)
        self.assertIsNone(handler.on_llm_new_token("tok", run_id=uuid.uuid4()))
        self.assertEqual((handler.raise_error, handler.run_inline), (False, True))
        with self.assertRaises(AttributeError):
            langchain.Nothing

    def test_with_langchain_core_importable_the_class_subclasses_its_base_handler(self):
        with tempfile.TemporaryDirectory() as root:
            package = os.path.join(root, "langchain_core", "callbacks")
            os.makedirs(package)
            open(os.path.join(root, "langchain_core", "__init__.py"), "w").close()
            with open(os.path.join(package, "__init__.py"), "w") as f:
                f.write(textwrap.dedent('''
                    class BaseCallbackHandler(object):
                        raise_error = False
                        run_inline = False
                        def on_chat_model_start(self, serialized, messages, **kwargs):
                            raise NotImplementedError
                        def on_text(self, text, **kwargs):
                            return "base"
                        @property
                        def ignore_llm(self):
                            return False
                    '''))
            script = textwrap.dedent('''
                import sys, uuid
                import agenttrail.integrations.langchain as lc
                assert "langchain_core" not in sys.modules, "imported at import time"
                from agenttrail.integrations.langchain import AgentTrailCallbackHandler as H
                from langchain_core.callbacks import BaseCallbackHandler
                assert issubclass(H, BaseCallbackHandler), H.__mro__
                events = []
                class Sink(object):
                    fire = events.append
                h = H(Sink(), "sub", track_llm=False)
                assert isinstance(h, BaseCallbackHandler)
                assert h.on_text("x") == "base" and h.run_inline is True and h.ignore_llm
                run = uuid.uuid4()
                h.on_tool_start({"name": "calc"}, "1", run_id=run)
                h.on_tool_end("2", run_id=run)
                print(events[0]["service"], events[0]["output"])
                ''')
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, SDK]))
            out = subprocess.run([sys.executable, "-c", script], env=env, cwd=root,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 universal_newlines=True, timeout=60)
            self.assertEqual((out.returncode, out.stdout.strip()), (0, "calc 2"), out.stdout)


if __name__ == "__main__":
    unittest.main()
