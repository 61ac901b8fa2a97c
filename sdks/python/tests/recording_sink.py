"""An event sink that keeps what the integrations fire, for checking field by field."""

from agenttrail.serializer import dumps


class RecordingSink(object):
    """Has what an integration needs of a client: ``fire(event)`` and ``report_error(error)``.
    Each event must be JSON as the SDK would send it: ``dumps`` raises otherwise."""

    def __init__(self):
        self.events, self.errors = [], []

    def fire(self, event):
        dumps(event)
        self.events.append(event)

    def report_error(self, error):
        self.errors.append(error)

    def only(self, test):
        """The one event fired; fails the test when there are more or none, or errors."""
        test.assertEqual(self.errors, [])
        test.assertEqual(len(self.events), 1, self.events)
        return self.events[0]
