"""A view of a client with some attributes replaced (packages/sdk/src/integrations/overlay.ts):
wrapping a client must not change it for the code that holds the original."""


class Overlay(object):
    """``Overlay(target, {"create": recorded_create})``: reads ``create`` from the dict and every
    other attribute from ``target`` (its methods stay bound to ``target``). Setting an attribute
    sets it on ``target``."""

    __slots__ = ("_overlay_target", "_overlay_replaced")

    def __init__(self, target, replaced):
        object.__setattr__(self, "_overlay_target", target)
        object.__setattr__(self, "_overlay_replaced", dict(replaced))

    def __getattr__(self, name):
        replaced = object.__getattribute__(self, "_overlay_replaced")
        if name in replaced:
            return replaced[name]
        return getattr(object.__getattribute__(self, "_overlay_target"), name)

    def __setattr__(self, name, value):
        setattr(object.__getattribute__(self, "_overlay_target"), name, value)

    def __dir__(self):
        target = object.__getattribute__(self, "_overlay_target")
        return sorted(set(dir(target)) | set(object.__getattribute__(self, "_overlay_replaced")))

    def __repr__(self):
        return "<recorded %r>" % (object.__getattribute__(self, "_overlay_target"),)


def method_of(resource, name):
    """``resource.name`` when it is callable, else None."""
    try:
        method = getattr(resource, name, None)
    except Exception:
        return None
    return method if callable(method) else None
