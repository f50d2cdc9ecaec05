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

import contextlib
import enum
import logging
from collections.abc import Callable
from typing import Final

from orgconfig import errors
from orgconfig._acceptors import Outcome
from orgconfig._calls import _Calls
from orgconfig._clock import Clock, current_clock, participating
from orgconfig._polls import (
    CLOCK_SKEW,
    PROGRESS_SECONDS_PER_PAGE,
    STALE_GRACE,
    Operation,
    StatusReader,
    _Observation,
)
from orgconfig._results import DeploymentResult, raise_for_failure
from orgconfig.models import DeploymentStatus, Status
from orgconfig.retries import check_duration, poll_until

__all__ = [
    "CLOCK_SKEW",
    "POLICY_TIMEOUT",
    "PROGRESS_SECONDS_PER_PAGE",
    "STALE_GRACE",
    "Deployment",
    "DeploymentResult",
    "Operation",
    "ProgressCallback",
    "StatusReader",
]

_log = logging.getLogger("orgconfig")

ProgressCallback = Callable[[int, int], None]
"""Called with (accounts finished, accounts targeted): at the start, on every change, at the end."""


class _Default(enum.Enum):
    POLICY = "the polling policy's timeout"


POLICY_TIMEOUT: Final = _Default.POLICY
"""``wait()``'s default timeout: the :class:`~orgconfig.PollingPolicy`'s ``timeout``."""


class Deployment(_Calls):
    """A put or delete of a conformance pack or rule, under way across the organization.

    Get one from ``org.conformance_packs.put(pack)``, ``.delete(name)``, or ``.deployment(name)``
    to resume waiting on one already running (after a crash, from another process).

    Example::

        deployment = org.conformance_packs.put(pack)
        result = deployment.wait(timeout=1800, on_progress=lambda done, total: print(done, total))
        for account in result.failed:
            print(account.account_id, account.error_code, account.error_message)
    """

    @property
    def kind(self) -> str:
        """``"conformance_pack"`` or ``"rule"``."""
        return self._reader.kind

    @property
    def region(self) -> str:
        """The region the deployment runs in."""
        return self._reader.region

    def __repr__(self) -> str:
        state = self._final.status.value if self._final else "busy" if self.busy else "waiting"
        what = f"{self.kind} {self.name!r} {self.operation}"
        return f"<Deployment {what} in {self.region}: {state}>"

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
        if self.busy and not self._look_busy():
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

            self._make_call(limit, left, on_progress, clock)
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
            if not reported or counts != reported[-1]:
                reported.append(counts)
                on_progress(*counts)

        failures: list[errors.OrgConfigError] = []

        def observe() -> _Observation:
            try:
                return self._observe(counting=on_progress is not None)
            except errors.TRANSIENT_ERRORS as err:
                # Throttling, a 5xx or a broken connection that botocore's retries did not
                # absorb: the deployment goes on, so does the wait (the next poll backs off).
                failures.append(err)
                _log.info(
                    "%s %r in %s: a status read failed (%s); polling again",
                    self._reader.label,
                    self.name,
                    self.region,
                    type(err).__name__,
                )
                return _Observation(self._last_status, Outcome.WAIT, None, failed=True)

        obs, finished = poll_until(
            observe,
            lambda o: o.finished,
            self.polling,
            timeout=limit,
            on_poll=report,
            clock=clock,
        )
        elapsed = clock.monotonic() - start
        if not finished:
            if self._listed_at != self._polls:
                # The progress report the timeout carries, if it can be read (right after a put
                # the service may not show the pack or rule yet).
                with contextlib.suppress(errors.NotFoundError, *errors.TRANSIENT_ERRORS):
                    self._list_all()
            last = self._result(finished=False, elapsed=elapsed)
            progress = f": {obs.counts[0]}/{obs.counts[1]} accounts finished" if obs.counts else ""
            late = errors.DeploymentTimeoutError(
                f"{self._reader.label} {self.name!r} in {self.region} still "
                f"{last.status.value} after {elapsed:.0f}s{progress}",
                name=self.name,
                kind=self.kind,
                region=self.region,
                timeout=float(limit if limit is not None else elapsed),
                last_result=last,
            )
            raise late from (failures[-1] if obs.failed and failures else None)
        self._final = self._result(finished=True, elapsed=elapsed)


# DeploymentResult lives in a private module; it reports this public one.
DeploymentResult.__module__ = __name__
