"""The clock seam that lets the sandbox (or set_testing) replace real sleeping."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator

from orgconfig._clock import (
    Clock,
    RealClock,
    SupportsParticipation,
    current_clock,
    install_clock,
    participating,
    set_fallback_clock,
    use_clock,
)
from tests.conftest import FakeClock


def in_thread(target: Callable[[], Clock]) -> Clock:
    """Run ``target`` in a new thread and return what it returned."""
    seen: list[Clock] = []
    thread = threading.Thread(target=lambda: seen.append(target()))
    thread.start()
    thread.join(timeout=10)
    return seen[0]


class ScopedClock(FakeClock):
    """A fake clock that records when threads enter and leave its participation scope."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    @contextlib.contextmanager
    def participating(self) -> Iterator[None]:
        self.events.append("enter")
        try:
            yield
        finally:
            self.events.append("leave")


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


def test_use_clock_is_private_to_its_context() -> None:
    """Another thread does not see a use_clock block; a copy of the context does."""
    clock = FakeClock()
    with use_clock(clock):
        assert isinstance(in_thread(current_clock), RealClock)
        assert contextvars.copy_context().run(current_clock) is clock


def test_use_clock_in_one_thread_leaves_others_alone() -> None:
    """Two threads each in their own use_clock block see their own clock."""
    clocks = [FakeClock(), FakeClock()]
    seen: dict[int, Clock] = {}
    barrier = threading.Barrier(2, timeout=10)

    def work(index: int) -> None:
        with use_clock(clocks[index]):
            barrier.wait()  # both blocks are open at once
            seen[index] = current_clock()
            barrier.wait()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == {0: clocks[0], 1: clocks[1]}


def test_install_clock_reaches_every_thread() -> None:
    """A clock installed process-wide is the one in force in threads started in the block."""
    clock = FakeClock()
    with install_clock(clock):
        assert current_clock() is clock
        assert in_thread(current_clock) is clock
    assert isinstance(in_thread(current_clock), RealClock)
    assert isinstance(current_clock(), RealClock)


def test_precedence_is_context_then_installed_then_fallback() -> None:
    """use_clock beats install_clock, which beats the fallback, which beats real time."""
    local, installed, fallback = FakeClock(), FakeClock(), FakeClock()
    set_fallback_clock(fallback)
    try:
        assert current_clock() is fallback
        with install_clock(installed):
            assert current_clock() is installed
            with use_clock(local):
                assert current_clock() is local
                assert in_thread(current_clock) is installed
            assert current_clock() is installed
        assert current_clock() is fallback
    finally:
        set_fallback_clock(None)
    assert isinstance(current_clock(), RealClock)


def test_install_clock_blocks_may_close_out_of_order() -> None:
    """Leaving an install_clock block removes its own clock, whichever order they close in."""
    first, second = FakeClock(), FakeClock()
    outer, inner = install_clock(first), install_clock(second)
    outer.__enter__()
    inner.__enter__()
    assert current_clock() is second
    outer.__exit__(None, None, None)
    assert current_clock() is second
    inner.__exit__(None, None, None)
    assert isinstance(current_clock(), RealClock)


def test_install_clock_is_thread_safe() -> None:
    """Many threads installing and removing clocks at once leave nothing behind."""
    barrier = threading.Barrier(8, timeout=10)

    def work() -> None:
        barrier.wait()
        for _ in range(200):
            with install_clock(FakeClock()):
                assert isinstance(current_clock(), FakeClock)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert isinstance(current_clock(), RealClock)


def test_participating_is_a_no_op_for_plain_clocks() -> None:
    """participating() on a clock without the feature just yields it."""
    clock = FakeClock()
    assert not isinstance(clock, SupportsParticipation)
    with participating(clock) as got:
        assert got is clock
    with participating() as real:
        assert isinstance(real, RealClock)


def test_participating_enters_the_clocks_scope() -> None:
    """participating() enters and leaves the scope of a clock that has one, the one in force."""
    clock = ScopedClock()
    assert isinstance(clock, SupportsParticipation)
    with use_clock(clock), participating() as got:
        assert got is clock
        assert clock.events == ["enter"]
    assert clock.events == ["enter", "leave"]


def test_fake_clock_fixture_is_in_force(fake_clock: FakeClock) -> None:
    """The shared fake_clock fixture is the clock in force and records sleeps."""
    assert current_clock() is fake_clock
    current_clock().sleep(5)
    current_clock().sleep(0)
    assert fake_clock.sleeps == [5, 0]
    assert fake_clock.monotonic() == 5
