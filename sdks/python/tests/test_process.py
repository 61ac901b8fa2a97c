"""Process life: the exit flush, and forked workers (the child gets a fresh queue and sender; the
parent's server sees each event exactly once)."""

import os
import subprocess
import sys
import textwrap
import unittest

from agenttrail import AgentTrail

from .recording_server import RecordingServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_script(code, url):
    env = dict(os.environ, AGENTTRAIL_API_KEY="at_test_key", AGENTTRAIL_BASE_URL=url,
               PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, timeout=30,
                          capture_output=True, text=True)


class TestExitAndFork(unittest.TestCase):
    def setUp(self):
        self.server = RecordingServer()

    def tearDown(self):
        self.server.close()

    def agents(self):
        return sorted(e["agent"] for r in self.server.batch_requests() for e in r.events)

    def test_pending_events_are_sent_at_interpreter_exit(self):
        proc = run_script("""
            import agenttrail
            trail = agenttrail.AgentTrail(flush_interval=60)
            for i in range(3):
                trail.fire({"agent": "exit-%d" % i})
        """, self.server.url)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.agents(), ["exit-0", "exit-1", "exit-2"])

    def test_forked_child_and_parent_each_send_their_own_events_once(self):
        # The parent's event is still queued when it forks; the child exits normally (atexit).
        proc = run_script("""
            import os, sys, agenttrail
            trail = agenttrail.AgentTrail(flush_interval=60)
            trail.fire({"agent": "parent-before"})
            pid = os.fork()
            if pid == 0:
                trail.fire({"agent": "child"})
                sys.exit(0)
            _, status = os.waitpid(pid, 0)
            assert status == 0, status
            trail.fire({"agent": "parent-after"})
        """, self.server.url)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.agents(), ["child", "parent-after", "parent-before"])
        ids = [e["id"] for r in self.server.batch_requests() for e in r.events]
        self.assertEqual(len(set(ids)), 3)

    @unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
    def test_fork_in_process_after_the_sender_started(self):
        trail = AgentTrail(api_key="at_test_key", base_url=self.server.url, flush_interval=0.05,
                           flush_on_exit=False, silent=True)
        try:
            trail.fire({"agent": "warm"})
            self.assertTrue(trail.flush(5))  # the sender thread and its socket exist now
            trail.fire({"agent": "queued-in-parent"})
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    trail.fire({"agent": "child"})
                    code = 0 if trail.flush(5) and trail.stats()["sent"] == 1 else 2
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            self.assertTrue(trail.flush(5))
            self.assertEqual(self.agents(), ["child", "queued-in-parent", "warm"])
        finally:
            trail.close(1)


if __name__ == "__main__":
    unittest.main()
