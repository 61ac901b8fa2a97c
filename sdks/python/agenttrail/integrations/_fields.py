"""Reading provider answers without importing the providers' libraries.

Every value an integration reads may be a library object (a pydantic model of openai-python,
anthropic-python or google-genai, a proto-plus message of google-generativeai) or the same data
as a dict (the API's JSON). ``field()`` reads both; ``to_json()`` turns either into plain JSON data
without calling ``model_dump()``, so an event never holds a library object."""

import base64
import datetime
import decimal
import enum
import math
import re
import uuid

try:
    from collections.abc import Mapping
except ImportError:  # pragma: no cover
    from collections import Mapping

MAX_DEPTH = 40


def field(value, *names):
    """The first of ``names`` that ``value`` has and is not None: an attribute, else a mapping
    key. None when none is. Never raises (a property that raises counts as absent)."""
    if value is None:
        return None
    for name in names:
        try:
            found = value.get(name) if isinstance(value, Mapping) else getattr(value, name, None)
        except Exception:
            found = None
        if found is not None:
            return found
    return None


def path(value, *names):
    """``field()`` along a path of single names: ``path(x, "usage", "total_tokens")``."""
    for name in names:
        value = field(value, name)
    return value


def items_of(value):
    """A list or tuple (or another sequence but text) as a list; anything else as []."""
    if value is None or isinstance(value, (str, bytes, Mapping)):
        return []
    try:
        return list(value) if hasattr(value, "__len__") and hasattr(value, "__getitem__") else []
    except Exception:
        return []


def is_mapping(value):
    return isinstance(value, Mapping)


def count(value):
    """A token count the server accepts (a whole number >= 0), else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return int(value) if value >= 0 else None


def sum_counts(*counts):
    """Sum of the counts that are numbers; None when none is."""
    known = [c for c in counts if c is not None]
    return sum(known) if known else None


def text(value):
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def enum_text(value):
    """An enum as the API spells it: a str-valued enum's value (google-genai), an int enum's
    name (proto-plus); a string as is."""
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, str) else value.name
    return value if isinstance(value, str) else None


_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name):
    """``usage_metadata`` -> ``usageMetadata``: the JSON name of a google-genai field."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def _model_fields(value):
    """A library object's data fields (those the API sent, when the model says which), or None
    for an object that is not a data model."""
    data = getattr(value, "__dict__", None)
    if not isinstance(data, dict):
        return None
    fields = {k: v for k, v in data.items() if not k.startswith("_")}
    extra = getattr(value, "__pydantic_extra__", None)  # a slot in pydantic v2
    if isinstance(extra, dict):
        fields.update(extra)
    # pydantic v2 (model_fields_set) and v1 (__fields_set__): the fields set from the JSON.
    sent = getattr(value, "model_fields_set", None)
    if not isinstance(sent, (set, frozenset)):
        sent = getattr(value, "__fields_set__", None)
    if isinstance(sent, (set, frozenset)):
        fields = {k: v for k, v in fields.items() if k in sent or (extra and k in extra)}
    return fields


def _proto_dict(value, camel_keys):
    """A proto-plus message (google-generativeai) through its own ``to_dict``."""
    to_dict = getattr(type(value), "to_dict", None)
    if to_dict is None or not hasattr(value, "_pb"):
        return None
    try:
        return to_dict(value, preserving_proto_field_name=not camel_keys,
                       use_integers_for_enums=False)
    except Exception:
        return None


def to_json(value, camel_keys=False, _depth=0):
    """``value`` as JSON data: dicts, lists, strings, numbers, booleans and None. Library objects
    become dicts of their fields (``camel_keys``: field names in the API's camelCase, for
    google-genai); bytes become base64 text as the APIs send them; what cannot be read becomes
    its ``repr``. Mapping keys are kept as they are (a tool's arguments are not field names)."""
    if isinstance(value, enum.Enum):  # before str and int: google-genai's are str enums
        return enum_text(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if _depth > MAX_DEPTH:
        return repr(value)
    depth = _depth + 1
    if isinstance(value, Mapping):
        return {str(k): to_json(v, camel_keys, depth) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v, camel_keys, depth) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    proto = _proto_dict(value, camel_keys)
    if proto is not None:
        return to_json(proto, False, depth)
    fields = _model_fields(value)
    if fields is not None:
        return {(camel(k) if camel_keys else k): to_json(v, camel_keys, depth)
                for k, v in fields.items()}
    if hasattr(value, "__len__") and hasattr(value, "__getitem__"):
        try:
            return [to_json(v, camel_keys, depth) for v in list(value)]
        except Exception:
            pass
    return repr(value)


def compact(fields):
    """The fields without None values (JSON's ``undefined``), in ``metadata`` too."""
    out = {k: v for k, v in fields.items() if v is not None}
    metadata = out.get("metadata")
    if isinstance(metadata, dict):
        metadata = {k: v for k, v in metadata.items() if v is not None}
        if metadata:
            out["metadata"] = metadata
        else:
            del out["metadata"]
    return out


def merge_fields(*parts):
    """Later parts win, except ``metadata``, which is merged. None values do not overwrite."""
    merged, metadata = {}, None
    for part in parts:
        if not part:
            continue
        for key, value in part.items():
            if value is not None and key != "metadata":
                merged[key] = value
        if isinstance(part.get("metadata"), dict):
            metadata = dict(metadata or {}, **part["metadata"])
    if metadata:
        merged["metadata"] = metadata
    return merged


def camel_json(value):
    """JSON data with every mapping key in camelCase: for request settings written as Python
    dicts (``{"thinking_config": {"include_thoughts": True}}``), whose keys are field names."""
    if isinstance(value, dict):
        return {camel(k): camel_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_json(v) for v in value]
    return value
