"""The requests ``agentledger-py`` 0.5.0 makes, sent through AgentTrail's transport: the same
paths, bodies and headers, no retries, and any status of 400 or more raised as
``RuntimeError("AgentLedger: Request failed (<status>)")``. Both clients call these."""

import json
import os
import urllib.parse

from ...client import DEFAULT_BASE_URL
from ...errors import AgentTrailError, is_retryable_status
from ...serializer import dumps
from .types import AGENTLEDGER_CLOUD_URL, AgentLedgerConfig, CheckResult

KEY_MESSAGE = 'AgentLedger: Invalid API key. Keys start with "al_".'
TRUNCATE_AT = 50000
# The published client sends the JSON content type on every request, GETs and empty POSTs too.
HEADERS = {"Content-Type": "application/json"}


class RequestFailedError(RuntimeError, AgentTrailError):
    """``AgentLedger: Request failed (<status>)``: a RuntimeError as the published client raises,
    which also carries AgentTrail's ``status``, ``code`` and ``details``."""

    def __init__(self, status, body=None):
        body = body if isinstance(body, dict) else {}
        AgentTrailError.__init__(self, "AgentLedger: Request failed (%d)" % status, status=status,
                                 code=body.get("code"), details=body.get("details"),
                                 retryable=is_retryable_status(status))


def as_config(config, kwargs):
    """``AgentLedger(AgentLedgerConfig(...))`` as published, or the same fields as keywords."""
    if config is not None and kwargs:
        raise TypeError("pass an AgentLedgerConfig or keyword options, not both")
    return config if config is not None else AgentLedgerConfig(**kwargs)


def resolve_base_url(configured):
    """The configured URL, unless it is AgentLedger's own (the field's default), then
    ``AGENTLEDGER_BASE_URL``, ``AGENTTRAIL_BASE_URL``, AgentTrail's default."""
    if configured and configured.rstrip("/") != AGENTLEDGER_CLOUD_URL:
        return configured
    return (os.environ.get("AGENTLEDGER_BASE_URL") or os.environ.get("AGENTTRAIL_BASE_URL")
            or DEFAULT_BASE_URL)


def trail_options(config):
    """The AgentTrail client options for a config, after AgentLedger's own key check."""
    if not config.api_key or not str(config.api_key).startswith("al_"):
        raise ValueError(KEY_MESSAGE)
    return dict(api_key=config.api_key, base_url=resolve_base_url(config.base_url),
                environment=config.environment, fail_open=config.fail_open,
                timeout=config.timeout, on_error=config.on_error, silent=True)


def send(transport, method, path, body=None, params=None):
    """One request; the answer as the raw Response, after the status check."""
    if params:
        path += "?" + urllib.parse.urlencode(params)
    res = transport.request(method, path, None if body is None else dumps(body), headers=HEADERS)
    if res.status >= 400:
        raise RequestFailedError(res.status, res.json)
    return res


def request(transport, method, path, body=None, params=None):
    """The answer's JSON, ``{}`` for an empty one. A body that is not JSON raises the decoder's
    ValueError, as ``httpx.Response.json()`` does."""
    res = send(transport, method, path, body, params)
    if res.status == 204 or not res.raw:
        return {}
    if res.json is None:
        return json.loads(res.raw.decode("utf-8"))
    return res.json


def truncate(data, max_chars=TRUNCATE_AT):
    """The value, or the marker when its ``json.dumps`` text is over ``max_chars`` characters
    (``_originalSize`` and ``_preview`` measured on that text), or ``_error`` when it has none."""
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return {"_error": "Could not serialize"}
    if len(text) <= max_chars:
        return data
    return {"_truncated": True, "_originalSize": len(text), "_preview": text[:500]}


def check(transport, options):
    """POST /api/v1/check with only agent, service and action (no environment)."""
    data = request(transport, "POST", "/api/v1/check", {
        "agent": options.agent, "service": options.service, "action": options.action})
    return CheckResult(allowed=data.get("allowed", True), block_reason=data.get("blockReason"),
                       remaining_budget=data.get("remainingBudget"))


def log_action(transport, environment, options, status, duration_ms, captured_output=None):
    """POST /api/v1/actions; ``options.output`` wins over the captured output. The answer."""
    output = options.output if options.output is not None else captured_output
    body = {"agent": options.agent, "service": options.service, "action": options.action,
            "status": status, "cost_cents": options.cost_cents or 0, "duration_ms": duration_ms,
            "metadata": options.metadata or {}, "environment": environment}
    if options.trace_id:
        body["trace_id"] = options.trace_id
    if options.input is not None:
        body["input"] = truncate(options.input)
    if output is not None:
        body["output"] = truncate(output)
    return request(transport, "POST", "/api/v1/actions", body)


def control(transport, name, verb):
    """POST /api/v1/agents/<name>/<verb>, the name fully encoded, no environment parameter."""
    request(transport, "POST", "/api/v1/agents/%s/%s" % (urllib.parse.quote(name, safe=""), verb))


def batch_entry(action, environment):
    """One action of ``log_batch`` as the published client builds it."""
    entry = {"agent": action["agent"], "service": action["service"], "action": action["action"],
             "status": action.get("status", "success"), "cost_cents": action.get("cost_cents", 0),
             "duration_ms": action.get("duration_ms", 0), "metadata": action.get("metadata", {}),
             "environment": environment}
    if "trace_id" in action:
        entry["trace_id"] = action["trace_id"]
    for field in ("input", "output"):
        if field in action:
            entry[field] = truncate(action[field])
    return entry


def export_params(from_date, to_date, format, agent, service, status, limit):
    params = {"from": from_date, "to": to_date, "format": format}
    for key, value in (("agent", agent), ("service", service), ("status", status),
                       ("limit", limit)):
        if value:
            params[key] = value
    return params


def export(transport, params):
    """GET /api/v1/export: the JSON answer, or the CSV text for ``format="csv"`` (the published
    client tries to parse that as JSON and fails)."""
    if params.get("format") == "csv":
        return send(transport, "GET", "/api/v1/export", params=params).raw.decode("utf-8")
    return request(transport, "GET", "/api/v1/export", params=params)
