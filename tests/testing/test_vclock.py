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
