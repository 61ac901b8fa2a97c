"""One response rebuilt from the chunks of ``generate_content_stream`` (packages/sdk/src/
integrations/gemini-stream-response.ts): each chunk holds the next parts of the first candidate;
text parts of the same kind (answer or thought) are joined, other parts (function calls) kept in
order. ``usage_metadata`` is cumulative, so the last one counts; the finish reason and the
candidate's other fields come with the last chunks. It copies what it reads (as the API's JSON)
and never changes a chunk."""

from ._fields import items_of, to_json
from .gemini_response import g, legacy_result

NOT_TEXT = ("functionCall", "inlineData", "executableCode")


class GeminiStreamResponse(object):
    def __init__(self):
        self.parts = []
        self.candidate = {}
        self.response = {}
        self.chunks = 0

    def add(self, chunk):
        chunk = legacy_result(chunk)
        if chunk is None:
            return
        self.chunks += 1
        candidates = items_of(g(chunk, "candidates"))
        if candidates:
            first = to_json(candidates[0], camel_keys=True)
            if isinstance(first, dict):
                content = first.pop("content", None) or {}
                self.candidate.update({k: v for k, v in first.items() if v is not None})
                for part in content.get("parts") or []:
                    self._add_part(part)
        r = self.response
        for name in ("usage_metadata", "prompt_feedback"):
            if g(chunk, name) is not None:
                r[name] = g(chunk, name)
        for name in ("model_version", "response_id", "create_time", "sdk_http_response"):
            if r.get(name) is None and g(chunk, name) is not None:
                r[name] = g(chunk, name)

    def result(self):
        """The response as far as the stream got (fields by their Python names, values as they
        came); None before the first chunk."""
        if self.chunks == 0:
            return None
        result = dict(self.response)
        if self.parts or self.candidate:
            result["candidates"] = [dict({"content": {"role": "model",
                                                      "parts": list(self.parts)}},
                                         **self.candidate)]
        return result

    def _add_part(self, part):
        if not isinstance(part, dict):
            return
        last = self.parts[-1] if self.parts else None
        if (isinstance(part.get("text"), str) and last is not None and _is_text(last)
                and _is_text(part) and bool(last.get("thought")) == bool(part.get("thought"))):
            self.parts[-1] = dict(last, **part)
            self.parts[-1]["text"] = last["text"] + part["text"]
            return
        self.parts.append(dict(part))


def _is_text(part):
    """A part that is only text (possibly a thought, possibly signed), nothing to keep apart."""
    return isinstance(part.get("text"), str) and all(part.get(k) is None for k in NOT_TEXT)
