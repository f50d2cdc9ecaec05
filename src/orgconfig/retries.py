"""How orgconfig waits: polling policies, busy-resource retries, per-call retries, the test switch.

Three different things, configured apart (as in google-api-core):

* **Per-call retries** (:class:`CallRetryPolicy`): how one API call recovers from throttling and
  server errors. That is botocore's job; orgconfig only sets botocore's retry mode and attempts
  explicitly instead of inheriting whatever the environment says.
* **Polling** (:class:`PollingPolicy`): how often a :class:`~orgconfig.Deployment` re-reads the
  status of an organization-wide deployment while it is ``*_IN_PROGRESS``, and for how long in all.
* **Busy resources** (:class:`BusyPolicy`): what a put or delete does when the service answers
  ``ResourceInUseException`` because a deployment of the same pack or rule is still running:
  by default, wait for it to settle and try again, a bounded number of times.

All waiting goes through the clock in force (:func:`orgconfig._clock.current_clock`): real time
normally, the sandbox's virtual clock inside :func:`orgconfig.testing.sandbox`. Outside a sandbox,
:func:`set_testing` removes real sleeping for a test run: sleeps then only advance a private
virtual offset, so timeouts still fire in the right order without anyone waiting.

Whatever a policy says, polls are at least :data:`MIN_POLL_DELAY` seconds apart.

Example::

    from orgconfig import Organization, PollingPolicy

    org = Organization.connect(polling=PollingPolicy(initial_delay=2, max_delay=30, timeout=1800))
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from orgconfig._clock import Clock, RealClock, participating, set_fallback_clock
from orgconfig.errors import ValidationError

if TYPE_CHECKING:
    from types import TracebackType

    from botocore.config import Config as BotocoreConfig
    from tenacity import RetryCallState

__all__ = [
    "MIN_POLL_DELAY",
    "BusyPolicy",
    "CallRetryPolicy",
    "PollingPolicy",
    "is_testing",
    "poll_until",
    "set_testing",
]

_T = TypeVar("_T")

MIN_POLL_DELAY = 1.0
"""The shortest delay between two polls, in seconds, whatever a :class:`PollingPolicy` says.

A policy of ``initial_delay=0, max_delay=0`` polls once a second, not in a tight loop: a status
call is rate-limited by AWS, and a storm of them throttles every other caller in the account.
Only the last delay of a wait may be shorter, cut to end exactly at the deadline.
"""


def _show(value: object, limit: int = 40) -> str:
    """``repr(value)``, short and safe: huge integers and long texts cannot blow up a message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])
    return text if len(text) <= limit + 2 else text[:limit] + "..."


def _finite(value: float) -> bool:
    """Whether ``value`` is a finite number a float can hold (huge integers cannot)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def check_duration(name: str, value: object, *, optional: bool = False) -> None:
    """Refuse anything but a finite, non-negative number of seconds (None when ``optional``)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{name} must be a number of seconds, got {type(value).__name__} {_show(value)}",
            field=name,
        )
    if not _finite(value):
        raise ValidationError(
            f"{name} must be a finite number of seconds, got {_show(value)}", field=name
        )
    if value < 0:
        raise ValidationError(f"{name} must be >= 0, got {_show(value)}", field=name)


def _positive(_inst: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    check_duration(attribute.name, value, optional=attribute.name == "timeout")


def _above_zero(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
    check_duration(attribute.name, value)
    if value == 0:
        raise ValidationError(
            f"{attribute.name} must be > 0, got {_show(value)}", field=attribute.name
        )


def _at_least(low: int) -> Callable[[object, attrs.Attribute[Any], float], None]:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(
                f"{attribute.name} must be a number, got {type(value).__name__} {_show(value)}",
                field=attribute.name,
            )
        if not _finite(value):
            raise ValidationError(
                f"{attribute.name} must be a finite number, got {_show(value)}",
                field=attribute.name,
            )
        if value < low:
            raise ValidationError(
                f"{attribute.name} must be >= {low:g}, got {_show(value)}", field=attribute.name
            )

    return check


def _integer(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{attribute.name} must be a whole number, got {_show(value)}", field=attribute.name
        )


def _boolean(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"{attribute.name} must be True or False, got {type(value).__name__} {_show(value)}",
            field=attribute.name,
        )


def _one_of(*choices: str) -> Callable[[object, attrs.Attribute[Any], str], None]:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in choices:
            raise ValidationError(
                f"{attribute.name} must be one of {', '.join(choices)}, got {_show(value)}",
                field=attribute.name,
            )

    return check


@attrs.frozen
class PollingPolicy:
    """How a deployment is polled until it finishes.

    The delay before poll *n* (from 0) is ``min(max_delay, initial_delay * multiplier ** n)`` plus
    a random jitter of up to ``jitter`` seconds (still capped at ``max_delay``), and never less
    than :data:`MIN_POLL_DELAY`: smaller delays are accepted and raised to it. The delays stop
    growing once they reach ``max_delay``, so any number of polls is fine.

    ``timeout`` is how long a wait lasts in all when its caller names no limit of its own, in
    seconds; ``None`` means no time limit: the wait polls until the deployment finishes.

    Example::

        PollingPolicy(initial_delay=1, max_delay=20, multiplier=2, jitter=0.5, timeout=3600)
    """

    initial_delay: float = attrs.field(default=5.0, validator=_positive)
    max_delay: float = attrs.field(default=60.0, validator=_positive)
    multiplier: float = attrs.field(default=1.5, validator=_at_least(1))
    jitter: float = attrs.field(default=1.0, validator=_positive)
    timeout: float | None = attrs.field(default=3600.0, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.max_delay < self.initial_delay:
            raise ValidationError(
                f"max_delay ({self.max_delay!r}) is below initial_delay ({self.initial_delay!r})",
                field="max_delay",
            )

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return the delay in seconds before poll number ``attempt`` (0-based).

        Args:
            attempt: how many polls came before (negative counts as 0); any size is fine.
            rng: where the jitter comes from (the ``random`` module by default).

        Returns:
            A delay between :data:`MIN_POLL_DELAY` and ``max(max_delay, MIN_POLL_DELAY)``.
        """
        if isinstance(attempt, bool) or not isinstance(attempt, int):
            raise ValidationError(
                f"attempt must be a whole number, got {type(attempt).__name__} {_show(attempt)}",
                field="attempt",
            )
        spread = (rng or random).uniform(0, self.jitter) if self.jitter else 0.0
        return max(MIN_POLL_DELAY, min(self.max_delay, self._grown(attempt) + spread))

    def _grown(self, attempt: int) -> float:
        """``min(max_delay, initial_delay * multiplier ** attempt)``, computed without overflow."""
        first, cap, factor = self.initial_delay, self.max_delay, self.multiplier
        if attempt <= 0 or first == 0 or factor == 1:
            return min(cap, first)
        # initial * factor**n reaches the cap once n >= log(cap / initial) / log(factor): compare
        # the logarithms, so the power is only computed while it is below the cap.
        if attempt >= math.log(cap / first) / math.log(factor):
            return cap
        return min(cap, first * factor**attempt)


@attrs.frozen
class BusyPolicy:
    """What a put or delete does when the pack or rule is busy (``ResourceInUseException``).

    With ``wait=True`` (the default) the returned :class:`~orgconfig.Deployment` waits for the
    running deployment to settle, using the organization's :class:`PollingPolicy`, then tries
    again: ``max_attempts`` busy answers in all, over every ``wait()`` of that handle; with
    ``wait=False`` the put or delete raises :class:`~orgconfig.errors.ResourceInUseError` at
    once.
    """

    wait: bool = attrs.field(default=True, validator=_boolean)
    max_attempts: int = attrs.field(default=3, validator=[_integer, _at_least(1)])


@attrs.frozen
class CallRetryPolicy:
    """Retries and timeouts of a single API call, handed to botocore.

    ``mode`` is botocore's retry mode and ``max_attempts`` counts the first attempt.
    ``connect_timeout`` and ``read_timeout`` bound each attempt, so an endpoint that accepts a
    connection and never answers costs at most ``max_attempts * (connect + read)`` seconds
    (100 s with the defaults) instead of botocore's 60-second reads.

    The default mode is ``"legacy"``, on purpose: botocore's ``"standard"`` and ``"adaptive"``
    modes draw every retry from one token bucket per client, which sustained throttling empties
    (with 30% throttling, 157-219 calls per 50 deployments failed with ``RetryQuotaReached``), and
    a dry bucket refuses the retries of every later call; legacy mode has no such shared budget,
    and still backs off exponentially with jitter on throttling, 5xx answers and connection
    errors. A wait also outlives what a call's retries cannot absorb (it polls again, see
    :data:`orgconfig.errors.TRANSIENT_ERRORS`). ``"adaptive"`` adds a client-side rate limiter
    that sleeps in real time, even in the sandbox.

    Example::

        CallRetryPolicy(mode="standard", max_attempts=3, connect_timeout=2, read_timeout=10)
    """

    mode: Literal["standard", "adaptive", "legacy"] = attrs.field(
        default="legacy", validator=_one_of("standard", "adaptive", "legacy")
    )
    max_attempts: int = attrs.field(default=5, validator=[_integer, _at_least(1)])
    connect_timeout: float = attrs.field(default=5.0, validator=_above_zero)
    read_timeout: float = attrs.field(default=15.0, validator=_above_zero)

    def botocore_config(self, user_agent_extra: str | None = None) -> BotocoreConfig:
        """Return the botocore ``Config`` that applies this policy to a client."""
        from botocore.config import Config as BotocoreConfig  # noqa: PLC0415  (boto on use)

        return BotocoreConfig(
            retries={"mode": self.mode, "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            user_agent_extra=user_agent_extra,
        )


class _SkippingClock:
    """A clock for :func:`set_testing`: real monotonic time plus every skipped sleep."""

    def __init__(self) -> None:
        self._real = RealClock()
        self._skipped = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._real.monotonic() + self._skipped

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._skipped += seconds


_testing_clock: _SkippingClock | None = None
_testing_lock = threading.Lock()


def _switch(clock: _SkippingClock | None) -> None:
    global _testing_clock  # noqa: PLW0603  (one process-wide switch, by design)
    _testing_clock = clock
    set_fallback_clock(clock)


class _RestoreTesting:
    """What :func:`set_testing` returns: leaving it as a context manager restores the state before.

    The switch is already applied when :func:`set_testing` returns, so calling it as a plain
    function works; entering the object does nothing more.
    """

    def __init__(self, previous: _SkippingClock | None) -> None:
        self._previous = previous

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with _testing_lock:
            _switch(self._previous)

    def __repr__(self) -> str:
        return f"set_testing({_testing_clock is not None})"


def set_testing(testing: bool) -> _RestoreTesting:
    """Turn off (``True``) or back on (``False``) every real sleep orgconfig does.

    Meant for test suites that talk to something other than the sandbox. While testing, waits
    add to a virtual offset instead of sleeping, so polling timeouts still fire, in order,
    without any real waiting. Inside :func:`orgconfig.testing.sandbox` the sandbox's own
    virtual clock still rules (its simulated deployments move only with it), so the switch
    is harmless there. Calling it twice with the same value changes nothing.

    The switch applies at once; used as a context manager (like ``stamina.set_testing``), it also
    restores the state from before the call when the block ends.

    Example::

        with set_testing(True):
            deployment.wait(timeout=600)   # times out without sleeping

        set_testing(True)    # or for the rest of the run
    """
    with _testing_lock:
        previous = _testing_clock
        if testing and previous is None:
            _switch(_SkippingClock())
        elif not testing and previous is not None:
            _switch(None)
    return _RestoreTesting(previous)


def is_testing() -> bool:
    """Return whether :func:`set_testing` is on."""
    return _testing_clock is not None


def poll_until(
    fetch: Callable[[], _T],
    finished: Callable[[_T], bool],
    policy: PollingPolicy,
    *,
    timeout: float | None,
    on_poll: Callable[[_T], None] | None = None,
    clock: Clock | None = None,
) -> tuple[_T, bool]:
    """Call ``fetch`` until ``finished(result)`` or the time runs out; return (last result, done).

    The first fetch happens at once; later ones follow ``policy``'s delays (never shorter than
    :data:`MIN_POLL_DELAY`) on ``clock`` (the clock in force by default), the last one cut to
    end at the deadline. The loop takes part in the clock (see
    :func:`orgconfig._clock.participating`), so concurrent waits on the sandbox's clock each see
    the times they would see alone. Exceptions from ``fetch`` propagate unchanged: retrying a
    failing call is botocore's job, not the poller's.

    Args:
        fetch: reads the current state.
        finished: decides from a state whether to stop.
        policy: the delays between polls (its ``timeout`` is not read: the caller resolves it).
        timeout: the limit in seconds for the whole wait; ``None`` for no limit.
        on_poll: called with every state read.
        clock: what to read the time from and sleep on.

    Returns:
        The last state read, and whether it is finished (False: the time ran out).
    """
    check_duration("timeout", timeout, optional=True)
    with participating(clock) as clk:
        start = clk.monotonic()

        def remaining() -> float | None:
            return None if timeout is None else timeout - (clk.monotonic() - start)

        def wait(state: RetryCallState) -> float:
            delay = policy.delay(state.attempt_number - 1)
            left = remaining()
            return delay if left is None else max(0.0, min(delay, left))

        def stop(_state: RetryCallState) -> bool:
            left = remaining()
            return left is not None and left <= 0

        def attempt() -> _T:
            result = fetch()
            if on_poll is not None:
                on_poll(result)
            return result

        import tenacity  # noqa: PLC0415  (on first wait, not at import: see orgconfig/__init__)

        retrying = tenacity.Retrying(
            sleep=clk.sleep,
            wait=wait,
            stop=stop,
            retry=tenacity.retry_if_result(lambda r: not finished(r)),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        result = retrying(attempt)
    return result, finished(result)
