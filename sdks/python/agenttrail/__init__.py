"""AgentTrail's Python SDK: record what your AI agents do and control them. Standard library only."""

from .client import DEFAULT_BASE_URL, KEY_PREFIXES, AgentTrail
from .aio import AsyncAgentTrail
from .track import TrackResult, Tracker
from .errors import (ActionBlockedError, AgentTrailError, ApprovalRequiredError,
                     InvalidApiKeyError)
from ._ids import trace_id, uuidv7

__version__ = "0.1.0"

__all__ = ["AgentTrail", "AsyncAgentTrail", "AgentTrailError", "ApprovalRequiredError",
           "ActionBlockedError", "InvalidApiKeyError", "TrackResult", "Tracker",
           "DEFAULT_BASE_URL", "KEY_PREFIXES", "trace_id", "uuidv7", "__version__"]
