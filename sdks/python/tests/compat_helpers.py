"""Shared set-up of the compat tests: a recording server and clients that are closed afterwards."""

import unittest

from agenttrail.compat.agentledger import AgentLedger, AgentLedgerConfig

from .recording_server import RecordingServer

AL_KEY = "al_compat_test_key"
# a port nothing listens on: connection refused at once
DOWN_URL = "http://127.0.0.1:1"


class LedgerTestCase(unittest.TestCase):
    def setUp(self):
        self.server = RecordingServer()
        self.errors = []
        self.trails = []  # the AgentTrail clients underneath, closed after each test

    def tearDown(self):
        for trail in self.trails:
            trail.close(0.5)
        self.server.close()

    def ledger(self, cls=AgentLedger, **fields):
        config = dict(api_key=AL_KEY, base_url=self.server.url, on_error=self.errors.append)
        config.update(fields)
        ledger = cls(AgentLedgerConfig(**config))
        self.trails.append(ledger.trail if cls is AgentLedger else ledger.trail.sync)
        return ledger

    def only_request(self):
        (req,) = self.server.requests
        return req

    def assert_published_headers(self, req):
        """What agentledger-py sends on every request: the bearer key and the JSON type."""
        self.assertEqual(req.headers["Authorization"], "Bearer " + AL_KEY)
        self.assertEqual(req.headers["Content-Type"], "application/json")
