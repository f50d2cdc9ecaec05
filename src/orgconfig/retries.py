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
import tenacity
from botocore.config import Config as BotocoreConfig

from orgconfig._clock import Clock, RealClock, current_clock, set_fallback_clock
from orgconfig.errors import ValidationError

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = [
    "BusyPolicy",
    "CallRetryPolicy",
    "PollingPolicy",
    "is_testing",
    "poll_until",
    "set_testing",
]

_T = TypeVar("_T")


def check_duration(name: str, value: object, *, optional: bool = False) -> None:
    """Refuse anything but a finite, non-negative number of seconds (None when ``optional``)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{name} must be a number of seconds, got {type(value).__name__} {value!r}", field=name
        )
    if not math.isfinite(value) or value < 0:
        raise ValidationError(f"{name} must be >= 0, got {value!r}", field=name)


def _positive(_inst: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    check_duration(attribute.name, value, optional=attribute.name == "timeout")


def _at_least(low: int) -> Callable[[object, attrs.Attribute[Any], float], None]:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(
                f"{attribute.name} must be a number, got {type(value).__name__} {value!r}",
                field=attribute.name,
            )
        if value < low:
            raise ValidationError(
                f"{attribute.name} must be >= {low:g}, got {value!r}", field=attribute.name
            )

    return check


def _integer(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int):
        raise ValidationError(
            f"{attribute.name} must be a whole number, got {value!r}", field=attribute.name
        )


def _one_of(*choices: str) -> Callable[[object, attrs.Attribute[Any], str], None]:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in choices:
            raise ValidationError(
                f"{attribute.name} must be one of {', '.join(choices)}, got {value!r}",
                field=attribute.name,
            )

    return check


@attrs.frozen
class PollingPolicy:
    """How a deployment is polled until it finishes.

    The delay before poll *n* (from 0) is ``min(max_delay, initial_delay * multiplier ** n)`` plus
    a random jitter of up to ``jitter`` seconds, and never longer than the time left before
    ``timeout``. ``timeout`` (seconds, ``None`` for no limit) bounds the whole wait.

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
        """Return the delay in seconds before poll number ``attempt`` (0-based)."""
        base = min(self.max_delay, self.initial_delay * self.multiplier**attempt)
        spread = (rng or random).uniform(0, self.jitter) if self.jitter else 0.0
        return min(self.max_delay, base + spread)


@attrs.frozen
class BusyPolicy:
    """What a put or delete does when the pack or rule is busy (``ResourceInUseException``).

    With ``wait=True`` (the default) orgconfig waits for the running deployment to settle,
    using the organization's :class:`PollingPolicy`, then tries again, at most ``max_attempts``
    times in all; with ``wait=False`` it raises :class:`~orgconfig.errors.ResourceInUseError`
    at once.
    """

    wait: bool = True
    max_attempts: int = attrs.field(default=3, validator=[_at_least(1), _integer])


@attrs.frozen
class CallRetryPolicy:
    """Retries of a single API call, handed to botocore (throttling and 5xx answers).

    ``mode`` is botocore's retry mode (``"standard"`` or ``"adaptive"``; ``"legacy"`` is
    accepted but not recommended) and ``max_attempts`` counts the first attempt.
    """

    mode: Literal["standard", "adaptive", "legacy"] = attrs.field(
        default="standard", validator=_one_of("standard", "adaptive", "legacy")
    )
    max_attempts: int = attrs.field(default=8, validator=[_at_least(1), _integer])
    connect_timeout: float = attrs.field(default=10.0, validator=_positive)
    read_timeout: float = attrs.field(default=60.0, validator=_positive)

    def botocore_config(self, user_agent_extra: str | None = None) -> BotocoreConfig:
        """Return the botocore ``Config`` that applies this policy to a client."""
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


def set_testing(testing: bool) -> None:
    """Turn off (``True``) or back on (``False``) every real sleep orgconfig does.

    Meant for test suites that talk to something other than the sandbox. While testing, waits
    add to a virtual offset instead of sleeping, so polling timeouts still fire, in order,
    without any real waiting. Inside :func:`orgconfig.testing.sandbox` the sandbox's own
    virtual clock still rules (its simulated deployments move only with it), so the switch
    is harmless there. Calling it twice with the same value changes nothing.
    """
    global _testing_clock  # noqa: PLW0603  (one process-wide switch, by design)
    if testing and _testing_clock is None:
        _testing_clock = _SkippingClock()
        set_fallback_clock(_testing_clock)
    elif not testing and _testing_clock is not None:
        _testing_clock = None
        set_fallback_clock(None)


def is_testing() -> bool:
    """Return whether :func:`set_testing` is on."""
    return _testing_clock is not None


def poll_until(
    fetch: Callable[[], _T],
    finished: Callable[[_T], bool],
    policy: PollingPolicy,
    *,
    timeout: float | None = None,
    on_poll: Callable[[_T], None] | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> tuple[_T, bool]:
    """Call ``fetch`` until ``finished(result)`` or the time runs out; return (last result, done).

    The first fetch happens at once; later ones follow ``policy``'s delays on ``clock`` (the clock
    in force by default). ``timeout`` overrides ``policy.timeout``. Exceptions from ``fetch``
    propagate unchanged: retrying a failing call is botocore's job, not the poller's.
    """
    clk = clock or current_clock()
    limit = policy.timeout if timeout is None else timeout
    start = clk.monotonic()

    def remaining() -> float | None:
        return None if limit is None else limit - (clk.monotonic() - start)

    def wait(state: RetryCallState) -> float:
        delay = policy.delay(state.attempt_number - 1, rng)
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
