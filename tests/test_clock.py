"""The clock seam that lets the sandbox (or set_testing) replace real sleeping."""

from __future__ import annotations

from orgconfig._clock import Clock, RealClock, current_clock, use_clock


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_real_clock_is_the_default() -> None:
    """With nothing installed, orgconfig waits on the real clock."""
    assert isinstance(current_clock(), RealClock)
    assert isinstance(current_clock(), Clock)


def test_real_clock_does_not_sleep_for_nothing() -> None:
    """Sleeping zero or negative seconds returns at once."""
    clock = RealClock()
    before = clock.monotonic()
    clock.sleep(0)
    clock.sleep(-5)
    assert clock.monotonic() - before < 1


def test_use_clock_nests_and_restores() -> None:
    """use_clock installs a clock for its block only, innermost first."""
    outer, inner = FakeClock(), FakeClock()
    with use_clock(outer):
        assert current_clock() is outer
        with use_clock(inner):
            assert current_clock() is inner
        assert current_clock() is outer
    assert isinstance(current_clock(), RealClock)
