"""Process life: every open client is closed at interpreter exit (``flush_on_exit``), and a forked
child gets fresh queues and senders (``os.register_at_fork``), so nothing is sent twice."""

import atexit
import os
import weakref

_clients = weakref.WeakSet()


def register(client):
    _clients.add(client)


def _close_all_at_exit():
    for client in list(_clients):
        if client._flush_on_exit and client._closed is None:
            client.close()


def _after_fork_in_child():
    for client in list(_clients):
        client._after_fork_in_child()


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
