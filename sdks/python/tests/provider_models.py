"""Stand-ins for the providers' Python objects, built from the API's JSON the way the libraries
build theirs, so the integrations are tested against the same attribute names and nesting:

- openai-python 1.x-3.x and anthropic-python 0.40+: pydantic models made with ``construct()``
  from the JSON: an attribute per declared field (None when the JSON has none), the JSON's own
  names, nested models for nested objects, ``model_fields_set`` = the keys the JSON had, and
  ``_request_id`` set from the response's request-id header (``Model``);
- google-genai 1.x-2.x: pydantic models whose fields are the snake_case forms of the JSON's
  camelCase names, enums for ``finish_reason``, ``bytes`` for ``thought_signature``, a datetime
  for ``create_time``, and a ``sdk_http_response`` with the headers (``GenaiModel``);
- google-generativeai 0.8: proto-plus messages read by snake_case attribute, whose class offers
  ``to_dict(message, preserving_proto_field_name=..., use_integers_for_enums=...)`` (``Proto``).
"""

import base64
import datetime
import enum
import re


class Model(object):
    """A pydantic model as ``construct()`` makes it. ``FIELDS``: name -> nested model class, or a
    one-element list ``[Class]`` for a list of them, or None for plain data."""

    FIELDS = {}

    def __init__(self, **data):
        object.__setattr__(self, "__pydantic_fields_set__", set(data))
        for name in self.FIELDS:
            setattr(self, name, None)
        for name, value in data.items():
            setattr(self, name, build(self.FIELDS.get(name), value))

    @property
    def model_fields_set(self):
        return self.__dict__["__pydantic_fields_set__"]


def build(kind, value):
    if kind is None or value is None:
        return value
    if isinstance(kind, list):
        return [build(kind[0], v) for v in value]
    if isinstance(value, dict):
        return kind.from_json(value) if hasattr(kind, "from_json") else kind(**value)
    return value


def new(cls, data, request_id=None):
    obj = build(cls, data)
    if request_id is not None:
        object.__setattr__(obj, "_request_id", request_id)
    return obj


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


class GenaiModel(Model):
    """A google-genai model: ``from_json`` takes the API's camelCase JSON."""

    CONVERT = {}  # field -> function of the JSON value

    @classmethod
    def from_json(cls, data):
        fields = {}
        for key, value in data.items():
            name = snake(key)
            convert = cls.CONVERT.get(name)
            fields[name] = convert(value) if convert else value
        return cls(**fields)


class FinishReason(str, enum.Enum):
    STOP = "STOP"
    MAX_TOKENS = "MAX_TOKENS"
    SAFETY = "SAFETY"


class GenaiFunctionCall(GenaiModel):
    FIELDS = {"id": None, "args": None, "name": None}  # args: dict[str, Any], keys untouched


class GenaiPart(GenaiModel):
    FIELDS = {"text": None, "thought": None, "thought_signature": None,
              "function_call": GenaiFunctionCall, "inline_data": None}
    CONVERT = {"thought_signature": lambda v: base64.b64decode(v + "=" * (-len(v) % 4))}


class GenaiContent(GenaiModel):
    FIELDS = {"parts": [GenaiPart], "role": None}


class GenaiCandidate(GenaiModel):
    FIELDS = {"content": GenaiContent, "finish_reason": None, "index": None,
              "safety_ratings": None}
    CONVERT = {"finish_reason": FinishReason}


class GenaiUsage(GenaiModel):
    FIELDS = {"prompt_token_count": None, "candidates_token_count": None,
              "total_token_count": None, "cached_content_token_count": None,
              "thoughts_token_count": None, "tool_use_prompt_token_count": None,
              "prompt_tokens_details": None, "cache_tokens_details": None}


class GenaiHttpResponse(GenaiModel):
    FIELDS = {"headers": None, "body": None}


class GenerateContentResponse(GenaiModel):
    FIELDS = {"sdk_http_response": GenaiHttpResponse, "candidates": [GenaiCandidate],
              "create_time": None, "model_version": None, "prompt_feedback": None,
              "response_id": None, "usage_metadata": GenaiUsage}
    CONVERT = {"create_time": lambda v: datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))}


def genai_response(data, headers=None):
    response = GenerateContentResponse.from_json(data)
    if headers is not None:
        response.sdk_http_response = GenaiHttpResponse(headers=dict(headers))
    return response


class ProtoEnum(int, enum.Enum):
    """proto-plus enums are IntEnums; their JSON spelling is the name."""
    FINISH_REASON_UNSPECIFIED = 0
    STOP = 1
    MAX_TOKENS = 2


class Proto(object):
    """A proto-plus message: snake_case attributes (unset ones read as their zero value), and
    the class's ``to_dict``."""

    def __init__(self, **fields):
        self._pb = dict(fields)
        for name, value in fields.items():
            setattr(self, name, value)

    @classmethod
    def to_dict(cls, message, preserving_proto_field_name=True, use_integers_for_enums=True):
        def convert(value):
            if isinstance(value, Proto):
                return type(value).to_dict(value, preserving_proto_field_name,
                                           use_integers_for_enums)
            if isinstance(value, enum.Enum):
                return int(value) if use_integers_for_enums else value.name
            if isinstance(value, list):
                return [convert(v) for v in value]
            return value
        key = (lambda k: k) if preserving_proto_field_name else (
            lambda k: re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k))
        return {key(k): convert(v) for k, v in message._pb.items()}


class LegacyGenerateContentResponse(object):
    """google-generativeai's GenerateContentResponse: the API's answer (a proto) in ``_result``,
    and, for ``stream=True``, the chunks still to come in ``_iterator`` until ``_done``. It
    offers ``candidates`` (refused before the stream is done), ``text``, ``prompt_feedback`` and
    ``usage_metadata``, not ``model_version``."""

    def __init__(self, result, chunks=None):
        self._result = result
        self._done = chunks is None
        self._iterator = iter(chunks or [])
        self._chunks = [result]

    @property
    def candidates(self):
        if not self._done:
            raise ValueError("Please let the response complete iteration")
        return self._result.candidates

    @property
    def usage_metadata(self):
        return self._result.usage_metadata

    @property
    def prompt_feedback(self):
        return getattr(self._result, "prompt_feedback", None)

    @property
    def text(self):
        return "".join(p.text for p in self.candidates[0].content.parts
                       if not getattr(p, "thought", False))

    def __iter__(self):
        if self._done:
            for chunk in self._chunks:
                yield LegacyGenerateContentResponse(chunk)
            return
        yield LegacyGenerateContentResponse(self._chunks[0])
        for chunk in self._iterator:
            self._chunks.append(chunk)
            yield LegacyGenerateContentResponse(chunk)
        self._result = self._chunks[-1]  # the library joins the chunks; the last one will do here
        self._done = True
