"""integrations.langchain.AgentLedgerCallbackHandler of agenttrail.compat.agentledger: the
services, actions, outputs and metadata agentledger-py 0.5.0 logs for LangChain's callbacks, with
LangChain absent (a plain base class) and present (a fake ``langchain_core`` on sys.path)."""

import importlib
import os
import shutil
import sys
import tempfile
import types
import unittest
import uuid

from .compat_helpers import LedgerTestCase

MODULE = "agenttrail.compat.agentledger.integrations.langchain"
FAKE_CALLBACKS = '''
class BaseCallbackHandler(object):
    """Stands in for langchain_core.callbacks.BaseCallbackHandler."""
    raise_error = False
'''


def fresh_module():
    sys.modules.pop(MODULE, None)
    return importlib.import_module(MODULE)


def llm_result(model, generations=2):
    """Shaped as langchain_core.outputs.LLMResult: ``generations`` and ``llm_output``."""
    llm_output = {"model_name": model, "token_usage": {}} if model else None
    return types.SimpleNamespace(generations=[[object()]] * generations, llm_output=llm_output)


class HandlerCases(object):
    """The same cases with LangChain absent and present."""

    def handler(self, **options):
        return self.module.AgentLedgerCallbackHandler(self.ledger(), "research-bot", **options)

    def logs(self):
        return [r.body for r in self.server.requests]

    def test_tool_calls_are_logged_under_their_names(self):
        h = self.handler(service_map={"search": "tavily"})
        run = uuid.uuid4()
        h.on_tool_start({"name": "search"}, "ai news", run_id=run)
        h.on_tool_end("x" * 1500, run_id=run, name="search")
        h.on_tool_end({"n": 1}, run_id=uuid.uuid4(), name="calculator")
        h.on_tool_error(TimeoutError("slow"), run_id=uuid.uuid4(), name="search")
        h.on_tool_end("?", run_id=uuid.uuid4())
        first, second, error, unnamed = self.logs()
        self.assertEqual(first, {"agent": "research-bot", "service": "tavily",
                                 "action": "tool:search", "status": "success", "cost_cents": 0,
                                 "duration_ms": first["duration_ms"], "metadata": {},
                                 "environment": "production", "output": "x" * 1000})
        self.assertIsInstance(first["duration_ms"], int)
        self.assertEqual((second["service"], second["action"], second["output"],
                          second["duration_ms"]), ("langchain", "tool:calculator", "{'n': 1}", 0))
        self.assertEqual((error["service"], error["action"], error["status"], error["output"]),
                         ("tavily", "tool:search", "error", {"error": "slow"}))
        self.assertEqual(unnamed["action"], "tool:unknown_tool")

    def test_llm_calls_are_logged_with_the_model_and_generation_count(self):
        h = self.handler(service_map={"llm": "anthropic"})
        run = uuid.uuid4()
        h.on_chat_model_start({}, [[]], run_id=run)
        h.on_llm_end(llm_result("gpt-4o", 3), run_id=run)
        h.on_llm_start({}, ["hi"], run_id=uuid.uuid4())
        h.on_llm_end(llm_result(None, 1), run_id=uuid.uuid4())
        h.on_llm_error(RuntimeError("rate limited"), run_id=uuid.uuid4())
        end, unknown, error = self.logs()
        self.assertEqual((end["service"], end["action"], end["metadata"], end["status"]),
                         ("anthropic", "llm:gpt-4o", {"model": "gpt-4o", "generations": 3},
                          "success"))
        self.assertNotIn("output", end)
        self.assertEqual((unknown["action"], unknown["metadata"]),
                         ("llm:unknown", {"model": "unknown", "generations": 1}))
        self.assertEqual((error["action"], error["status"], error["output"]),
                         ("llm:error", "error", {"error": "rate limited"}))
        default = self.module.AgentLedgerCallbackHandler(self.ledger(), "bot")
        default.on_llm_end(llm_result("m"), run_id=uuid.uuid4())
        self.assertEqual(self.logs()[-1]["service"], "openai")

    def test_switched_off_kinds_and_failed_logs_never_reach_the_chain(self):
        h = self.handler(track_llm=False, track_tools=False)
        h.on_llm_start({}, [], run_id=uuid.uuid4())
        h.on_llm_end(llm_result("m"), run_id=uuid.uuid4())
        h.on_tool_end("x", run_id=uuid.uuid4(), name="t")
        self.assertEqual(self.server.requests, [])
        self.server.respond(500, None, {"error": "down"})
        self.handler().on_tool_end("x", run_id=uuid.uuid4(), name="t")  # does not raise
        self.assertEqual(len(self.server.requests), 1)


class TestWithoutLangChain(HandlerCases, LedgerTestCase):
    def setUp(self):
        super().setUp()
        # None in sys.modules makes the import fail, even where LangChain is installed
        self.saved = {m: sys.modules.pop(m) for m in list(sys.modules)
                      if m.split(".")[0] == "langchain_core"}
        sys.modules["langchain_core"] = None
        self.module = fresh_module()

    def tearDown(self):
        del sys.modules["langchain_core"]
        sys.modules.update(self.saved)
        sys.modules.pop(MODULE, None)
        super().tearDown()

    def test_the_base_is_plain_and_looks_like_a_handler(self):
        self.assertEqual(self.module.AgentLedgerCallbackHandler.__mro__[1].__module__, MODULE)
        self.assertFalse(self.handler().raise_error)
        self.assertFalse(self.handler().ignore_llm)


class TestWithLangChain(HandlerCases, LedgerTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="fake-langchain-")
        package = os.path.join(self.dir, "langchain_core")
        os.makedirs(os.path.join(package, "callbacks"))
        open(os.path.join(package, "__init__.py"), "w").close()
        with open(os.path.join(package, "callbacks", "__init__.py"), "w") as f:
            f.write(FAKE_CALLBACKS)
        sys.path.insert(0, self.dir)
        self.module = fresh_module()

    def tearDown(self):
        sys.path.remove(self.dir)
        for name in [m for m in sys.modules if m.split(".")[0] == "langchain_core"]:
            del sys.modules[name]
        sys.modules.pop(MODULE, None)
        shutil.rmtree(self.dir, ignore_errors=True)
        super().tearDown()

    def test_subclasses_langchains_base_handler(self):
        from langchain_core.callbacks import BaseCallbackHandler
        self.assertTrue(issubclass(self.module.AgentLedgerCallbackHandler, BaseCallbackHandler))
        self.assertIsInstance(self.handler(), BaseCallbackHandler)


if __name__ == "__main__":
    unittest.main()
