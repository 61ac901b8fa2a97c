"""The integrations import no provider library: in a process where importing openai, anthropic,
google, langchain_core, pydantic or httpx fails loudly, every integration module and the
Logwick-compatible module import and record calls."""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

SDK = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
POISONED = ("openai", "anthropic", "google", "langchain_core", "langchain", "pydantic", "httpx")

SCRIPT = textwrap.dedent('''
    import sys
    import agenttrail.integrations.openai as o
    import agenttrail.integrations.anthropic as a
    import agenttrail.integrations.gemini as g
    import agenttrail.integrations.langchain as lc
    import agenttrail.integrations.tools
    import agenttrail.compat.logwick
    events = []
    class Sink(object):
        fire = events.append
    answer = {"object": "chat.completion", "model": "gpt-4o", "choices": [],
              "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}
    assert o.record_openai_call(Sink(), lambda: answer) is answer
    a.record_anthropic_call(Sink(), lambda: {"model": "claude", "content": []})
    g.record_gemini_call(Sink(), lambda: {"modelVersion": "gemini", "candidates": []})
    handler = lc.AgentTrailCallbackHandler(Sink(), "x")  # langchain_core fails: plain base
    assert [b.__name__ for b in type(handler).__bases__] == ["TrailCallbacks",
                                                              "_PlainCallbackHandler"]
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in %r)
    print(len(events), loaded)
    ''' % (POISONED,))


class TestNoProviderImports(unittest.TestCase):
    def test_nothing_of_the_providers_is_imported(self):
        with tempfile.TemporaryDirectory() as root:
            for name in POISONED:
                os.makedirs(os.path.join(root, name))
                with open(os.path.join(root, name, "__init__.py"), "w") as f:
                    f.write("raise ImportError('%s must not be imported')\n" % name)
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, SDK]))
            out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=root,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 universal_newlines=True, timeout=60)
        self.assertEqual((out.returncode, out.stdout.strip()), (0, "3 []"), out.stdout)


if __name__ == "__main__":
    unittest.main()
