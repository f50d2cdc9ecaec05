"""The clock orgconfig waits on: real by default, virtual inside the sandbox.

Everything in orgconfig that waits (deployment polling, busy-resource retries) reads the time with
``current_clock().monotonic()`` and sleeps with ``current_clock().sleep()``. The sandbox installs
its virtual clock with :func:`use_clock` for the length of its block, so that a 30-minute simulated
deployment is waited on in milliseconds, and no test ever sleeps for real.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "RealClock", "current_clock", "set_fallback_clock", "use_clock"]


@runtime_checkable
class Clock(Protocol):
    """What orgconfig needs of a clock: a monotonic reading in seconds and a way to sleep."""

    def monotonic(self) -> float:
        """Return seconds from an arbitrary fixed point; never goes backwards."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
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
_lock = threading.Lock()
_stack: list[Clock] = []
_fallback: Clock = _REAL


def current_clock() -> Clock:
    """Return the clock in force: the innermost :func:`use_clock`, else the fallback one.

    The fallback is the real clock, unless :func:`set_fallback_clock` replaced it (which is
    what ``orgconfig.retries.set_testing`` does), so a sandbox's virtual clock, installed with
    :func:`use_clock`, always wins over the test switch.
    """
    return _stack[-1] if _stack else _fallback


def set_fallback_clock(clock: Clock | None) -> None:
    """Make ``clock`` the one used when no :func:`use_clock` block is active (None: real time)."""
    global _fallback  # noqa: PLW0603  (one process-wide setting, by design)
    _fallback = clock or _REAL


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the one orgconfig waits on inside the ``with`` block.

    Example::

        with use_clock(my_fake_clock):
            deployment.wait()   # sleeps on my_fake_clock
    """
    with _lock:
        _stack.append(clock)
    try:
        yield clock
    finally:
        with _lock:
            _stack.remove(clock)
