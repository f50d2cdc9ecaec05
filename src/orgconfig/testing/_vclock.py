"""The sandbox's virtual clock, and the shim that makes botocore's retry back-off sleep on it.

Inside :func:`orgconfig.testing.sandbox` nothing waits for real: deployments progress on a
:class:`VirtualClock`, orgconfig's own waiting sleeps on it (through
:func:`orgconfig._clock.use_clock`) and botocore's sleep between retries advances it (through
:func:`patch_botocore_sleep`). A 30-minute simulated deployment is waited on in milliseconds.
"""

from __future__ import annotations

import contextlib
import threading
import time
import types
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.endpoint

__all__ = ["DEFAULT_START", "VirtualClock", "patch_botocore_sleep"]

DEFAULT_START = datetime(2026, 1, 1, tzinfo=timezone.utc)
"""Where every sandbox clock starts unless told otherwise: 2026-01-01T00:00:00Z."""


class VirtualClock:
    """A clock that moves only when told to: by :meth:`advance`, :meth:`sleep`, or the SDK waiting.

    It satisfies :class:`orgconfig._clock.Clock` (``monotonic()`` and ``sleep()``) and adds a wall
    time (:meth:`now`, timezone-aware UTC) for the timestamps the simulated service reports.
    Thread-safe: every reading and every move holds one lock.

    Example::

        clock = VirtualClock()
        clock.now()          # datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
        clock.sleep(90)      # returns at once
        clock.monotonic()    # 90.0
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of a VirtualClock must be timezone-aware (use UTC)")
        self._start = start.astimezone(timezone.utc)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    @property
    def start(self) -> datetime:
        """The instant the clock started at (UTC)."""
        return self._start

    def now(self) -> datetime:
        """Return the current virtual wall time, timezone-aware UTC."""
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def timestamp(self) -> float:
        """Return the current virtual wall time as seconds since the Unix epoch."""
        with self._lock:
            return self._start.timestamp() + self._elapsed

    def monotonic(self) -> float:
        """Return the seconds elapsed since the clock started; never goes backwards."""
        with self._lock:
            return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (zero is allowed, negative is an error)."""
        if seconds < 0:
            raise ValueError(f"a virtual clock cannot go backwards (advance({seconds!r}))")
        with self._lock:
            self._elapsed += float(seconds)

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass at once by advancing the clock; zero or negative does nothing."""
        if seconds > 0:
            self.advance(seconds)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now().isoformat()})"


class _TimeShim(types.ModuleType):
    """Stands in for the ``time`` module inside ``botocore.endpoint``.

    ``sleep`` advances the virtual clock; every other attribute is the real ``time`` module's.
    """

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__("time")
        self._clock = clock

    def sleep(self, seconds: float) -> None:
        self._clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


_patch_lock = threading.Lock()


@contextlib.contextmanager
def patch_botocore_sleep(clock: VirtualClock) -> Iterator[None]:
    """Make botocore's sleep between retry attempts advance ``clock`` instead of sleeping.

    botocore's endpoint calls ``time.sleep(delay)`` after a throttled or failed attempt; for the
    block, the ``time`` name in ``botocore.endpoint`` is replaced by a shim whose ``sleep`` advances
    the virtual clock, and restored afterwards. This affects every botocore client in the process
    while the block runs.

    Example::

        with patch_botocore_sleep(clock):
            client.describe_organization_config_rules()   # retries cost no real time
    """
    endpoint: Any = botocore.endpoint  # its ``time`` name is not in botocore's type stubs
    with _patch_lock:
        original = endpoint.time
        endpoint.time = _TimeShim(clock)
    try:
        yield
    finally:
        with _patch_lock:
            endpoint.time = original
