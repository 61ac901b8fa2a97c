"""One queued event as the JSON the server receives (packages/sdk/src/event-serializer.ts). Runs on
the sender thread, never in fire(): gives the event its client id, fills the client's defaults,
maps AgentLedger's and Logwick's spellings, and replaces a field the server would refuse for its
size with AgentLedger's marker."""

import datetime
import decimal
import json
import uuid

from . import _ids

PAYLOAD_BYTES = 262144
OBJECT_BYTES = 65536
PAYLOAD_FIELDS = ("input", "output", "messages", "tool_calls", "error")
OBJECT_FIELDS = ("metadata", "context", "rate_limit")
TEXT_FIELDS = ("system_prompt", "thinking")
CHECK_ABOVE = OBJECT_BYTES // 4
ALIASES = (("durationMs", "duration_ms"), ("traceId", "trace_id"),
           ("latency_ms", "duration_ms"), ("tokens", "tokens_total"))


def _default(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError("not JSON serializable: %s" % type(value).__name__)


def dumps(value):
    """Compact JSON (UTF-8 kept as is); NaN and infinities are refused, as the server would."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                      default=_default)


def try_dumps(value):
    try:
        return dumps(value)
    except (TypeError, ValueError, RecursionError):
        return None


def cents_to_usd(cents):
    """Cents as an exact decimal dollar string, to the micro-dollar the server keeps."""
    micros = decimal.Decimal(str(cents)) * 10000
    return str((micros.to_integral_value(decimal.ROUND_HALF_UP) / 1000000).quantize(
        decimal.Decimal("0.000001")))


def truncation_marker(text):
    return {"_truncated": True, "_originalSize": len(text), "_preview": text[:500]}


def fit_value(value, max_bytes=PAYLOAD_BYTES):
    """The value, or AgentLedger's marker when its JSON is over ``max_bytes`` or it has none."""
    text = try_dumps(value)
    if text is None:
        return {"_error": "Could not serialize"}
    if len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes:
        return truncation_marker(text)
    return value


def _apply_aliases(event):
    for alias, native in ALIASES:
        if alias in event:
            value = event.pop(alias)
            if event.get(native) is None:
                event[native] = value
    if "costCents" in event:
        cents = event.pop("costCents")
        if event.get("cost_usd") is None and isinstance(cents, (int, float)) \
                and not isinstance(cents, bool):
            event["cost_usd"] = cents_to_usd(cents)


def serialize_event(event, environment, tags):
    """JSON text of ``event`` (the SDK's own copy, changed in place), or None when it has none."""
    _apply_aliases(event)
    if event.get("id") is None:
        ts = event.get("ts")
        event["id"] = _ids.uuidv7(ts if isinstance(ts, int) and not isinstance(ts, bool) else None)
    if event.get("environment") is None:
        event["environment"] = environment
    if tags:
        own = event.get("tags")
        merged = list(tags)
        if isinstance(own, (list, tuple)):
            merged += [t for t in own if t not in merged]
        event["tags"] = merged
    text = try_dumps(event)
    if text is None or len(text) > CHECK_ABOVE:
        for field in PAYLOAD_FIELDS:
            if field in event:
                event[field] = fit_value(event[field], PAYLOAD_BYTES)
        for field in OBJECT_FIELDS:
            if field in event:
                event[field] = fit_value(event[field], OBJECT_BYTES)
        for field in TEXT_FIELDS:
            _cut_text(event, field, PAYLOAD_BYTES)
        text = try_dumps(event)
    return text


def _cut_text(event, field, max_bytes):
    text = event.get(field)
    if not isinstance(text, str) or len(text) * 4 <= max_bytes:
        return
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return
    event[field] = raw[:max_bytes - 16].decode("utf-8", "ignore")
    metadata = event.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    cut = metadata.get("truncated_fields")
    metadata["truncated_fields"] = (list(cut) if isinstance(cut, list) else []) + [field]
    event["metadata"] = metadata
