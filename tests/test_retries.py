"""Polling, busy and per-call retry policies, and the set_testing switch."""

from __future__ import annotations

import random
import re
import threading
from typing import Any

import pytest

from orgconfig._clock import RealClock, current_clock, install_clock, use_clock
from orgconfig.errors import ValidationError
from orgconfig.retries import (
    MIN_POLL_DELAY,
    BusyPolicy,
    CallRetryPolicy,
    PollingPolicy,
    is_testing,
    poll_until,
    set_testing,
)
from orgconfig.testing._vclock import VirtualClock
from tests.conftest import FakeClock


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
    last, done = poll_until(
        lambda: next(results), lambda r: r == 3, policy, timeout=None, clock=clock
    )
    assert (last, done) == (3, True)
    assert clock.sleeps == [1, 2]


def test_poll_until_times_out_on_the_given_clock() -> None:
    """The overall timeout is measured on the clock, and the last sleep is cut to fit it."""
    clock = FakeClock()
    seen: list[int] = []
    policy = PollingPolicy(initial_delay=4, max_delay=4, multiplier=1, jitter=0, timeout=10)
    last, done = poll_until(
        lambda: len(seen), lambda r: False, policy, timeout=10, clock=clock, on_poll=seen.append
    )
    assert done is False
    assert clock.sleeps == [4, 4, 2]
    assert clock.t == 10
    assert last == 3
    assert seen == [0, 1, 2, 3]


def test_poll_until_timeout_is_the_limit_not_the_policys() -> None:
    """poll_until's timeout is the limit; the policy's timeout is the caller's default only."""
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
        poll_until(fetch, lambda r: True, PollingPolicy(), timeout=None, clock=FakeClock())
    assert len(calls) == 1


def test_poll_until_uses_the_clock_in_force() -> None:
    """Without an explicit clock, the installed one is used."""
    clock = FakeClock()
    results = iter([False, True])
    policy = PollingPolicy(initial_delay=7, jitter=0)
    with use_clock(clock):
        poll_until(lambda: next(results), bool, policy, timeout=60)
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
        ({"timeout": float("nan")}, "timeout", "must be a finite number of seconds, got nan"),
        ({"initial_delay": float("inf")}, "initial_delay", "must be a finite number of seconds"),
        ({"initial_delay": 10**5000}, "initial_delay", "got an integer of about 5000 digits"),
        ({"timeout": -1}, "timeout", "must be >= 0, got -1"),
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


def test_poll_until_without_timeout_has_no_limit() -> None:
    """timeout=None polls until finished, however long that takes, whatever the policy's timeout."""
    clock = FakeClock()
    results = iter(range(10_000))
    policy = PollingPolicy(initial_delay=60, max_delay=60, jitter=0, timeout=10)
    last, done = poll_until(
        lambda: next(results), lambda r: r == 500, policy, timeout=None, clock=clock
    )
    assert (last, done) == (500, True)
    assert clock.t == 500 * 60


def test_poll_until_refuses_a_negative_timeout() -> None:
    """A timeout must be a number of seconds >= 0, or None."""
    with pytest.raises(ValidationError, match="timeout must be >= 0, got -1") as info:
        poll_until(lambda: 0, bool, PollingPolicy(), timeout=-1, clock=FakeClock())
    assert info.value.field == "timeout"


def test_no_number_of_polls_overflows() -> None:
    """The delay stays at the cap however many polls came before."""
    policy = PollingPolicy(initial_delay=5, max_delay=60, multiplier=1.5, jitter=0, timeout=None)
    assert [policy.delay(n) for n in (1_752, 5_000, 10**9, 10**15)] == [60] * 4
    huge = PollingPolicy(initial_delay=1, max_delay=1e308, multiplier=1e308, jitter=0)
    assert huge.delay(3) == 1e308
    assert policy.delay(-3) == 5


def test_thousands_of_polls_without_a_timeout() -> None:
    """A wait with no time limit can poll thousands of times without an OverflowError."""
    clock = FakeClock()
    polls = iter(range(5_000))
    policy = PollingPolicy(initial_delay=5, max_delay=60, multiplier=1.5, jitter=0, timeout=None)
    last, done = poll_until(
        lambda: next(polls), lambda r: r == 4_000, policy, timeout=None, clock=clock
    )
    assert (last, done) == (4_000, True)
    assert clock.sleeps[-1] == 60


def test_delays_have_a_floor_whatever_the_policy_says() -> None:
    """A zero-delay policy polls once every MIN_POLL_DELAY (1 s), not in a tight loop."""
    assert MIN_POLL_DELAY == 1.0
    policy = PollingPolicy(initial_delay=0, max_delay=0, jitter=0)
    assert [policy.delay(n) for n in range(3)] == [1.0, 1.0, 1.0]
    assert PollingPolicy(initial_delay=0.2, max_delay=0.5, jitter=0.1).delay(0) == 1.0
    clock = FakeClock()
    _, done = poll_until(lambda: 0, lambda r: False, policy, timeout=3.5, clock=clock)
    assert done is False
    assert clock.sleeps == [1.0, 1.0, 1.0, 0.5]  # only the last delay is cut, to the deadline


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_multiplier_must_be_finite(value: float) -> None:
    """An infinite or NaN multiplier is refused."""
    with pytest.raises(ValidationError, match="multiplier must be a finite number") as info:
        PollingPolicy(multiplier=value)
    assert info.value.field == "multiplier"


def test_set_testing_is_a_context_manager_that_restores() -> None:
    """with set_testing(...) applies at once and restores the state from before at the end."""
    assert not is_testing()
    with set_testing(True):
        assert is_testing()
        clock = current_clock()
        with set_testing(False):
            assert not is_testing()
            assert isinstance(current_clock(), RealClock)
        assert is_testing()
        assert current_clock() is clock  # the same virtual offset, not a new one
        with set_testing(True):
            assert current_clock() is clock
        assert current_clock() is clock
    assert not is_testing()
    assert isinstance(current_clock(), RealClock)


def test_set_testing_restores_even_after_an_error() -> None:
    """An exception in the block still switches real sleeping back on."""
    with pytest.raises(RuntimeError, match="boom"), set_testing(True):
        raise RuntimeError("boom")
    assert not is_testing()


def test_set_testing_yields_to_an_installed_clock() -> None:
    """A process-wide installed clock (the sandbox's) wins over the test switch."""
    clock = FakeClock()
    with set_testing(True), install_clock(clock):
        assert current_clock() is clock


def test_concurrent_waits_on_the_virtual_clock_poll_as_if_alone() -> None:
    """Waits in several threads on one virtual clock each make the polls they make alone."""
    policies = [
        PollingPolicy(initial_delay=30, max_delay=30, multiplier=1, jitter=0),
        PollingPolicy(initial_delay=5, max_delay=60, multiplier=2, jitter=0),
        PollingPolicy(initial_delay=0, max_delay=0, jitter=0),
        PollingPolicy(initial_delay=45, max_delay=45, jitter=0),
    ]

    def wait(clock: VirtualClock, policy: PollingPolicy) -> list[float]:
        begin = clock.monotonic()
        seen: list[float] = []
        poll_until(
            lambda: clock.monotonic() - begin,
            lambda elapsed: elapsed >= 600,
            policy,
            timeout=3600,
            on_poll=seen.append,
        )
        return seen

    alone: list[list[float]] = []
    for policy in policies:
        solo = VirtualClock()
        with install_clock(solo):
            alone.append(wait(solo, policy))
    clock = VirtualClock()
    together: dict[int, list[float]] = {}

    def work(index: int) -> None:
        together[index] = wait(clock, policies[index])

    with install_clock(clock):
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(policies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert [together[i] for i in range(len(policies))] == alone
    assert len(alone[0]) == 21


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: CallRetryPolicy(mode="fast"), "mode"),  # type: ignore[arg-type]  # wrong on purpose
        (lambda: CallRetryPolicy(max_attempts=0), "max_attempts"),
        (lambda: CallRetryPolicy(max_attempts=True), "max_attempts"),
        (lambda: CallRetryPolicy(max_attempts=2.5), "max_attempts"),  # type: ignore[arg-type]  # wrong on purpose
        (lambda: CallRetryPolicy(connect_timeout=0), "connect_timeout"),
        (lambda: CallRetryPolicy(read_timeout=float("inf")), "read_timeout"),
        (lambda: BusyPolicy(max_attempts=10**5000), "max_attempts"),
        (lambda: PollingPolicy().delay("3"), "attempt"),  # type: ignore[arg-type]  # wrong on purpose
        (lambda: PollingPolicy().delay(True), "attempt"),
    ],
)
def test_policies_refuse_unusable_values_with_typed_errors(make: Any, field: str) -> None:
    """Every policy value a user can get wrong is a ValidationError naming it, never a crash."""
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.field == field


def test_call_retry_defaults_bound_a_hung_endpoint_and_cannot_starve() -> None:
    """Legacy mode (no shared retry budget), and each attempt bounded well under a minute."""
    policy = CallRetryPolicy()
    config = policy.botocore_config(user_agent_extra="orgconfig/test")
    settings: Any = config  # botocore's Config keeps its options as untyped attributes
    assert settings.retries == {"mode": "legacy", "total_max_attempts": 5}
    assert (settings.connect_timeout, settings.read_timeout) == (5.0, 15.0)
    assert policy.max_attempts * (policy.connect_timeout + policy.read_timeout) <= 100


def test_busy_policy_wait_must_be_a_bool() -> None:
    """BusyPolicy(wait='no') is refused rather than taken as true."""
    with pytest.raises(ValidationError, match="wait must be True or False") as info:
        BusyPolicy(wait="no")  # type: ignore[arg-type]  # wrong on purpose
    assert info.value.field == "wait"
