"""The clock orgconfig waits on: real by default, virtual inside the sandbox.

Everything in orgconfig that waits (deployment polling, busy-resource retries) reads the time with
``current_clock().monotonic()`` and sleeps with ``current_clock().sleep()``. Which clock that is
depends on where the code runs, first match wins:

1. the innermost :func:`use_clock` block of the current context (a :mod:`contextvars` variable:
   private to a thread, or to an asyncio task, and to whatever copies that context);
2. the innermost :func:`install_clock` block of the process (seen by every thread, including
   threads started inside the block, which do not inherit context variables): the sandbox
   installs its virtual clock this way;
3. the fallback set by :func:`set_fallback_clock` (what ``orgconfig.retries.set_testing`` uses);
4. the real clock.

A clock may also know who waits on it (the sandbox's virtual clock does, to jump time forward when
every waiting thread is asleep). A waiting loop tells it so with :func:`participating`, which does
nothing for clocks without the feature, such as the real clock.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

__all__ = [
    "Clock",
    "RealClock",
    "SupportsParticipation",
    "current_clock",
    "install_clock",
    "participating",
    "set_fallback_clock",
    "use_clock",
]


@runtime_checkable
class Clock(Protocol):
    """What orgconfig needs of a clock: a monotonic reading in seconds and a way to sleep."""

    def monotonic(self) -> float:
        """Return seconds from an arbitrary fixed point; never goes backwards."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...


@runtime_checkable
class SupportsParticipation(Protocol):
    """A clock that wants to know which threads are waiting on it (see :func:`participating`)."""

    def participating(self) -> contextlib.AbstractContextManager[object]:
        """Return a context manager during which the current thread waits on this clock."""
        ...


class RealClock:
    """The wall clock: :func:`time.monotonic` and :func:`time.sleep`."""

    def monotonic(self) -> float:
        """Return :func:`time.monotonic`."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for real, for ``seconds`` (nothing when zero or negative)."""
        if seconds > 0:
            time.sleep(seconds)

    def __repr__(self) -> str:
        return "RealClock()"


_REAL = RealClock()
_context_clock: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "orgconfig_clock", default=None
)
_lock = threading.Lock()
# Replaced as a whole under _lock, read without it: a reader always sees a consistent tuple.
_installed: tuple[Clock, ...] = ()
_fallback: Clock = _REAL


def current_clock() -> Clock:
    """Return the clock in force here and now.

    The innermost :func:`use_clock` of the current context, else the innermost
    :func:`install_clock` of the process, else the fallback (see :func:`set_fallback_clock`),
    else the real clock. A sandbox's virtual clock therefore always wins over the test switch.

    Example::

        clock = current_clock()
        start = clock.monotonic()
        clock.sleep(5)
    """
    local = _context_clock.get()
    if local is not None:
        return local
    installed = _installed
    return installed[-1] if installed else _fallback


def set_fallback_clock(clock: Clock | None) -> None:
    """Make ``clock`` the one used when no other is in force (None: real time again).

    Used by ``orgconfig.retries.set_testing``; :func:`use_clock` and :func:`install_clock`
    both take precedence over it.
    """
    global _fallback  # noqa: PLW0603  (one process-wide setting, by design)
    _fallback = clock or _REAL


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one orgconfig waits on inside the ``with`` block, in this context only.

    Other threads (and threads started inside the block) are not affected: use
    :func:`install_clock` for a process-wide clock.

    Example::

        with use_clock(my_fake_clock):
            deployment.wait()   # sleeps on my_fake_clock
    """
    token = _context_clock.set(clock)
    try:
        yield clock
    finally:
        _context_clock.reset(token)


@contextlib.contextmanager
def install_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one every thread of the process waits on inside the ``with`` block.

    Blocks may nest and need not close in order: leaving one removes its own clock, and the
    most recently installed clock still in place is the one in force. A :func:`use_clock` block
    still wins in its own context.

    Example::

        with install_clock(virtual):
            threading.Thread(target=deployment.wait).start()   # waits on ``virtual``
    """
    global _installed  # noqa: PLW0603  (one process-wide stack, by design)
    with _lock:
        _installed = (*_installed, clock)
    try:
        yield clock
    finally:
        with _lock:
            stack = list(_installed)
            for index in range(len(stack) - 1, -1, -1):
                if stack[index] is clock:
                    del stack[index]
                    break
            _installed = tuple(stack)


@contextlib.contextmanager
def participating(clock: Clock | None = None) -> Iterator[Clock]:
    """Run the block as a thread that waits on ``clock`` (the clock in force by default).

    A clock that keeps track of its waiting threads (see :class:`SupportsParticipation`; the
    sandbox's virtual clock does) learns that the current thread takes part until the block
    ends; for any other clock this does nothing. Yields the clock, so a loop can use it.

    Example::

        with participating() as clock:
            while not done():
                clock.sleep(30)
    """
    clk = clock if clock is not None else current_clock()
    if isinstance(clk, SupportsParticipation):
        with clk.participating():
            yield clk
    else:
        yield clk
