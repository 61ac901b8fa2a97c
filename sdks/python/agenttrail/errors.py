"""The SDK's exceptions. Messages name the operation and the status, never event contents."""


class AgentTrailError(Exception):
    """Everything of the SDK's own: ``status`` (HTTP status or None), ``code`` (the server's code
    or the SDK's), ``details`` (the server's field problems), ``retryable`` and ``retry_after``
    (seconds the server asked to wait, or None)."""

    def __init__(self, message, status=None, code=None, details=None, retryable=False,
                 retry_after=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details
        self.retryable = retryable
        self.retry_after = retry_after


class InvalidApiKeyError(AgentTrailError, ValueError):
    """A missing or malformed API key (raised by the constructor only)."""


class ApprovalRequiredError(AgentTrailError):
    """The server asks a person to approve the action first; ``approval_id`` names the request."""

    def __init__(self, approval_id, check_result=None):
        super().__init__("Approval required (id: %s)" % approval_id, code="approval_required")
        self.approval_id = approval_id
        self.check_result = check_result


class ActionBlockedError(AgentTrailError):
    """The server refused the action (paused, killed, budget, policy)."""

    def __init__(self, reason, check_result=None):
        super().__init__("AgentLedger: Action blocked - %s" % (reason or "budget exceeded"),
                         code="action_blocked")
        self.reason = reason
        self.check_result = check_result


def is_retryable_status(status):
    """408, 429 and 5xx may succeed later; other 4xx will not (bad event, bad key, forbidden)."""
    return status == 408 or status == 429 or status >= 500
