"""The option and result dataclasses of ``agentledger-py`` 0.5.0 (``agentledger.types``), with
the same field names, order and defaults, so code that builds or reads them ports unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

AGENTLEDGER_CLOUD_URL = "https://agentledger.co"


@dataclass
class AgentLedgerConfig:
    """How to reach the server. ``base_url`` defaults to AgentLedger's own address, as in the
    published client; here that value means "not set", so the client reads
    ``AGENTLEDGER_BASE_URL``, then ``AGENTTRAIL_BASE_URL``, then AgentTrail's default
    (``http://127.0.0.1:7878``). ``timeout`` is in seconds (default 5.0). ``on_error(exc)`` gets the
    failures that ``track`` keeps from your code (a failed record, an unreachable check in fail-open
    mode)."""

    api_key: str
    base_url: str = AGENTLEDGER_CLOUD_URL
    fail_open: bool = True
    timeout: float = 5.0
    environment: str = "production"
    on_error: Optional[Callable[[Exception], None]] = None


@dataclass
class TrackOptions:
    """One action: who (``agent``), against what (``service``), doing what (``action``), plus the
    optional cost in cents, metadata, trace id, input and output. ``capture_output=True`` records
    the tracked function's return value as the output."""

    agent: str
    service: str
    action: str
    cost_cents: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None
    trace_id: Optional[str] = None
    input: Optional[Any] = None
    output: Optional[Any] = None
    capture_output: bool = False


@dataclass
class TrackResult:
    """What ``track`` returns: the function's ``result``, ``allowed`` (True unless the check said
    no, which raises instead), ``duration_ms`` and the recorded action's id (None when the record
    could not be written)."""

    result: Any
    allowed: bool
    duration_ms: int
    action_id: Optional[str] = None


@dataclass
class CheckResult:
    """The server's decision: ``allowed`` (True when the answer leaves it out), ``block_reason``
    and ``remaining_budget`` as the server sent them."""

    allowed: bool
    block_reason: Optional[str] = None
    remaining_budget: Optional[Dict[str, Any]] = None


@dataclass
class LogOptions(TrackOptions):
    """TrackOptions plus a ``status`` (default ``"success"``) and ``duration_ms`` (default 0). As in
    the published client, ``log()`` takes status and duration as its own arguments."""

    status: str = "success"
    duration_ms: int = 0
