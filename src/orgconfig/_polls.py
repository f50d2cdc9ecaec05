"""Reading a deployment's state: the status reader, one poll's observation, the decision.

:class:`_Polls` holds a :class:`~orgconfig.Deployment`'s state and everything it reads from the
service; the completion decision itself is :mod:`orgconfig._acceptors`' table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Final, Literal, Protocol

import attrs

from orgconfig import errors
from orgconfig._acceptors import Accounts, Aggregate, Outcome, decide
from orgconfig._clock import Clock, current_clock
from orgconfig._results import DeploymentResult
from orgconfig._status import DEPARTED
from orgconfig.models import AccountStatus, DeploymentStatus, Status
from orgconfig.retries import BusyPolicy, PollingPolicy

__all__ = [
    "CLOCK_SKEW",
    "PROGRESS_SECONDS_PER_PAGE",
    "STALE_GRACE",
    "Operation",
    "StatusReader",
]

CLOCK_SKEW: Final = 30.0
"""Seconds of disagreement allowed between this machine's clock and the service's timestamps."""

STALE_GRACE: Final = 300.0
"""Seconds after a put during which a final aggregate older than the put is taken as stale."""

PROGRESS_SECONDS_PER_PAGE: Final = 30.0
"""Progress counts are re-read at most once per this many seconds for each page they cost."""


Operation = Literal["put", "delete", "resume"]


class StatusReader(Protocol):
    """How a :class:`Deployment` reads the service; given to it, so it builds no request itself."""

    kind: str
    label: str
    region: str
    name: str

    def aggregate(self) -> DeploymentStatus | None:
        """Return the aggregate status; None when the pack or rule does not exist."""
        ...

    def accounts(self) -> list[AccountStatus]:
        """Return every account's status (raises ``NotFoundError`` when it does not exist)."""
        ...

    def any_in_progress(self, action: str) -> bool:
        """Return whether an account is still ``<ACTION>_IN_PROGRESS`` (one small call)."""
        ...

    def count_in_progress(self, action: str) -> tuple[int, int]:
        """Return (accounts ``<ACTION>_IN_PROGRESS``, pages read to count them)."""
        ...

    def not_found(self) -> errors.NotFoundError:
        """Return the error for a pack or rule that does not exist."""
        ...

    def call_uncertain(self) -> bool:
        """Whether an attempt of this thread's last call may have been applied unseen."""
        ...

    def account_details(self, refresh: bool) -> Mapping[str, tuple[str, str]]:
        """Return account id -> (name, state in AWS Organizations); empty when not known."""
        ...


@attrs.define
class _Observation:
    """What one poll saw."""

    status: DeploymentStatus | None
    outcome: Outcome
    counts: tuple[int, int] | None
    failed: bool = False

    @property
    def finished(self) -> bool:
        return self.outcome.finished


def _wall_time(clock: Clock) -> float:
    """Seconds since the epoch on ``clock`` (a sandbox's virtual wall time, else the real one)."""
    timestamp: Callable[[], float] | None = getattr(clock, "timestamp", None)
    return timestamp() if timestamp is not None else time.time()


class _Polls:
    """A deployment's state, and the reads of one poll (the base of :class:`Deployment`)."""

    def __init__(
        self,
        reader: StatusReader,
        *,
        operation: Operation,
        polling: PollingPolicy,
        busy: BusyPolicy | None = None,
        submit: Callable[[], object] | None = None,
        confirm: Callable[[], bool] | None = None,
    ) -> None:
        self._reader = reader
        self._confirm = confirm
        self.name = reader.name
        self.operation: Operation = operation
        self.polling = polling
        self._busy = busy or BusyPolicy()
        self._submit = submit
        self._made = submit is None  # a resumed deployment has no call to make
        self._busy_error: errors.ResourceInUseError | None = None
        self._busy_answers = 0
        self._maybe_ours_since: float | None = None
        self._call_error: errors.OrgConfigError | None = None
        self._attempts = 0
        self._submitted_at: float | None = None
        self._visible_since: float | None = None  # a deployment is known to run since then
        self._seen = False  # whether a read has shown the pack or rule
        self._accounts: dict[str, AccountStatus] = {}
        self._listed = False
        self._listed_at = 0
        self._action: str | None = "delete" if operation == "delete" else None
        self._last_status: DeploymentStatus | None = None
        self._final: DeploymentResult | None = None
        self._polls = 0
        self._first_look: float | None = None
        self._counts: tuple[int, int] | None = None
        self._counted_at: float | None = None
        self._count_pages = 1

    @property
    def kind(self) -> str:
        """``"conformance_pack"`` or ``"rule"``."""
        return self._reader.kind

    @property
    def region(self) -> str:
        """The region the deployment runs in."""
        return self._reader.region

    # -- reading the service --------------------------------------------------------------

    def _aggregate(self) -> DeploymentStatus | None:
        return self._reader.aggregate()

    def _list_all(self) -> None:
        try:
            self._accounts = {a.account_id: a for a in self._reader.accounts()}
        except errors.NotFoundError:
            # The resource went away between the aggregate and the detailed read: a delete
            # finished (AWS can still show DELETE_SUCCESSFUL for a moment). Otherwise re-raise.
            if self._action != "delete":
                raise
            self._mark_all_deleted()
        self._listed = True
        self._listed_at = self._polls

    def _mark_all_deleted(self) -> None:
        self._accounts = {
            k: attrs.evolve(a, status=Status.DELETE_SUCCESSFUL, error_code=None, error_message=None)
            for k, a in self._accounts.items()
        }

    def _learn_action(self, status: Status) -> None:
        """The action followed: the one in progress, else the first one seen."""
        if status.action is not None and (status.in_progress or self._action is None):
            self._action = status.action

    def _account_done(self, account: AccountStatus) -> bool:
        return account.status.finished and account.status.action == self._action

    def _done_count(self) -> tuple[int, int]:
        total = len(self._accounts)
        return sum(map(self._account_done, self._accounts.values())), total

    def _stale(self, status: DeploymentStatus | None, clock: Clock) -> bool:
        """A read that lags behind a write (within :data:`STALE_GRACE` of it).

        Right after this handle's put: no pack or rule at all yet, or a final aggregate older
        than the put. Right after the service said a deployment is running (a busy answer): no
        pack or rule at all yet.
        """
        since = self._submitted_at if self._submitted_at is not None else self._visible_since
        if since is None or _wall_time(clock) - since > STALE_GRACE:
            return False
        if status is None:
            # Not yet visible; once seen, "not found" means gone (a delete finished).
            return not self._seen and (self.operation == "put" or self._visible_since is not None)
        if self._submitted_at is None or status.last_update is None:
            return False
        stamped = status.last_update.timestamp()
        if status.status.in_progress:
            # A deployment in progress is stamped when it began: this call's own began with it
            # (give or take the clocks' skew); one that began long before is the previous one
            # (stuck in progress: the delegated-administrator quirk), seen through read lag.
            return stamped < self._submitted_at - CLOCK_SKEW
        if not status.status.finished:
            return False
        # A deployment's final LastUpdateTime comes minutes after its put, so no tolerance is
        # needed here: a final status stamped no later than the call is the previous one's.
        return status.last_update.timestamp() <= self._submitted_at

    def _other_action(self, status: Status) -> bool:
        """A delete seen by a put handle, or a create or update seen by a delete handle."""
        if self.operation == "resume" or status.action is None:
            return False
        return (status.action == "delete") != (self.operation == "delete")

    def _classify(self, status: DeploymentStatus | None, clock: Clock) -> Aggregate:
        if self._stale(status, clock):
            return Aggregate.STALE
        if status is None:
            return Aggregate.GONE
        if self._other_action(status.status):
            return Aggregate.OTHER_ACTION
        state = status.status
        return (
            Aggregate.SUCCESSFUL
            if state.succeeded
            else Aggregate.FAILED
            if state.failed
            else Aggregate.IN_PROGRESS
            if state.in_progress
            else Aggregate.UNKNOWN
        )

    def _accounts_state(self) -> Accounts:
        if self._action is not None and self._reader.any_in_progress(self._action):
            return Accounts.PENDING
        # None in progress (or an aggregate state this version does not know): confirm with the
        # full report that every account ended *this* action (the delegated-admin quirk).
        self._list_all()
        done, total = self._done_count()
        return Accounts.ENDED if total and done == total else Accounts.PENDING

    def _progress(self, clock: Clock) -> tuple[int, int]:
        now = clock.monotonic()
        if not self._listed or self._listed_at == self._polls:
            if not self._listed:
                self._list_all()  # learn who is targeted
            self._counted_at = now
            self._count_pages = max(1, -(-len(self._accounts) // 100))
            self._counts = self._done_count()
        elif self._action is not None and (
            self._counted_at is None
            or now - self._counted_at >= self._count_pages * PROGRESS_SECONDS_PER_PAGE
        ):
            pending, pages = self._reader.count_in_progress(self._action)
            total = len(self._accounts)
            self._counted_at, self._count_pages = now, max(1, pages)
            self._counts = (max(0, total - pending), total)
        return self._counts or self._done_count()

    def _observe(self, *, counting: bool) -> _Observation:
        self._polls += 1
        clock = current_clock()
        if self._first_look is None:
            self._first_look = clock.monotonic()
        status = self._aggregate()
        aggregate = self._classify(status, clock)
        self._seen = self._seen or status is not None
        if aggregate not in (Aggregate.STALE, Aggregate.OTHER_ACTION):
            self._last_status = status
            if status is not None:
                self._learn_action(status.status)
        accounts = Accounts.ANY
        if aggregate in (Aggregate.IN_PROGRESS, Aggregate.UNKNOWN):
            if self._action == "delete" and not self._listed:
                # A deleted pack or rule vanishes at the end, its accounts with it: read who is
                # targeted while it can still be read.
                self._list_all()
            accounts = self._accounts_state()
        outcome = decide(aggregate, accounts, deleting=self._action == "delete").outcome
        if outcome is Outcome.NOT_FOUND:
            raise self._reader.not_found()
        if outcome is Outcome.SUPERSEDED or (
            aggregate is Aggregate.OTHER_ACTION and self._submit is None
        ):
            assert status is not None
            raise self._superseded(status)
        if outcome is Outcome.DELETED:
            self._last_status = None
            self._mark_all_deleted()
        elif outcome in (Outcome.SUCCEEDED, Outcome.FAILED):
            self._list_all()  # the final report
        counts: tuple[int, int] | None = None
        if outcome.finished:
            counts = (len(self._accounts), len(self._accounts))
        elif counting and aggregate in (Aggregate.IN_PROGRESS, Aggregate.UNKNOWN):
            counts = self._progress(clock)
        return _Observation(status, outcome, counts)

    def _superseded(self, status: DeploymentStatus) -> errors.DeploymentSupersededError:
        if self.operation == "delete":
            what = (
                f"there is no delete of {self._reader.label} {self.name!r} in {self.region} to "
                f"follow: its last deployment is {status.status.value}"
            )
        else:
            what = (
                f"the put of {self._reader.label} {self.name!r} in {self.region} was superseded "
                f"by a delete ({status.status.value})"
            )
        return errors.DeploymentSupersededError(
            what, name=self.name, kind=self.kind, region=self.region, status=status.status.value
        )

    def _adorned(self, accounts: tuple[AccountStatus, ...]) -> tuple[AccountStatus, ...]:
        """The accounts with their names and states in AWS Organizations, where readable.

        An account the cached directory does not know makes it read again once; one still
        missing then has left the organization.
        """
        details = self._reader.account_details(False)
        if not details or not accounts:
            return accounts
        if any(a.account_id not in details or a.status.failed for a in accounts):
            # An account unknown to the cached directory, or a failure that its state may
            # explain (suspended since the directory was read): read it once more.
            details = self._reader.account_details(True) or details
        return tuple(
            attrs.evolve(
                a,
                account_name=details.get(a.account_id, (None, None))[0],
                account_state=details.get(a.account_id, (None, DEPARTED))[1],
            )
            for a in accounts
        )

    def _result(self, *, finished: bool, elapsed: float) -> DeploymentResult:
        accounts = tuple(sorted(self._accounts.values(), key=lambda a: a.account_id))
        if self._last_status is None:
            status = Status.DELETE_SUCCESSFUL if finished else Status.UNKNOWN
        elif finished and not self._last_status.status.finished:
            action = (self._action or "create").upper()
            failed = any(a.status.failed for a in accounts)
            status = Status(f"{action}_{'FAILED' if failed else 'SUCCESSFUL'}")
        else:
            status = self._last_status.status
        if finished:
            accounts = self._adorned(accounts)
        return DeploymentResult(
            name=self.name,
            kind=self.kind,
            region=self.region,
            status=status,
            accounts=accounts,
            elapsed=elapsed,
            polls=self._polls,
        )
