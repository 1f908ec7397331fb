"""The worker pool: ``map`` over threads or processes, in order, with bounded memory.

Threads suit work done by compiled kernels that release the GIL (sketching);
processes suit Python work (alignment and classification). A process pool's
workers each receive a ``context`` once, when they start (:func:`installed`
returns it), instead of having it pickled with every task.

>>> list(mapped(abs, [-1, 2, -3], workers=1))
[1, 2, 3]
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

__all__ = ["mapped", "installed", "chunks"]

_IN_FLIGHT = 4
"""Tasks queued per worker: enough to keep it busy, few enough that memory stays bounded."""

_context: Any = None


def _install(context: Any, parent: int | None = None) -> None:
    """Give this process its tasks' ``context``; a worker also leaves when ``parent`` does (even killed)."""
    global _context
    _context = context
    if parent is not None:
        threading.Thread(target=_leave_with, args=(parent,), daemon=True).start()


def _leave_with(parent: int) -> None:
    """Exit as soon as this worker's parent is gone: a killed run leaves no worker waiting for tasks."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK)
    os._exit(1)


_PARENT_CHECK = 0.5
"""Seconds between a worker's looks at its parent."""


def installed() -> Any:
    """The ``context`` this process's tasks were given by :func:`mapped`."""
    return _context


def mapped(
    function: Callable[[Any], Any],
    tasks: Iterable[Any],
    workers: int,
    context: Any = None,
    *,
    threads: bool = False,
) -> Iterator[Any]:
    """``map`` in order, over ``workers`` processes (``context`` installed in each) or threads when more than one."""
    if workers == 1:
        _install(context)
        try:
            yield from map(function, tasks)
        finally:
            _install(None)
        return
    start = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    executor: Executor = (
        ThreadPoolExecutor(workers)
        if threads
        else ProcessPoolExecutor(workers, mp_context=start, initializer=_install, initargs=(context, os.getpid()))
    )
    with executor as pool:
        pending: deque[Future[Any]] = deque()
        for task in tasks:
            pending.append(pool.submit(function, task))
            if len(pending) >= _IN_FLIGHT * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter).

    >>> list(chunks(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
