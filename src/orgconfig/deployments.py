"""Organization-wide deployments as futures: :class:`Deployment` and :class:`DeploymentResult`.

A put or a delete of a conformance pack or rule starts an asynchronous deployment to every member
account. :class:`Deployment` follows it: :meth:`~Deployment.done` looks once,
:meth:`~Deployment.wait` polls until the end and returns a :class:`DeploymentResult` with one
:class:`~orgconfig.AccountStatus` per member account.

A ``put`` or ``delete`` returns its :class:`Deployment` at once. When the pack or rule is busy (a
deployment of the same name is running), the handle starts in a *busy* phase: ``wait()`` first
waits for the running deployment to settle, then makes the call again (per the
:class:`~orgconfig.BusyPolicy`), all within its own timeout, visible to ``on_progress`` and the
logs. A put whose answer was lost after AWS applied it (botocore retried and met the put's own
running deployment) is recognised by the deployment's ``LastUpdateTime`` and not made twice.

When the deployment is finished is decided by the acceptor table of :mod:`orgconfig._acceptors`
(shown in ``docs/waiting.md``). Polling is economical, so that a wait's calls barely depend on
the number of accounts: each poll reads the aggregate status and, while it is in progress, asks
for one account still in progress (``Limit=1``; none left means every account ended, which a full
read then confirms: the delegated-administrator safeguard). Progress counts for ``on_progress``
are read on a cadence that slows with their cost in pages, and the full per-account report is read
once at the end.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from typing import Final, Literal, Protocol

import attrs

from orgconfig import errors
from orgconfig._acceptors import Accounts, Aggregate, Outcome, decide
from orgconfig._clock import Clock, current_clock, participating
from orgconfig._results import DeploymentResult, raise_for_failure
from orgconfig.models import AccountStatus, DeploymentStatus, Status
from orgconfig.retries import BusyPolicy, PollingPolicy, check_duration, poll_until

__all__ = [
    "POLICY_TIMEOUT",
    "Deployment",
    "DeploymentResult",
    "ProgressCallback",
    "StatusReader",
]

_log = logging.getLogger("orgconfig")

CLOCK_SKEW: Final = 30.0
"""Seconds of disagreement allowed between this machine's clock and the service's timestamps."""

STALE_GRACE: Final = 300.0
"""Seconds after a put during which a final aggregate older than the put is taken as stale."""

PROGRESS_SECONDS_PER_PAGE: Final = 30.0
"""Progress counts are re-read at most once per this many seconds for each page they cost."""

ProgressCallback = Callable[[int, int], None]
"""Called with (accounts finished, accounts targeted): at the start, on every change, at the end."""

Operation = Literal["put", "delete", "resume"]


class _Default(enum.Enum):
    POLICY = "the polling policy's timeout"


POLICY_TIMEOUT: Final = _Default.POLICY
"""``wait()``'s default timeout: the :class:`~orgconfig.PollingPolicy`'s ``timeout``."""


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


@attrs.define
class _Observation:
    """What one poll saw."""

    status: DeploymentStatus | None
    outcome: Outcome
    counts: tuple[int, int] | None

    @property
    def finished(self) -> bool:
        return self.outcome.finished


def _wall_time(clock: Clock) -> float:
    """Seconds since the epoch on ``clock`` (a sandbox's virtual wall time, else the real one)."""
    timestamp: Callable[[], float] | None = getattr(clock, "timestamp", None)
    return timestamp() if timestamp is not None else time.time()


class Deployment:
    """A put or delete of a conformance pack or rule, under way across the organization.

    Get one from ``org.conformance_packs.put(pack)``, ``.delete(name)``, or ``.deployment(name)``
    to resume waiting on one already running (after a crash, from another process).

    Example::

        deployment = org.conformance_packs.put(pack)
        result = deployment.wait(timeout=1800, on_progress=lambda done, total: print(done, total))
        for account in result.failed:
            print(account.account_id, account.error_code, account.error_message)
    """

    def __init__(
        self,
        reader: StatusReader,
        *,
        operation: Operation,
        polling: PollingPolicy,
        busy: BusyPolicy | None = None,
        submit: Callable[[], object] | None = None,
    ) -> None:
        self._reader = reader
        self.name = reader.name
        self.operation: Operation = operation
        self.polling = polling
        self._busy = busy or BusyPolicy()
        self._submit = submit
        self._busy_error: errors.ResourceInUseError | None = None
        self._attempts = 0
        self._submitted_at: float | None = None
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

    @property
    def busy(self) -> bool:
        """True while the put or delete still waits for another deployment of its name to end."""
        return self._busy_error is not None and self._final is None

    def __repr__(self) -> str:
        state = self._final.status.value if self._final else "busy" if self.busy else "waiting"
        what = f"{self.kind} {self.name!r} {self.operation}"
        return f"<Deployment {what} in {self.region}: {state}>"

    # -- the call, and the busy phase -----------------------------------------------------

    def _start(self, *, wait_if_busy: bool) -> Deployment:
        """Make the call at once, so bad input and access errors raise from ``put``/``delete``."""
        if not self._try_submit() and (not wait_if_busy or self._busy.max_attempts <= 1):
            assert self._busy_error is not None
            raise self._busy_error
        return self

    def _try_submit(self) -> bool:
        """Call the service; False when it answered that the pack or rule is busy."""
        assert self._submit is not None
        started = _wall_time(current_clock())
        self._attempts += 1
        try:
            self._submit()
        except errors.ResourceInUseError as busy:
            if self._lost_answer_was_ours(busy, started):
                _log.info(
                    "%s %r in %s: the answer to the %s was lost after it was applied; "
                    "following its deployment instead of repeating it",
                    self._reader.label,
                    self.name,
                    self.region,
                    self.operation,
                )
            else:
                self._busy_error = busy
                return False
        self._busy_error = None
        self._submitted_at = started
        return True

    def _lost_answer_was_ours(self, busy: errors.ResourceInUseError, started: float) -> bool:
        """Tell whether botocore's retry met the deployment this very call started.

        Only a retried call can have been applied before its answer was lost; it was if the
        running deployment is of this operation and began after the call did.
        """
        if not busy.response.get("ResponseMetadata", {}).get("RetryAttempts"):
            return False
        status = self._reader.aggregate()
        if status is None or status.last_update is None or not status.status.in_progress:
            return False
        deleting = status.status.action == "delete"
        if deleting != (self.operation == "delete"):
            return False
        return status.last_update.timestamp() >= started - CLOCK_SKEW

    def _wait_running(
        self, timeout: float | None, on_progress: ProgressCallback | None
    ) -> DeploymentResult | None:
        """Wait for the deployment that keeps this one busy; None if it removed the resource."""
        _log.info(
            "%s %r in %s is busy (attempt %d of %d): waiting for its running deployment",
            self._reader.label,
            self.name,
            self.region,
            self._attempts,
            self._busy.max_attempts,
        )
        running = Deployment(self._reader, operation="resume", polling=self.polling)
        try:
            return running.wait(timeout, on_progress, raise_on_failure=False)
        except errors.NotFoundError:
            return None  # a delete that was running has removed it
        except errors.DeploymentTimeoutError as late:
            raise errors.DeploymentTimeoutError(
                f"the {self.operation} of {self._reader.label} {self.name!r} in {self.region} "
                f"has not been made: still waiting for the running deployment ({late})",
                name=self.name,
                kind=self.kind,
                region=self.region,
                timeout=late.timeout,
                last_result=late.last_result,
            ) from late

    def _after_running(self, settled: DeploymentResult | None) -> bool:
        """The running deployment ended: call again; True once this one's call is made."""
        busy = self._busy_error
        assert busy is not None
        if self.operation == "delete" and (
            settled is None or settled.status is Status.DELETE_SUCCESSFUL
        ):
            # The delete that was running did what this one was asked to do.
            self._busy_error = None
            self._final = DeploymentResult(
                name=self.name,
                kind=self.kind,
                region=self.region,
                status=Status.DELETE_SUCCESSFUL,
                accounts=settled.accounts if settled else (),
                elapsed=settled.elapsed if settled else 0.0,
                polls=settled.polls if settled else 0,
            )
            return True
        if self._try_submit():
            return True
        if self._attempts >= self._busy.max_attempts:
            message = f"{busy.message} (still busy after {self._attempts} attempts)"
            raise busy.with_message(message) from busy.__cause__
        return False

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
        """A final aggregate older than this handle's call: a read that lags behind the write."""
        if status is None or self._submitted_at is None or not status.status.finished:
            return False
        if status.last_update is None:
            return False
        if _wall_time(clock) - self._submitted_at > STALE_GRACE:
            return False
        return status.last_update.timestamp() < self._submitted_at - CLOCK_SKEW

    def _classify(self, status: DeploymentStatus | None, clock: Clock) -> Aggregate:
        if status is None:
            return Aggregate.GONE
        if self._stale(status, clock):
            return Aggregate.STALE
        if status.status.succeeded:
            return Aggregate.SUCCESSFUL
        if status.status.failed:
            return Aggregate.FAILED
        if status.status.in_progress:
            return Aggregate.IN_PROGRESS
        return Aggregate.UNKNOWN

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
        if aggregate is not Aggregate.STALE:
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
        if outcome is Outcome.DELETED:
            self._last_status = None
            self._mark_all_deleted()
        elif outcome in (Outcome.SUCCEEDED, Outcome.FAILED):
            self._list_all()  # the final report
        counts: tuple[int, int] | None = None
        if outcome.finished:
            counts = (len(self._accounts), len(self._accounts))
        elif counting:
            counts = self._progress(clock)
        return _Observation(status, outcome, counts)

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
        return DeploymentResult(
            name=self.name,
            kind=self.kind,
            region=self.region,
            status=status,
            accounts=accounts,
            elapsed=elapsed,
            polls=self._polls,
        )

    # -- public ---------------------------------------------------------------------------

    def status(self) -> DeploymentStatus:
        """Return the aggregate status now (one API call).

        For a delete that has completed (the pack or rule no longer exists), the status is
        ``DELETE_SUCCESSFUL``.

        Raises:
            NotFoundError: the pack or rule does not exist, and this is not a delete.
        """
        status = self._aggregate()
        if status is not None:
            return status
        if self._action != "delete":
            raise self._reader.not_found()
        return DeploymentStatus(name=self.name, status=Status.DELETE_SUCCESSFUL)

    def done(self) -> bool:
        """Look once (a few API calls) and return whether the deployment has finished.

        While the pack or rule is busy, the look is at the deployment that keeps it busy; once
        that one has ended, this one's call is made.
        """
        if self._final is not None:
            return True
        if self.busy:
            running = Deployment(self._reader, operation="resume", polling=self.polling)
            try:
                if not running.done():
                    return False
                settled = running.result
            except errors.NotFoundError:
                settled = None
            if not self._after_running(settled) or self._final is not None:
                return self._final is not None
        obs = self._observe(counting=False)
        if obs.finished:
            first = self._first_look if self._first_look is not None else 0.0
            self._final = self._result(finished=True, elapsed=current_clock().monotonic() - first)
        return obs.finished

    @property
    def result(self) -> DeploymentResult | None:
        """The final result once :meth:`wait` or :meth:`done` has seen the end, else None."""
        return self._final

    def wait(
        self,
        timeout: float | _Default | None = POLICY_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        *,
        raise_on_failure: bool = True,
    ) -> DeploymentResult:
        """Poll until the deployment finishes and return how every account ended.

        Args:
            timeout: seconds to wait in all, the busy phase included; ``None`` waits without a
                time limit; by default the polling policy's ``timeout`` (whose ``None`` also
                means no limit).
            on_progress: called with (accounts finished, accounts targeted) once at the start,
                whenever the counts change, and once at the end.
            raise_on_failure: raise :class:`~orgconfig.errors.DeploymentFailedError` when the
                deployment failed (the default); with False, return the result instead.

        Raises:
            DeploymentFailedError: an account (or the deployment as a whole) failed; its
                ``failures`` name every failed account with its code and message.
            DeploymentTimeoutError: ``timeout`` ran out first; ``last_result`` carries the
                progress so far. The deployment goes on: call ``wait`` again to keep waiting.
            ResourceInUseError: the pack or rule stayed busy for every attempt of the
                :class:`~orgconfig.BusyPolicy`.
        """
        if timeout is POLICY_TIMEOUT:
            limit = self.polling.timeout
        else:
            check_duration("timeout", timeout, optional=True)
            limit = timeout
        # The whole wait takes part in the clock: a sandbox's virtual time then moves only when
        # every waiting thread sleeps, so concurrent waits each see the time they would alone.
        with participating() as clock:
            start = clock.monotonic()

            def left() -> float | None:
                return None if limit is None else max(0.0, limit - (clock.monotonic() - start))

            while self.busy and not self._after_running(self._wait_running(left(), on_progress)):
                pass
            if self._final is None:
                self._follow(left(), on_progress, clock, start)
        assert self._final is not None
        if raise_on_failure:
            raise_for_failure(self._final, self._reader.label, self._last_status)
        return self._final

    def _follow(
        self,
        limit: float | None,
        on_progress: ProgressCallback | None,
        clock: Clock,
        start: float,
    ) -> None:
        reported: list[tuple[int, int]] = []

        def report(obs: _Observation) -> None:
            _log.debug(
                "%s %r in %s: %s%s",
                self._reader.label,
                self.name,
                self.region,
                obs.status.status.value if obs.status else "gone",
                f", {obs.counts[0]}/{obs.counts[1]} accounts finished" if obs.counts else "",
            )
            counts = obs.counts
            if on_progress is None or counts is None:
                return
            if not reported or counts != reported[-1] or obs.finished:
                reported.append(counts)
                on_progress(*counts)

        obs, finished = poll_until(
            lambda: self._observe(counting=on_progress is not None),
            lambda o: o.finished,
            self.polling,
            timeout=limit,
            on_poll=report,
            clock=clock,
        )
        elapsed = clock.monotonic() - start
        if not finished:
            if self._listed_at != self._polls:
                self._list_all()  # the progress report the timeout carries
            last = self._result(finished=False, elapsed=elapsed)
            progress = f": {obs.counts[0]}/{obs.counts[1]} accounts finished" if obs.counts else ""
            raise errors.DeploymentTimeoutError(
                f"{self._reader.label} {self.name!r} in {self.region} still "
                f"{last.status.value} after {elapsed:.0f}s{progress}",
                name=self.name,
                kind=self.kind,
                region=self.region,
                timeout=float(limit if limit is not None else elapsed),
                last_result=last,
            )
        self._final = self._result(finished=True, elapsed=elapsed)


# DeploymentResult lives in a private module; it reports this public one.
DeploymentResult.__module__ = __name__
