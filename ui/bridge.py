"""Hands results of database work back to the GUI thread.

The store's writer and reader threads complete Futures; Qt widgets may only be touched on
the GUI thread. `Bridge.when_done` routes a Future's result through a queued signal so the
callback runs on the GUI thread, and the window never waits on SQLite.
"""
from __future__ import annotations

from concurrent.futures import Future
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from app.db.store import Store


class Bridge(QObject):
    _finished = Signal(object, object, object)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._finished.connect(self._deliver)
        self.pending = 0

    def write(self, fn: Callable, *args: Any, on_done: Callable | None = None,
              on_error: Callable | None = None) -> Future | None:
        if not self.store.is_open:   # a timer firing after the window closed its data
            return None
        return self.when_done(self.store.write(fn, *args), on_done, on_error)

    def read(self, fn: Callable, *args: Any, on_done: Callable | None = None,
             on_error: Callable | None = None) -> Future | None:
        if not self.store.is_open:
            return None
        return self.when_done(self.store.read_async(fn, *args), on_done, on_error)

    def when_done(self, future: Future, on_done, on_error) -> Future:
        self.pending += 1
        future.add_done_callback(lambda f: self._finished.emit(f, on_done, on_error))
        return future

    def _deliver(self, future: Future, on_done, on_error) -> None:
        self.pending -= 1
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                raise exc
        elif on_done is not None:
            on_done(future.result())
