"""Client-side ids: UUIDv7 for events (so a retried batch is answered as a duplicate, never stored
twice) and AgentLedger's trace id format. A copy of packages/sdk/src/uuidv7.ts and trace-id.ts."""

import os
import random
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


_prefix_ms = -1
_prefix = ""


def uuidv7(now_ms=None):
    """A UUIDv7 (RFC 9562 section 5.7): 48 bits of Unix ms, a 12-bit counter that keeps the ids of
    one process increasing within a millisecond, then 62 random bits."""
    global _last_ms, _counter, _prefix_ms, _prefix
    now = int(time.time() * 1000) if now_ms is None else int(now_ms)
    with _lock:
        if now > _last_ms:
            _last_ms = now
            _counter = 0
        else:
            _counter = (_counter + 1) & 0xFFF
            if _counter == 0:
                _last_ms += 1
        ms, counter = _last_ms, _counter
        if ms != _prefix_ms:  # the time part is formatted once per millisecond
            t = "%012x" % ms
            _prefix_ms, _prefix = ms, "%s-%s-7" % (t[:8], t[8:])
        prefix = _prefix
    # the random module reseeds itself in a forked child, so ids never repeat across a fork
    r = "%016x" % (random.getrandbits(62) | 0x8000000000000000)
    return "%s%03x-%s-%s" % (prefix, counter, r[:4], r[4:])


def _base36(n):
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if n == 0:
            return out


def trace_id():
    """A trace id in AgentLedger's format, ``tr_<base36 ms>_<8 base36 chars>``; no request."""
    rand = "".join(_B36[b % 36] for b in os.urandom(8))
    return "tr_%s_%s" % (_base36(int(time.time() * 1000)), rand)


def _reset_after_fork():
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
