"""The sandbox's virtual clock and the shim that puts botocore's retry sleeps on it."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.endpoint
import pytest

from orgconfig._clock import Clock
from orgconfig.testing._vclock import DEFAULT_START, VirtualClock, patch_botocore_sleep

# botocore.endpoint's ``time`` name is not in botocore's type stubs.
ENDPOINT: Any = botocore.endpoint


def test_starts_at_the_fixed_instant() -> None:
    """A new clock reads 2026-01-01T00:00:00Z, zero elapsed."""
    clock = VirtualClock()
    assert clock.now() == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert clock.start == DEFAULT_START
    assert clock.monotonic() == 0.0
    assert clock.timestamp() == DEFAULT_START.timestamp()


def test_advance_moves_every_reading() -> None:
    """advance() moves now(), monotonic() and timestamp() together."""
    clock = VirtualClock()
    clock.advance(90.5)
    assert clock.monotonic() == 90.5
    assert clock.now() == DEFAULT_START + timedelta(seconds=90.5)
    assert clock.timestamp() == DEFAULT_START.timestamp() + 90.5


def test_sleep_advances_without_waiting() -> None:
    """sleep() advances the clock at once; zero and negative sleeps do nothing."""
    clock = VirtualClock()
    before = time.monotonic()
    clock.sleep(3600)
    clock.sleep(0)
    clock.sleep(-10)
    assert clock.monotonic() == 3600
    assert time.monotonic() - before < 1


def test_cannot_go_backwards() -> None:
    """advance() with a negative number is an error that says why."""
    clock = VirtualClock()
    with pytest.raises(ValueError, match=r"cannot go backwards \(advance\(-1\)\)"):
        clock.advance(-1)


def test_custom_start_is_kept_in_utc() -> None:
    """A timezone-aware start in another zone is converted to UTC."""
    plus_two = timezone(timedelta(hours=2))
    clock = VirtualClock(datetime(2030, 6, 1, 12, 0, tzinfo=plus_two))
    assert clock.now() == datetime(2030, 6, 1, 10, 0, tzinfo=timezone.utc)
    assert clock.now().tzinfo == timezone.utc


def test_naive_start_is_refused() -> None:
    """A start without a timezone is an error."""
    with pytest.raises(ValueError, match="must be timezone-aware"):
        VirtualClock(datetime(2026, 1, 1))


def test_satisfies_the_clock_protocol() -> None:
    """The virtual clock is a Clock for orgconfig's waiting code."""
    assert isinstance(VirtualClock(), Clock)


def test_repr_shows_the_time() -> None:
    """The repr names the current virtual time."""
    clock = VirtualClock()
    clock.advance(60)
    assert repr(clock) == "VirtualClock(now=2026-01-01T00:01:00+00:00)"


def test_advance_is_thread_safe() -> None:
    """Concurrent advances from many threads all count."""
    clock = VirtualClock()

    def work() -> None:
        for _ in range(1000):
            clock.advance(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.monotonic() == 8000


def test_botocore_sleep_is_patched_for_the_block_only() -> None:
    """Inside the block botocore's endpoint sleeps on the clock; afterwards on real time again."""
    clock = VirtualClock()
    original = ENDPOINT.time
    with patch_botocore_sleep(clock):
        shim = ENDPOINT.time
        assert shim is not original
        shim.sleep(42)
        assert clock.monotonic() == 42
    assert ENDPOINT.time is original


def test_the_shim_delegates_everything_else_to_time() -> None:
    """The shim's other attributes are the real time module's."""
    with patch_botocore_sleep(VirtualClock()):
        shim = ENDPOINT.time
        assert shim.monotonic is time.monotonic
        assert shim.time is time.time


def test_botocore_sleep_is_restored_after_an_error() -> None:
    """An exception in the block still restores the real time module."""
    original = ENDPOINT.time
    with pytest.raises(RuntimeError, match="boom"), patch_botocore_sleep(VirtualClock()):
        raise RuntimeError("boom")
    assert ENDPOINT.time is original


# -- autojump: the clock knows its sleepers -------------------------------------------------

SAFETY = 10.0
"""Real seconds after which a blocking test gives up: a safety net, never reached when green."""


def start(target: Any, *args: Any) -> threading.Thread:
    """Start a daemon thread running ``target(*args)``."""
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def join(*threads: threading.Thread) -> None:
    """Join every thread, failing the test if one is still running after the safety net."""
    for thread in threads:
        thread.join(SAFETY)
        assert not thread.is_alive(), "a thread is still blocked on the clock"


def poll_times(clock: VirtualClock, period: float, until: float) -> list[float]:
    """Sleep ``period`` at a time until ``until`` seconds passed; return each wake-up's time."""
    begin = clock.monotonic()
    times: list[float] = []
    while clock.monotonic() - begin < until:
        clock.sleep(period)
        times.append(clock.monotonic() - begin)
    return times


def test_concurrent_sleepers_each_see_the_times_they_would_see_alone() -> None:
    """Threads polling at different periods wake at exactly the times each would alone."""
    periods = [30.0, 7.0, 45.5, 0.1, 600.0, 30.0]
    alone = [poll_times(VirtualClock(), period, 600) for period in periods]
    clock = VirtualClock()
    together: dict[int, list[float]] = {}
    barrier = threading.Barrier(len(periods), timeout=SAFETY)

    def work(index: int) -> None:
        with clock.participating():
            barrier.wait()  # every thread takes part before anyone sleeps
            together[index] = poll_times(clock, periods[index], 600)

    join(*[start(work, i) for i in range(len(periods))])
    assert [together[i] for i in range(len(periods))] == alone
    assert len(together[0]) == 20
    assert clock.monotonic() == max(times[-1] for times in alone)


def test_sleepers_started_at_different_times_keep_their_own_rhythm() -> None:
    """Without a common start, each sleeper still sees its own periods, relative to its start."""
    clock = VirtualClock()
    together: dict[float, list[float]] = {}

    def work(period: float) -> None:
        with clock.participating():
            together[period] = poll_times(clock, period, 300)

    join(*[start(work, period) for period in (30.0, 11.0, 60.0)])
    assert together == {p: poll_times(VirtualClock(), p, 300) for p in (30.0, 11.0, 60.0)}


def test_a_lone_participant_advances_at_once() -> None:
    """A participant alone on the clock does not wait: time jumps to its wake-up."""
    clock = VirtualClock()
    with clock.participating():
        clock.sleep(120)
        assert clock.monotonic() == 120


def test_a_non_participant_sleep_waits_for_the_participants() -> None:
    """A sleep from outside counts as a participant: it waits until every participant sleeps."""
    clock = VirtualClock()
    woke: dict[str, float] = {}
    entered, release = threading.Event(), threading.Event()

    def participant() -> None:
        with clock.participating():
            entered.set()
            release.wait(SAFETY)
            clock.sleep(50)
            woke["participant"] = clock.monotonic()

    def outsider() -> None:
        clock.sleep(20)
        # No longer a participant once awake: time may already have jumped on to 50.
        woke["outsider"] = clock.monotonic()

    first = start(participant)
    assert entered.wait(SAFETY)
    second = start(outsider)
    assert clock.wait_for_sleepers(1, timeout=SAFETY)
    assert clock.monotonic() == 0  # the participant is awake: no jump
    assert second.is_alive()
    release.set()
    join(first, second)
    assert woke["participant"] == 50
    assert 20 <= woke["outsider"] <= 50


def test_leaving_the_scope_lets_time_jump() -> None:
    """When the last awake participant leaves its scope, the sleepers' time comes."""
    clock = VirtualClock()
    woke: list[float] = []

    def sleeper() -> None:
        with clock.participating():
            clock.sleep(10)
            woke.append(clock.monotonic())

    with clock.participating():
        thread = start(sleeper)
        assert clock.wait_for_sleepers(1, timeout=SAFETY)
        assert clock.monotonic() == 0
        assert woke == []
    join(thread)
    assert woke == [10]


def test_scopes_nest_within_a_thread() -> None:
    """Only leaving the outermost scope ends a thread's participation."""
    clock = VirtualClock()

    def sleeper() -> None:
        clock.sleep(10)

    with clock.participating():
        with clock.participating():
            pass
        thread = start(sleeper)
        assert clock.wait_for_sleepers(1, timeout=SAFETY)
        assert clock.monotonic() == 0
    join(thread)
    assert clock.monotonic() == 10


def test_a_dead_participant_is_dropped() -> None:
    """A participant whose thread ended without leaving its scope does not hold time back."""
    clock = VirtualClock()
    scope = clock.participating()
    join(start(scope.__enter__))  # enters and never leaves
    clock.sleep(30)
    assert clock.monotonic() == 30


def test_a_participant_dying_while_others_sleep_is_dropped() -> None:
    """Sleepers notice a participant whose thread ended, and time jumps."""
    clock = VirtualClock()
    release = threading.Event()
    woke: list[float] = []

    def abandon() -> None:
        clock.participating().__enter__()
        release.wait(SAFETY)

    def sleeper() -> None:
        clock.sleep(30)
        woke.append(clock.monotonic())

    doomed = start(abandon)
    thread = start(sleeper)
    assert clock.wait_for_sleepers(1, timeout=SAFETY)
    assert clock.monotonic() == 0
    release.set()
    join(doomed, thread)
    assert woke == [30]


def test_advance_wakes_the_sleepers_that_become_due() -> None:
    """advance() moves time for everyone and wakes exactly the sleepers now due."""
    clock = VirtualClock()
    woke: dict[float, float] = {}

    def sleeper(seconds: float) -> None:
        clock.sleep(seconds)
        woke[seconds] = clock.monotonic()

    with clock.participating():
        threads = [start(sleeper, s) for s in (10.0, 20.0, 100.0)]
        assert clock.wait_for_sleepers(3, timeout=SAFETY)
        clock.advance(25)
        join(*threads[:2])
        assert sorted(woke) == [10.0, 20.0]
        assert clock.monotonic() == 25
    join(threads[2])
    assert woke[100.0] == 100


def test_sleepers_due_together_wake_together() -> None:
    """Two sleepers with the same wake-up both wake at it, and time moves no further."""
    clock = VirtualClock()
    woke: list[float] = []
    barrier = threading.Barrier(2, timeout=SAFETY)

    def sleeper() -> None:
        with clock.participating():
            barrier.wait()
            clock.sleep(15)
            woke.append(clock.monotonic())
            barrier.wait()

    join(start(sleeper), start(sleeper))
    assert woke == [15, 15]
    assert clock.monotonic() == 15


def test_botocore_retry_sleep_takes_part_in_the_autojump() -> None:
    """The shim's sleep is the clock's: it waits for the other participants like any sleep."""
    clock = VirtualClock()
    with patch_botocore_sleep(clock), clock.participating():
        thread = start(ENDPOINT.time.sleep, 5)
        assert clock.wait_for_sleepers(1, timeout=SAFETY)
        assert clock.monotonic() == 0
    join(thread)
    assert clock.monotonic() == 5


def test_cannot_sleep_forever() -> None:
    """An infinite sleep is an error, not a jump to the end of time."""
    with pytest.raises(ValueError, match="cannot sleep forever"):
        VirtualClock().sleep(float("inf"))


def test_wait_for_sleepers_gives_up_after_its_timeout() -> None:
    """With nobody asleep, wait_for_sleepers returns False once its timeout passes."""
    assert VirtualClock().wait_for_sleepers(1, timeout=0.01) is False
