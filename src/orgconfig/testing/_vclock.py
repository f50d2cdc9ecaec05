"""The sandbox's virtual clock, and the shim that makes botocore's retry back-off sleep on it.

Inside :func:`orgconfig.testing.sandbox` nothing waits for real: deployments progress on a
:class:`VirtualClock`, orgconfig's own waiting sleeps on it (the sandbox installs it with
:func:`orgconfig._clock.install_clock`) and botocore's sleep between retries sleeps on it too
(through :func:`patch_botocore_sleep`). A 30-minute simulated deployment is waited on in
milliseconds.

The clock knows who waits on it, so that several threads can wait at once and each see the times
it would see alone (*autojump*, as in trio's ``MockClock``):

* a thread is a *participant* while inside :meth:`VirtualClock.participating` (orgconfig's polling
  loop enters it through :func:`orgconfig._clock.participating`);
* :meth:`VirtualClock.sleep` by a participant registers a wake-up at ``now + seconds`` and blocks
  until the clock reaches it; a thread that is not a participant counts as one for the length of
  that sleep;
* whenever every participant is asleep, time jumps to the earliest wake-up and exactly the
  sleepers due then wake up; the check runs when a participant goes to sleep or leaves its scope,
  and participants whose thread has ended are dropped;
* :meth:`VirtualClock.advance` still moves time directly, waking the sleepers that become due.

A participant that blocks on something other than the clock (a lock, a queue, an HTTP call, a
``join``) only delays the jump until it sleeps or leaves; so **a participant must never block
waiting for another participant** (for example join a thread that sleeps on the clock): neither
would ever wake.
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

_LIVENESS_CHECK = 0.05
"""Real seconds a sleeper waits between checks for participants whose thread has ended."""


class _Participant:
    """One thread taking part in a clock: how deep in scopes it is, and when it wants waking."""

    __slots__ = ("depth", "thread", "wake_at")

    def __init__(self, thread: threading.Thread) -> None:
        self.thread = thread
        self.depth = 0
        self.wake_at: float | None = None

    def asleep(self) -> bool:
        """Whether the thread waits for a wake-up (read through a call, so it is never narrowed)."""
        return self.wake_at is not None


class _Participation:
    """The context manager :meth:`VirtualClock.participating` returns (re-entrant per thread).

    A class rather than a generator, so that a scope abandoned without being closed never runs
    clean-up code from the garbage collector (possibly while the clock's lock is held).
    """

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock

    def __enter__(self) -> VirtualClock:
        self._clock._join(threading.current_thread())
        return self._clock

    def __exit__(self, *exc_info: object) -> None:
        self._clock._leave(threading.current_thread())


class VirtualClock:
    """A clock that moves only when told to: by :meth:`advance`, or when all its sleepers sleep.

    It satisfies :class:`orgconfig._clock.Clock` (``monotonic()`` and ``sleep()``) and adds a wall
    time (:meth:`now`, timezone-aware UTC) for the timestamps the simulated service reports.
    Thread-safe: every reading and every move holds one lock. See the module documentation for
    how concurrent sleepers are woken (autojump).

    Example::

        clock = VirtualClock()
        clock.now()          # datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
        clock.sleep(90)      # returns at once: the only sleeper
        clock.monotonic()    # 90.0
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of a VirtualClock must be timezone-aware (use UTC)")
        self._start = start.astimezone(timezone.utc)
        self._elapsed = 0.0
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._participants: dict[threading.Thread, _Participant] = {}

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
        """Move the clock forward by ``seconds``, waking the sleepers that become due.

        Zero is allowed, negative is an error.
        """
        if seconds < 0:
            raise ValueError(f"a virtual clock cannot go backwards (advance({seconds!r}))")
        with self._cond:
            self._elapsed += float(seconds)
            self._wake_due()
            self._jump_if_all_asleep()

    def sleep(self, seconds: float) -> None:
        """Block until the clock has moved ``seconds`` forward; zero or negative does nothing.

        The clock jumps to the earliest wake-up as soon as every participant is asleep, so a lone
        sleeper (the usual single-threaded case) returns at once, the clock ``seconds`` later.
        A thread that is not a participant takes part for the length of this sleep only.

        Raises:
            ValueError: ``seconds`` is infinite (time would jump to the end of time).
        """
        if not seconds > 0:
            return
        if seconds == float("inf"):
            raise ValueError("a virtual clock cannot sleep forever (sleep(inf))")
        thread = threading.current_thread()
        with self._cond:
            me = self._participants.get(thread)
            temporary = me is None
            if me is None:
                me = self._participants[thread] = _Participant(thread)
            me.wake_at = self._elapsed + float(seconds)
            self._cond.notify_all()  # for wait_for_sleepers
            self._jump_if_all_asleep()
            while me.asleep():
                self._cond.wait(_LIVENESS_CHECK)
                if me.asleep():
                    self._jump_if_all_asleep()  # drops participants whose thread has ended
            if temporary and me.depth == 0:
                del self._participants[thread]
                self._jump_if_all_asleep()

    def participating(self) -> _Participation:
        """Return a context manager that makes the current thread a participant for its block.

        While a thread participates, time does not jump unless it is asleep (in :meth:`sleep`);
        leaving the block may let time jump for the others. Scopes nest within a thread. A
        participant must not block waiting for another participant (see the module docs).

        Example::

            def poll_every(period: float) -> None:
                with clock.participating():
                    for _ in range(10):
                        clock.sleep(period)   # wakes at exactly k * period

            threads = [threading.Thread(target=poll_every, args=(p,)) for p in (7, 30)]
        """
        return _Participation(self)

    def wait_for_sleepers(self, count: int = 1, timeout: float | None = None) -> bool:
        """Block (in real time) until at least ``count`` threads are asleep on the clock.

        Meant for tests that drive a waiting thread from another one, as in trio's
        ``wait_all_tasks_blocked``. Returns False if ``timeout`` real seconds passed first.
        """
        with self._cond:
            return self._cond.wait_for(lambda: self._asleep() >= count, timeout)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now().isoformat()})"

    # -- participants (every method below runs with the lock held, except _join and _leave) --

    def _join(self, thread: threading.Thread) -> None:
        with self._cond:
            me = self._participants.get(thread)
            if me is None:
                me = self._participants[thread] = _Participant(thread)
            me.depth += 1

    def _leave(self, thread: threading.Thread) -> None:
        with self._cond:
            me = self._participants.get(thread)
            if me is None:  # pragma: no cover  (only if the scope was left from another thread)
                return
            me.depth -= 1
            if me.depth <= 0:
                del self._participants[thread]
                self._jump_if_all_asleep()

    def _asleep(self) -> int:
        return sum(1 for p in self._participants.values() if p.asleep())

    def _wake_due(self) -> None:
        woken = False
        for participant in self._participants.values():
            if participant.wake_at is not None and participant.wake_at <= self._elapsed:
                participant.wake_at = None
                woken = True
        if woken:
            self._cond.notify_all()

    def _jump_if_all_asleep(self) -> None:
        dead = [t for t in self._participants if not t.is_alive()]
        for thread in dead:
            del self._participants[thread]
        wake_ups = [p.wake_at for p in self._participants.values()]
        if not wake_ups or None in wake_ups:
            return
        earliest = min(w for w in wake_ups if w is not None)
        self._elapsed = max(self._elapsed, earliest)
        self._wake_due()


class _TimeShim(types.ModuleType):
    """Stands in for the ``time`` module inside ``botocore.endpoint``.

    ``sleep`` sleeps on the virtual clock (:meth:`VirtualClock.sleep`, so a retry back-off in one
    of several waiting threads takes part in the autojump like any other sleep); every other
    attribute is the real ``time`` module's.
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
    """Make botocore's sleep between retry attempts sleep on ``clock`` instead of real time.

    botocore's endpoint calls ``time.sleep(delay)`` after a throttled or failed attempt; for the
    block, the ``time`` name in ``botocore.endpoint`` is replaced by a shim whose ``sleep`` is
    :meth:`VirtualClock.sleep`, and restored afterwards. This affects every botocore client in
    the process while the block runs.

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
