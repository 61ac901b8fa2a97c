"""The Python SDK's side of `npm run bench`: what AgentTrail.fire() costs the calling thread per
event, against a running AgentTrail server, and with no server at all.

Run by bench/sdk-bench.js (which starts the server); alone:
    python3 bench/python-fire.py <base_url> <api_key> [events]
Prints one JSON object on stdout: per round the caller's wall time and CPU time
(time.thread_time) per fire(), sent/dropped/errors, and the same with the server down.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdks", "python"))

from agenttrail import AgentTrail  # noqa: E402

ROUNDS = 5


def text(seed):
    return "".join(("word%d" % ((seed * 31 + i) % 997)).ljust(10) for i in range(50))


def llm_event(i):
    """The TypeScript bench's event: an llm_call with 500-character input and output."""
    return {"agent": "agent-%d" % (i % 20), "kind": "llm_call", "provider": "openai",
            "model": "gpt-4o", "input": text(i % 64), "output": text((i % 64) + 64),
            "tokens_input": 412 + (i % 100), "tokens_output": 128, "duration_ms": 840}


def fire_rounds(trail, events, rounds, flush_timeout):
    """µs per fire() per round (wall, caller CPU); each round is flushed before the next."""
    out = []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.thread_time()
        for event in events:
            trail.fire(event)
        wall = (time.perf_counter() - t0) * 1e6 / len(events)
        cpu = (time.thread_time() - c0) * 1e6 / len(events)
        trail.flush(flush_timeout)
        out.append({"wall_us": wall, "cpu_us": cpu})
    return out


def median(xs):
    return sorted(xs)[len(xs) // 2]


def main():
    url, key = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
    events = [llm_event(i) for i in range(n)]
    errors, drops = [], []
    trail = AgentTrail(api_key=key, base_url=url, max_queue_size=n, max_batch_size=1000,
                       flush_on_exit=False, on_error=errors.append,
                       on_drop=lambda count, reason: drops.append((count, reason)))
    fire_rounds(trail, events[:20000], 1, 120)  # warm-up: the sender thread, the server's first batches
    rounds = fire_rounds(trail, events, ROUNDS, 300)
    trail.close(60)
    stats = trail.stats()

    # The server down (nothing listens on the port): fire() must cost the caller the same and
    # never raise; close() gives up within its timeout and reports the events as dropped.
    down_drops = []
    down = AgentTrail(api_key=key, base_url=sys.argv[4] if len(sys.argv) > 4 else
                      "http://127.0.0.1:9", max_queue_size=n, max_batch_size=1000,
                      flush_on_exit=False, retry_deadline=2.0, silent=True,
                      on_drop=lambda count, reason: down_drops.append(count))
    down_rounds = fire_rounds(down, events, 1, 0.01)
    t0 = time.perf_counter()
    down.close(3.0)
    down_close_s = time.perf_counter() - t0

    print(json.dumps({
        "python": "%d.%d.%d" % sys.version_info[:3], "events": n, "rounds": rounds,
        "wall_us": median([r["wall_us"] for r in rounds]),
        "cpu_us": median([r["cpu_us"] for r in rounds]),
        "fired": 20000 + ROUNDS * n, "sent": stats["sent"], "dropped": stats["dropped"],
        "errors": len(errors),
        "down": {"wall_us": down_rounds[0]["wall_us"], "cpu_us": down_rounds[0]["cpu_us"],
                 "close_s": down_close_s, "dropped": sum(down_drops)},
    }))


if __name__ == "__main__":
    main()
