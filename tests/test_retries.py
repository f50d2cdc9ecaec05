"""Polling, busy and per-call retry policies, and the set_testing switch."""

from __future__ import annotations

import random
import re

import pytest

from orgconfig._clock import RealClock, current_clock, use_clock
from orgconfig.errors import ValidationError
from orgconfig.retries import (
    BusyPolicy,
    CallRetryPolicy,
    PollingPolicy,
    is_testing,
    poll_until,
    set_testing,
)


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def test_delay_grows_geometrically_up_to_the_cap() -> None:
    """Without jitter the delays are initial * multiplier**n, capped at max_delay."""
    policy = PollingPolicy(initial_delay=2, max_delay=10, multiplier=2, jitter=0)
    assert [policy.delay(n) for n in range(5)] == [2, 4, 8, 10, 10]


def test_jitter_stays_within_bounds() -> None:
    """Jitter adds at most `jitter` seconds and never passes the cap."""
    policy = PollingPolicy(initial_delay=1, max_delay=3, multiplier=1, jitter=5)
    rng = random.Random(1)
    delays = [policy.delay(0, rng) for _ in range(100)]
    assert all(1 <= d <= 3 for d in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize("field", ["initial_delay", "max_delay", "jitter", "timeout"])
def test_negative_durations_are_rejected(field: str) -> None:
    """A negative duration is a ValidationError (a ValueError too) naming the field."""
    with pytest.raises(ValidationError, match=f"{field} must be >= 0, got -1") as info:
        PollingPolicy(**{field: -1})
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_multiplier_below_one_is_rejected() -> None:
    """A shrinking backoff makes no sense and is refused."""
    with pytest.raises(ValidationError, match=r"multiplier must be >= 1, got 0\.5"):
        PollingPolicy(multiplier=0.5)


def test_busy_policy_needs_one_attempt() -> None:
    """At least one attempt is always made."""
    with pytest.raises(ValidationError, match="max_attempts must be >= 1, got 0"):
        BusyPolicy(max_attempts=0)


def test_call_retry_policy_builds_botocore_config() -> None:
    """The per-call policy becomes botocore's retry mode and attempts, set explicitly."""
    config = CallRetryPolicy(mode="adaptive", max_attempts=4).botocore_config("orgconfig/x")
    options = vars(config)  # botocore's Config sets its options as instance attributes
    assert options["retries"] == {"mode": "adaptive", "total_max_attempts": 4}
    assert options["user_agent_extra"] == "orgconfig/x"


def test_call_retry_policy_rejects_unknown_mode() -> None:
    """Only botocore's retry modes are accepted."""
    with pytest.raises(ValidationError, match="mode must be one of standard, adaptive, legacy"):
        CallRetryPolicy(mode="forever")  # type: ignore[arg-type]  # the point of the test


def test_poll_until_stops_when_finished() -> None:
    """Polling stops at the first finished result and sleeps between polls only."""
    clock = FakeClock()
    results = iter([1, 2, 3, 4])
    policy = PollingPolicy(initial_delay=1, max_delay=100, multiplier=2, jitter=0, timeout=None)
    last, done = poll_until(lambda: next(results), lambda r: r == 3, policy, clock=clock)
    assert (last, done) == (3, True)
    assert clock.sleeps == [1, 2]


def test_poll_until_times_out_on_the_given_clock() -> None:
    """The overall timeout is measured on the clock, and the last sleep is cut to fit it."""
    clock = FakeClock()
    seen: list[int] = []
    policy = PollingPolicy(initial_delay=4, max_delay=4, multiplier=1, jitter=0, timeout=10)
    last, done = poll_until(
        lambda: len(seen), lambda r: False, policy, clock=clock, on_poll=seen.append
    )
    assert done is False
    assert clock.sleeps == [4, 4, 2]
    assert clock.t == 10
    assert last == 3
    assert seen == [0, 1, 2, 3]


def test_poll_until_timeout_argument_overrides_policy() -> None:
    """An explicit timeout wins over the policy's."""
    clock = FakeClock()
    policy = PollingPolicy(initial_delay=1, max_delay=1, multiplier=1, jitter=0, timeout=1000)
    _, done = poll_until(lambda: 0, lambda r: False, policy, timeout=3, clock=clock)
    assert done is False
    assert clock.t == 3


def test_poll_until_propagates_errors_unchanged() -> None:
    """A failing fetch is not retried by the poller."""
    calls: list[int] = []

    def fetch() -> int:
        calls.append(1)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        poll_until(fetch, lambda r: True, PollingPolicy(), clock=FakeClock())
    assert len(calls) == 1


def test_poll_until_uses_the_clock_in_force() -> None:
    """Without an explicit clock, the installed one is used."""
    clock = FakeClock()
    results = iter([False, True])
    policy = PollingPolicy(initial_delay=7, jitter=0)
    with use_clock(clock):
        poll_until(lambda: next(results), bool, policy)
    assert clock.sleeps == [7]


def test_set_testing_removes_real_sleeping_and_restores() -> None:
    """set_testing(True) makes waits virtual; set_testing(False) brings the real clock back."""
    assert not is_testing()
    set_testing(True)
    try:
        assert is_testing()
        clock = current_clock()
        before = clock.monotonic()
        clock.sleep(3600)
        assert clock.monotonic() - before >= 3600
        set_testing(True)  # idempotent
        assert current_clock() is clock
    finally:
        set_testing(False)
    assert not is_testing()
    assert isinstance(current_clock(), RealClock)
    set_testing(False)  # harmless when already off


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"timeout": "60"}, "timeout", "must be a number of seconds, got str '60'"),
        ({"timeout": float("nan")}, "timeout", "must be >= 0, got nan"),
        ({"initial_delay": float("inf")}, "initial_delay", "must be >= 0, got inf"),
        ({"jitter": True}, "jitter", "must be a number of seconds, got bool True"),
        ({"initial_delay": 100, "max_delay": 1}, "max_delay", "is below initial_delay"),
    ],
)
def test_polling_policy_refuses_unusable_values(
    kwargs: dict[str, object], field: str, message: str
) -> None:
    """Wrong types, NaN, infinity and an inverted delay range are ValidationErrors."""
    with pytest.raises(ValidationError, match=re.escape(message)) as info:
        PollingPolicy(**kwargs)  # type: ignore[arg-type]  # wrong on purpose
    assert info.value.field == field


def test_attempts_must_be_whole_numbers() -> None:
    """2.5 attempts is refused."""
    with pytest.raises(ValidationError, match=r"max_attempts must be a whole number, got 2\.5"):
        BusyPolicy(max_attempts=2.5)  # type: ignore[arg-type]  # wrong on purpose
