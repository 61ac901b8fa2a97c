"""``agentledger-py`` 0.5.0's public API on AgentTrail: replace ``from agentledger import ...`` with
``from agenttrail.compat.agentledger import ...`` and the rest of the code stays as it is. The
integrations are ``agenttrail.compat.agentledger.integrations.langchain`` and
``.integrations.openai_agents``, as in the published package."""

from ._async_client import AsyncAgentLedger
from .client import AgentLedger, CheckOptions
from .types import AgentLedgerConfig, CheckResult, LogOptions, TrackOptions, TrackResult

__all__ = ["AgentLedger", "AsyncAgentLedger", "AgentLedgerConfig", "CheckOptions", "CheckResult",
           "LogOptions", "TrackOptions", "TrackResult"]
