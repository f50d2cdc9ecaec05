"""Deployments over simulated time: one run per put or delete, one part per targeted account.

A put or a delete starts a :class:`Run`: for every targeted account it decides, at once, when the
account's deployment starts and ends (a configurable duration plus a seeded jitter) and how it
ends (accounts not ``ACTIVE``, accounts told to fail, and, for puts, accounts without a
configuration recorder in the region end ``*_FAILED``). Nothing runs in the background: every
read computes the statuses from the clock's reading.

A run is indexed so that reading it costs little however many accounts it targets: the aggregate
status is constant time, and the accounts in one status (a detailed-status ``Filters`` query) are
found by bisecting the accounts sorted by end time, not by walking them. The organization can
change under a run: accounts that join get their part (:meth:`Run.add`), accounts that leave lose
theirs (:meth:`Run.drop`), and a joining account without a configuration recorder waits, for at
most :data:`RECORDER_RETRY_WINDOW`, for one to appear (:meth:`Run.settle`); each change re-indexes
the run (changes are rare, reads are many). :class:`Timeline` holds what shapes the next runs:
durations, failures to inject, the stuck aggregate quirk, how long a finished delete lingers.
"""

from __future__ import annotations

import bisect
import math
import random
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Literal

import attrs

__all__ = [
    "DEFAULT_FAILURE_CODE",
    "DEFAULT_FAILURE_MESSAGE",
    "RECORDER_RETRY_WINDOW",
    "AccountRun",
    "Action",
    "Check",
    "Run",
    "Timeline",
]

Action = Literal["CREATE", "UPDATE", "DELETE"]

DEFAULT_FAILURE_CODE = "InsufficientPermissionsException"
"""The error code of an account told to fail without one (:meth:`Timeline.fail_account`)."""
DEFAULT_FAILURE_MESSAGE = (
    "AWS Config could not deploy to account {account}: the service-linked role was denied access. "
    "Check the account's service control policies and try again."
)
"""The error message of an account told to fail without one (``{account}`` is its id)."""

RECORDER_RETRY_WINDOW = 7 * 3600.0
"""How long AWS Config retries a joining account that has no configuration recorder (7 hours)."""

Check = Callable[[str], "tuple[str, str] | None"]
"""A further check of one account before a put reaches it: ``(error code, message)`` or None."""

_RECORDER_MISSING = (
    "You must create a configuration recorder before you can create or update a Config rule."
)
_SUSPENDED = (
    "AWS Config cannot deploy to account {account}: the account is {state} in AWS Organizations."
)


@attrs.define
class AccountRun:
    """One member account's part of a deployment."""

    account_id: str
    start: float
    end: float
    error_code: str | None = None
    error_message: str | None = None
    deadline: float | None = None
    """For a joining account waiting for a recorder (``end`` is infinite): when it gives up."""
    duration: float = 0.0

    @property
    def waiting(self) -> bool:
        """Whether the account waits for a configuration recorder (its end is not known yet)."""
        return self.deadline is not None and math.isinf(self.end)

    @property
    def failed(self) -> bool:
        """Whether this account's deployment ends failed."""
        return self.error_code is not None

    def status(self, action: Action, now: float) -> str:
        """Return the account's status at ``now`` (``UPDATE_IN_PROGRESS``...)."""
        if now < self.end:
            return f"{action}_IN_PROGRESS"
        return f"{action}_FAILED" if self.failed else f"{action}_SUCCESSFUL"

    def last_update(self, now: float) -> float:
        """Return when the account's status last changed, as of ``now``."""
        return self.start if now < self.end else self.end


@attrs.define
class _ByEnd:
    """Positions (in join order) of some accounts, sorted by the time their deployment ends."""

    ends: list[float]
    positions: list[int]

    @classmethod
    def of(cls, accounts: Sequence[AccountRun], keep: Callable[[AccountRun], bool]) -> _ByEnd:
        pairs = sorted((a.end, i) for i, a in enumerate(accounts) if keep(a))
        return cls([end for end, _ in pairs], [i for _, i in pairs])

    def finished(self, now: float) -> list[int]:
        return self.positions[: bisect.bisect_right(self.ends, now)]

    def unfinished(self, now: float) -> list[int]:
        return self.positions[bisect.bisect_right(self.ends, now) :]


@attrs.define
class Run:
    """One deployment: a put (CREATE or UPDATE) or a delete, across the targeted accounts.

    ``accounts`` are in join order (the order the detailed status lists them). ``touched`` is
    when the organization last changed the run (the put itself, an account joining or leaving):
    the aggregate's ``LastUpdateTime`` while in progress. ``linger`` is how long a delete that
    succeeded keeps showing ``DELETE_SUCCESSFUL`` before the resource is gone.
    """

    action: Action
    started: float
    accounts: list[AccountRun]
    stuck: bool
    linger: float = 0.0
    touched: float = attrs.field(default=-math.inf)
    end: float = attrs.field(init=False)
    _first_failure: AccountRun | None = attrs.field(init=False, default=None)
    _failed: int = attrs.field(init=False, default=0)
    _position: dict[str, int] = attrs.field(init=False, factory=dict)
    _all: _ByEnd = attrs.field(init=False)
    _ok: _ByEnd = attrs.field(init=False)
    _bad: _ByEnd = attrs.field(init=False)
    _cache: tuple[object, list[int]] | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        self.touched = max(self.touched, self.started)
        self._index()

    def _index(self) -> None:
        self.end = max((a.end for a in self.accounts), default=self.started)
        failures = [a for a in self.accounts if a.failed]
        self._first_failure = failures[0] if failures else None
        self._failed = len(failures)
        self._position = {a.account_id: i for i, a in enumerate(self.accounts)}
        self._all = _ByEnd.of(self.accounts, lambda a: True)
        self._ok = _ByEnd.of(self.accounts, lambda a: not a.failed)
        self._bad = _ByEnd.of(self.accounts, lambda a: a.failed)
        self._cache = None

    def add(self, accounts: Sequence[AccountRun], now: float) -> None:
        """Add the parts of accounts that joined the organization at ``now``."""
        known = set(self._position)
        self.accounts.extend(a for a in accounts if a.account_id not in known)
        self.touched = now
        self._index()

    def drop(self, account_ids: Collection[str], now: float) -> None:
        """Remove the parts of accounts that left the organization at ``now``."""
        if not any(a in self._position for a in account_ids):
            return
        self.accounts = [a for a in self.accounts if a.account_id not in account_ids]
        self.touched = now
        self._index()

    def waiting(self) -> list[AccountRun]:
        """Return the accounts that wait for a configuration recorder."""
        return [a for a in self.accounts if a.waiting] if math.isinf(self.end) else []

    def settle(self, now: float, has_recorder: Callable[[str], bool]) -> None:
        """Decide the accounts waiting for a recorder: deploy where one appeared, else give up.

        An account whose window (:data:`RECORDER_RETRY_WINDOW`) closed by ``now`` fails at its
        deadline; one that has a recorder now starts its deployment now.
        """
        changed = False
        for account in self.waiting():
            assert account.deadline is not None  # waiting() says so
            if now >= account.deadline:
                account.end = account.deadline
                account.error_code = "NoAvailableConfigurationRecorderException"
                account.error_message = _RECORDER_MISSING
            elif has_recorder(account.account_id):
                account.end = now + account.duration
            else:
                continue
            account.deadline = None
            changed = True
        if changed:
            self._index()

    def running(self, now: float) -> bool:
        """Whether any targeted account is still deploying (whatever the aggregate says)."""
        return now < self.end

    def first_failure(self) -> AccountRun | None:
        """Return the first account (in join order) whose deployment fails, if any."""
        return self._first_failure

    def aggregate(self, now: float) -> tuple[str, str | None, str | None, float]:
        """Return (status, error code, error message, last update) as the status APIs show it."""
        if self.stuck or self.running(now):
            return f"{self.action}_IN_PROGRESS", None, None, self.touched
        failure = self._first_failure
        last = max(self.end, self.touched)
        if failure is None:
            return f"{self.action}_SUCCESSFUL", None, None, last
        message = (
            f"{failure.error_message} ({self._failed} of {len(self.accounts)} member accounts "
            "failed; see the detailed status of each account.)"
        )
        return f"{self.action}_FAILED", failure.error_code, message, last

    def deleted(self, now: float) -> bool:
        """Whether a delete has finished everywhere with success (``DELETE_SUCCESSFUL``)."""
        return self.action == "DELETE" and not self.running(now) and self._first_failure is None

    def gone(self, now: float) -> bool:
        """Whether a deleted resource no longer exists: ``linger`` seconds after it was deleted.

        A stuck aggregate status does not keep a deleted resource alive: the quirk is about
        what the status reports, not about what exists.
        """
        return self.deleted(now) and now >= self.end + self.linger

    def matching(self, now: float, account_id: str | None, status: str | None) -> Sequence[int]:
        """Return the positions of the accounts a detailed-status filter selects, in join order.

        Costs O(log n) plus the number of accounts selected (a range when nothing is filtered),
        and one sort of the selected accounts the first time a status is asked at one instant.
        """
        if account_id:
            position = self._position.get(account_id)
            if position is None:
                return ()
            if status and self.accounts[position].status(self.action, now) != status:
                return ()
            return (position,)
        if not status:
            return range(len(self.accounts))
        key = (now, status)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        found = self._with_status(now, status)
        self._cache = (key, found)
        return found

    def _with_status(self, now: float, status: str) -> list[int]:
        action, _, state = status.partition("_")
        if action != self.action:
            return []
        if state == "IN_PROGRESS":
            selected = self._all.unfinished(now)
        elif state == "SUCCESSFUL":
            selected = self._ok.finished(now)
        elif state == "FAILED":
            selected = self._bad.finished(now)
        else:
            return []
        return sorted(selected)


@attrs.define
class _Failure:
    code: str
    message: str | None
    remaining: int | None


class Timeline:
    """What shapes the next deployments: durations, jitter, injected failures, the stuck quirk.

    Thread-safe. ``seed`` makes the jitter the same on every run.

    Example::

        timeline = Timeline(seed=0, deploy_duration=60, deploy_jitter=0.1)
        run = timeline.start("CREATE", now=0.0, scope="owner|us-east-1|pack|p",
                             targets=[("111111111111", "ACTIVE")],
                             has_recorder=lambda account: True)
        run.aggregate(now=100.0)[0]     # 'CREATE_SUCCESSFUL'
    """

    def __init__(
        self,
        *,
        seed: int,
        deploy_duration: float,
        deploy_jitter: float,
        delete_retention: float = 0.0,
    ) -> None:
        if delete_retention < 0:
            raise ValueError(f"delete_retention must be >= 0, got {delete_retention!r}")
        if deploy_duration < 0:
            raise ValueError(f"deploy_duration must be >= 0, got {deploy_duration!r}")
        if not 0 <= deploy_jitter <= 1:
            raise ValueError(f"deploy_jitter must be between 0 and 1, got {deploy_jitter!r}")
        self.seed = seed
        self._lock = threading.RLock()
        self._default_duration = float(deploy_duration)
        self._durations: dict[str, float] = {}
        self._jitter = float(deploy_jitter)
        self._failures: dict[str, _Failure] = {}
        self._stuck = False
        self.delete_retention = float(delete_retention)
        # Runs are counted per scope, so that one resource's jitter does not depend on how the
        # puts of others (in other threads, other regions) happened to be ordered.
        self._runs: dict[str, int] = {}

    def set_deploy_duration(self, seconds: float, account_id: str | None = None) -> None:
        """Set how long deployments to ``account_id`` (None: every account) take, from now on."""
        if seconds < 0:
            raise ValueError(f"a deployment cannot take a negative time ({seconds!r} s)")
        with self._lock:
            if account_id is None:
                self._default_duration = float(seconds)
                self._durations.clear()
            else:
                self._durations[account_id] = float(seconds)

    def fail_account(
        self,
        account_id: str,
        error_code: str = DEFAULT_FAILURE_CODE,
        error_message: str | None = None,
        times: int | None = None,
    ) -> None:
        """Make the next ``times`` deployments (None: all) to ``account_id`` fail."""
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {times!r}")
        with self._lock:
            self._failures[account_id] = _Failure(error_code, error_message, times)

    def clear_failures(self, account_id: str | None = None) -> None:
        """Forget the failures set by :meth:`fail_account` for ``account_id`` (None: all)."""
        with self._lock:
            if account_id is None:
                self._failures.clear()
            else:
                self._failures.pop(account_id, None)

    def set_stuck_aggregate_status(self, stuck: bool) -> None:
        """Make deployments started from now on keep an ``*_IN_PROGRESS`` aggregate forever."""
        with self._lock:
            self._stuck = stuck

    def start(
        self,
        action: Action,
        *,
        now: float,
        scope: str,
        targets: Iterable[tuple[str, str]],
        has_recorder: Callable[[str], bool],
        stuck: bool = False,
        check: Check | None = None,
    ) -> Run:
        """Start a deployment at ``now`` to ``targets`` (``(account id, state)``, join order).

        ``scope`` names the resource (owner, region, kind, name) in the jitter's seed;
        ``has_recorder(account)`` tells whether an account can take a put; ``stuck`` keeps
        this run's aggregate in progress (as :meth:`set_stuck_aggregate_status` does for every
        run); ``check(account)`` may fail an account a put reaches (its delivery bucket).
        """
        with self._lock:
            runs = self._runs[scope] = self._runs.get(scope, 0) + 1
            accounts: list[AccountRun] = []
            for account_id, state in targets:
                run = self._account_run(account_id, now, f"{scope}|{runs}")
                self._decide_outcome(run, action, state, has_recorder, check)
                accounts.append(run)
            linger = self.delete_retention if action == "DELETE" else 0.0
            return Run(action, now, accounts, stuck=self._stuck or stuck, linger=linger)

    def join(
        self,
        run: Run,
        *,
        now: float,
        scope: str,
        joined: Iterable[tuple[str, str]],
        has_recorder: Callable[[str], bool],
        check: Check | None = None,
    ) -> None:
        """Deploy ``run`` (a put's) to accounts that ``joined`` the organization at ``now``.

        An account without a configuration recorder waits for one for
        :data:`RECORDER_RETRY_WINDOW` (see :meth:`Run.settle`) instead of failing at once.
        """
        with self._lock:
            added: list[AccountRun] = []
            for account_id, state in joined:
                account = self._account_run(account_id, now, f"{scope}|join")
                self._decide_outcome(account, run.action, state, lambda _: True, check)
                if not account.failed and not has_recorder(account_id):
                    account.deadline = now + RECORDER_RETRY_WINDOW
                    account.end = math.inf
                added.append(account)
            run.add(added, now)

    def _account_run(self, account_id: str, now: float, seed: str) -> AccountRun:
        duration = self._durations.get(account_id, self._default_duration)
        if self._jitter and duration:
            draw = random.Random(f"{self.seed}|{seed}|{account_id}").random()
            duration *= 1 + self._jitter * draw
        return AccountRun(account_id, now, now + duration, duration=duration)

    def _decide_outcome(
        self,
        run: AccountRun,
        action: Action,
        state: str,
        has_recorder: Callable[[str], bool],
        check: Check | None,
    ) -> None:
        account_id = run.account_id
        if state != "ACTIVE":
            run.error_code = "InsufficientPermissionsException"
            run.error_message = _SUSPENDED.format(account=account_id, state=state)
            return
        failure = self._failures.get(account_id)
        if failure is not None:
            run.error_code = failure.code
            run.error_message = failure.message or DEFAULT_FAILURE_MESSAGE.format(
                account=account_id
            )
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    del self._failures[account_id]
            return
        if action == "DELETE":
            return
        if not has_recorder(account_id):
            run.error_code = "NoAvailableConfigurationRecorderException"
            run.error_message = _RECORDER_MISSING
            return
        refused = check(account_id) if check is not None else None
        if refused is not None:
            run.error_code, run.error_message = refused
