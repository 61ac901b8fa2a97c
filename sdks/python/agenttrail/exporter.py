"""Sends events to ``POST /api/v1/events/batch``, retrying transient failures until the deadline.
Every event carries its client id, so a retry of a batch the server did commit is answered as a
duplicate instead of being stored twice. Never raises: what was lost is in the result."""

from .clock import SYSTEM_CLOCK
from .errors import AgentTrailError
from .serializer import serialize_event
from .transport import http_error, with_retry

# The server takes 16 MiB per batch request; characters times 3 bounds the UTF-8 size.
MAX_CHUNK_CHARS = 5 * 1024 * 1024


class ExportResult(object):
    def __init__(self):
        self.sent = 0
        self.losses = []  # (count, reason, cause)


class BatchExporter(object):
    def __init__(self, transport, environment, tags, timeout, retry_deadline, initial_delay=0.5,
                 clock=SYSTEM_CLOCK):
        self.transport = transport
        self.environment = environment
        self.tags = tags
        self.timeout = timeout
        self.retry_deadline = retry_deadline
        self.initial_delay = initial_delay
        self.clock = clock
        self.retries = 0

    def export(self, events, abort):
        result = ExportResult()
        chunks, chunk, size, unserializable = [], [], 0, 0
        for event in events:
            try:
                text = serialize_event(event, self.environment, self.tags)
            except Exception:
                text = None
            if text is None:
                unserializable += 1
                continue
            if chunk and size + len(text) > MAX_CHUNK_CHARS:
                chunks.append(chunk)
                chunk, size = [], 0
            chunk.append(text)
            size += len(text) + 1
        if chunk:
            chunks.append(chunk)
        if unserializable:
            result.losses.append((unserializable, "unserializable", AgentTrailError(
                "AgentTrail: an event could not be turned into JSON", code="unserializable")))
        for parts in chunks:
            self._send(parts, abort, result)
        return result

    def _send(self, parts, abort, result):
        body = '{"events":[' + ",".join(parts) + "]}"

        def attempt(remaining):
            res = self.transport.request("POST", "/api/v1/events/batch", body,
                                         timeout=max(0.001, min(self.timeout, remaining)))
            if not res.ok:
                raise http_error("AgentTrail: Failed to send events", res)
            return res

        def count_retry(_error):
            self.retries += 1

        try:
            res = with_retry(attempt, self.retry_deadline, abort, count_retry, self.initial_delay,
                             clock=self.clock)
        except AgentTrailError as error:
            if abort.is_set():
                reason = "shutdown"
            else:
                reason = "export_failed" if error.retryable else "rejected"
            result.losses.append((len(parts), reason, error))
            return
        except Exception as error:  # a bug of ours: report it, lose the batch, keep the thread
            result.losses.append((len(parts), "export_failed", error))
            return
        body_json = res.json if isinstance(res.json, dict) else {}
        refused = body_json.get("errors") if isinstance(body_json.get("errors"), list) else []
        result.sent += len(parts) - len(refused)
        if refused:
            details = []
            for item in refused:
                if isinstance(item, dict):
                    for d in item.get("details") or []:
                        details.append(dict(d, index=item.get("index")))
            result.losses.append((len(refused), "rejected", AgentTrailError(
                "AgentTrail: the server refused %d of %d events" % (len(refused), len(parts)),
                status=res.status, code="validation_failed", details=details)))
