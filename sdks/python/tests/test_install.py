"""``pip install ./sdks/python`` into a fresh virtual environment, without any package index: the
in-tree build backend needs nothing from the network."""

import os
import subprocess
import sys
import tempfile
import unittest
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestInstall(unittest.TestCase):
    def test_installs_offline_into_a_fresh_venv_and_imports(self):
        with tempfile.TemporaryDirectory(prefix="agenttrail-venv-") as tmp:
            try:
                venv.create(tmp, with_pip=True)
            except Exception as error:  # no ensurepip in this Python build
                self.skipTest("cannot create a venv with pip: %s" % error)
            bindir = "Scripts" if os.name == "nt" else "bin"
            python = os.path.join(tmp, bindir, "python")
            env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
            env.pop("PYTHONPATH", None)
            done = subprocess.run([python, "-m", "pip", "install", "--no-index", ROOT],
                                  capture_output=True, text=True, timeout=300, env=env)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            out = subprocess.run([python, "-c", "import agenttrail; print(agenttrail.__file__);"
                                  "agenttrail.AgentTrail(api_key='at_x').close(0)"],
                                 capture_output=True, text=True, timeout=60, env=env, cwd=tmp)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("site-packages", out.stdout)


if __name__ == "__main__":
    unittest.main()
