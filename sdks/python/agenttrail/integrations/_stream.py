"""Watching the application's read of a provider's stream (packages/sdk/src/integrations/
observe-stream.ts), in Python's terms.

The libraries' stream classes (openai's and anthropic's ``Stream``/``AsyncStream``, google-genai's
generators) are iterated through their class's special methods, which cannot be replaced on one
instance, so the application gets a thin stand-in that yields the provider's own chunks
unchanged, forwards every other attribute (``response``, ``close()``...) to the stream, and works
as the same context manager. The read ends, once:

- ``completed``: the iterator is exhausted;
- ``failed``: reading raised (the error goes on to the application unchanged);
- ``canceled``: ``close()``, the end of a ``with`` block before the end of the stream, or the
  stand-in being garbage-collected unread to its end. Leaving a ``for`` loop early is not an end
  in Python (the stream can be read on), so a ``break`` is seen when the stream is closed or let go.
"""

import inspect
import sys
import weakref


class StreamWatch(object):
    """Tells ``on_item`` each chunk and ``on_end(how, error)`` once; what they raise goes to
    ``report``, never to the application's read."""

    def __init__(self, on_item, on_end, report):
        self._on_item, self._on_end, self._report = on_item, on_end, report
        self.ended = False

    def item(self, value):
        if not self.ended:
            self._quietly(self._on_item, value)

    def end(self, how, error=None):
        if self.ended:
            return
        self.ended = True
        self._quietly(self._on_end, how, error)

    def _quietly(self, fn, *args):
        try:
            fn(*args)
        except Exception as error:
            try:
                self._report(error)
            except Exception:
                pass  # Nowhere better to go.


def _ending(error):
    """A read stopped from outside (a generator closed, a task cancelled) is canceled."""
    asyncio = sys.modules.get("asyncio")  # loaded wherever a task can be cancelled
    cancelled = asyncio.CancelledError if asyncio is not None else GeneratorExit
    return "canceled" if isinstance(error, (GeneratorExit, cancelled)) else "failed"


class _Watched(object):
    def __init__(self, source, watch):
        self._source, self._watch, self._iterator = source, watch, None
        # A stream let go before its end was abandoned: recorded as canceled then.
        weakref.finalize(self, watch.end, "canceled")

    def __getattr__(self, name):
        source = self.__dict__.get("_source")
        if source is None:
            raise AttributeError(name)
        return getattr(source, name)

    def __repr__(self):
        return "<watched %r>" % (self._source,)


class WatchedStream(_Watched):
    """A synchronous stream, watched; iterate it, ``next()`` it, close it as the original."""

    def __iter__(self):
        return self

    def __next__(self):
        try:
            if self._iterator is None:
                self._iterator = iter(self._source)
            item = next(self._iterator)
        except StopIteration:
            self._watch.end("completed")
            raise
        except BaseException as error:
            self._watch.end(_ending(error), error)
            raise
        self._watch.item(item)
        return item

    def close(self):
        try:
            close = getattr(self._source, "close", None)
            if close is not None:
                return close()
        finally:
            self._watch.end("canceled")

    def __enter__(self):
        enter = getattr(self._source, "__enter__", None)
        if enter is not None:
            enter()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            exit_ = getattr(self._source, "__exit__", None)
            if exit_ is not None:
                return exit_(exc_type, exc, tb)
            self.close()
            return False
        finally:
            self._watch.end("canceled")


class WatchedAsyncStream(_Watched):
    """An asynchronous stream, watched: ``async for``, ``async with`` and ``close()``."""

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            if self._iterator is None:
                self._iterator = self._source.__aiter__()
            item = await self._iterator.__anext__()
        except StopAsyncIteration:
            self._watch.end("completed")
            raise
        except BaseException as error:
            self._watch.end(_ending(error), error)
            raise
        self._watch.item(item)
        return item

    async def close(self):
        try:
            close = getattr(self._source, "close", None) or getattr(self._source, "aclose", None)
            result = close() if close is not None else None
            if inspect.isawaitable(result):
                result = await result
            return result
        finally:
            self._watch.end("canceled")

    aclose = close

    async def __aenter__(self):
        enter = getattr(self._source, "__aenter__", None)
        if enter is not None:
            await enter()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        try:
            exit_ = getattr(self._source, "__aexit__", None)
            if exit_ is not None:
                return await exit_(exc_type, exc, tb)
            await self.close()
            return False
        finally:
            self._watch.end("canceled")


def watch_stream(stream, on_item, on_end, report):
    """``stream`` watched (sync or async, by what it is); ``on_end(how, error)``."""
    watch = StreamWatch(on_item, on_end, report)
    kind = type(stream)
    if hasattr(kind, "__anext__") or hasattr(kind, "__aiter__"):
        return WatchedAsyncStream(stream, watch)
    return WatchedStream(stream, watch)
