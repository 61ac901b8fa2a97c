"""The AgentLedger-compatible control calls (packages/sdk/src/agent-controls.ts): the same paths,
bodies and error messages, so code that matches on them ports unchanged."""

import datetime
import time
import urllib.parse

from .errors import AgentTrailError
from .serializer import dumps, fit_value
from .transport import http_error


def check_action(transport, environment, agent, service=None, action=None, cost_cents=None,
                 input=None, trace_id=None, metadata=None):
    """POST /api/v1/check. The server's decision as a dict, always with ``allowed``."""
    body = {"agent": agent, "environment": environment}
    if service is not None:
        body["service"] = service
    if action is not None:
        body["action"] = action
    if cost_cents is not None:
        body["cost_cents"] = cost_cents
    if input is not None:
        body["input"] = fit_value(input)
    if trace_id:
        body["trace_id"] = trace_id
    if metadata is not None:
        body["metadata"] = metadata
    res = transport.request("POST", "/api/v1/check", dumps(body))
    if not res.ok:
        raise http_error("AgentLedger: Check failed", res)
    if not isinstance(res.json, dict):
        raise AgentTrailError("AgentLedger: Check failed (%d)" % res.status, status=res.status,
                              code="invalid_response")
    return res.json


def control_agent(transport, environment, name, verb):
    """POST /api/v1/agents/<name>/<verb>?environment=...; returns the server's answer."""
    path = "/api/v1/agents/%s/%s?environment=%s" % (
        urllib.parse.quote(name, safe=""), verb, urllib.parse.quote(environment, safe=""))
    res = transport.request("POST", path)
    if not res.ok:
        raise http_error("AgentLedger: Failed to %s agent" % verb, res)
    return res.json if isinstance(res.json, dict) else {}


def evaluate_action(transport, action_id, score, label=None, feedback=None, evaluated_by=None):
    """POST /api/v1/evaluations, the optional keys left out when None. Returns ``{"id"}``."""
    body = {"action_id": action_id, "score": score}
    for key, value in (("label", label), ("feedback", feedback), ("evaluated_by", evaluated_by)):
        if value is not None:
            body[key] = value
    res = transport.request("POST", "/api/v1/evaluations", dumps(body))
    if not res.ok:
        raise http_error("AgentLedger: Failed to create evaluation", res)
    return {"id": (res.json or {}).get("id")}


def wait_for_approval(transport, approval_id, timeout=300.0, poll_interval=3.0):
    """Polls until decided: the decided status, or ``"expired"`` when the server says pending past
    ``expires_at`` or ``timeout`` seconds pass first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = fetch_approval_status(transport, approval_id)
        if status != "pending":
            return status
        time.sleep(max(0.0, min(poll_interval, end - time.monotonic())))
    return "expired"


def fetch_approval_status(transport, approval_id):
    """One poll of ``GET /api/v1/approvals/<id>``: its status, ``"expired"`` for a pending one
    whose ``expires_at`` has passed."""
    path = "/api/v1/approvals/" + urllib.parse.quote(approval_id, safe="")
    res = transport.request("GET", path)
    if not res.ok:
        raise http_error("AgentLedger: Failed to fetch approval status", res)
    data = res.json if isinstance(res.json, dict) else {}
    data = data.get("approval", data) if isinstance(data.get("approval"), dict) else data
    status = data.get("status")
    if status == "pending" and data.get("expires_at"):
        try:
            expires = datetime.datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
            if expires < datetime.datetime.now(datetime.timezone.utc):
                return "expired"
        except (TypeError, ValueError):
            pass
    return status
