"""The call of a put or delete: made at once, or in the busy phase of ``wait()``, never twice.

A busy pack or rule (``ResourceInUseException``) is waited out, then called again, bounded by the
:class:`~orgconfig.BusyPolicy`; a call that failed transiently is made again with backoff; a call
whose answer was lost after the service applied it is recognised and followed, not repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from orgconfig import errors
from orgconfig._clock import Clock, current_clock
from orgconfig._polls import CLOCK_SKEW, _Polls, _wall_time
from orgconfig._results import DeploymentResult
from orgconfig.models import Status

if TYPE_CHECKING:
    from orgconfig.deployments import Deployment, ProgressCallback

__all__: list[str] = []

_log = logging.getLogger("orgconfig")


class _Calls(_Polls):
    """The call phase of a :class:`~orgconfig.Deployment`."""

    @property
    def busy(self) -> bool:
        """True while the put or delete has not been made yet.

        Either another deployment of the same name is running (the service answered
        ``ResourceInUseException``), or the call failed without an answer (throttling, a 5xx,
        a broken connection, after botocore's own retries); :meth:`wait` makes it once it can.
        """
        return not self._made and self._final is None

    # -- the call, and the busy phase -----------------------------------------------------

    def _start(self, *, wait_if_busy: bool) -> None:
        """Make the call at once, so bad input and access errors raise from ``put``/``delete``.

        A busy answer, or a transient failure, leaves the call to :meth:`wait` (with
        ``wait_if_busy`` False, or a single attempt allowed, both raise at once).
        """
        patient = wait_if_busy and self._busy.max_attempts > 1
        try:
            if self._try_submit() or patient:
                return
        except errors.TRANSIENT_ERRORS as err:
            if not wait_if_busy:
                raise
            self._call_error = err
            _log.info(
                "%s %r in %s: the %s failed (%s); wait() will make it again",
                self._reader.label,
                self.name,
                self.region,
                self.operation,
                type(err).__name__,
            )
            return
        assert self._busy_error is not None
        raise self._busy_error

    def _try_submit(self) -> bool:
        """Call the service; False when it answered that the pack or rule is busy.

        A call whose answer was lost after the service applied it is recognised (by the running
        deployment's ``LastUpdateTime``) and counts as made: it is never made a second time.
        Transient errors of a call that was not applied propagate.
        """
        assert self._submit is not None
        started = _wall_time(current_clock())
        self._attempts += 1
        try:
            self._submit()
        except errors.ResourceInUseError as busy:
            # A retried call whose earlier attempt got a 5xx or lost its connection may have been
            # applied, and its retry met its own deployment.
            uncertain = self._reader.call_uncertain()
            if not uncertain or not self._applied_since(started):
                self._busy_error = busy
                self._busy_answers += 1
                self._call_error = None
                # Reads may lag behind the write: once the running deployment has ended, look
                # again whether it was this call's own (see _adopt).
                self._maybe_ours_since = started if uncertain else None
                return False
            self._log_lost_answer()
        except (errors.ServiceUnavailableError, errors.TransportError):
            # A 5xx or a broken connection after botocore's retries: the call may have been
            # applied all the same (throttled calls never are).
            if not self._reader.call_uncertain() or not self._applied_since(started):
                raise
            self._log_lost_answer()
        self._busy_error = None
        self._call_error = None
        self._made = True
        self._submitted_at = started
        return True

    def _log_lost_answer(self) -> None:
        _log.info(
            "%s %r in %s: the answer to the %s was lost after it was applied; "
            "following its deployment instead of repeating it",
            self._reader.label,
            self.name,
            self.region,
            self.operation,
        )

    def _applied_since(self, started: float) -> bool:
        """Whether this call was applied: its deployment runs, begun after ``started``.

        That is, a deployment of this operation is in progress, its ``LastUpdateTime`` is after
        the call began, and (for a put) the service holds what the call asked for, so that
        another caller's deployment that began meanwhile is not taken for this one.
        """
        status = self._reader.aggregate()
        if status is None or status.last_update is None or not status.status.in_progress:
            return False
        deleting = status.status.action == "delete"
        if deleting != (self.operation == "delete"):
            return False
        if status.last_update.timestamp() < started - CLOCK_SKEW:
            return False
        return self._confirm is None or self._confirm()

    def _wait_running(
        self, timeout: float | None, on_progress: ProgressCallback | None
    ) -> DeploymentResult | None:
        """Wait for the deployment that keeps this one busy; None if it removed the resource."""
        _log.info(
            "%s %r in %s is busy (attempt %d of %d): waiting for its running deployment",
            self._reader.label,
            self.name,
            self.region,
            self._busy_answers,
            self._busy.max_attempts,
        )
        running = self._running()
        try:
            try:
                return running.wait(timeout, on_progress, raise_on_failure=False)
            except errors.DeploymentSupersededError:
                # What runs is a delete, not this call's put: follow it as it is.
                self._maybe_ours_since = None
                running = self._running()
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

    def _busy_timeout(self, limit: float | None) -> errors.DeploymentTimeoutError:
        return errors.DeploymentTimeoutError(
            f"the {self.operation} of {self._reader.label} {self.name!r} in {self.region} has "
            f"not been made: its calls kept failing for {limit or 0:.0f}s",
            name=self.name,
            kind=self.kind,
            region=self.region,
            timeout=float(limit or 0),
            last_result=None,
        )

    def _satisfied_by(self, settled: DeploymentResult | None) -> bool:
        """The running deployment ended: True when it did this one's job (a delete)."""
        if self.operation != "delete" or (
            settled is not None and settled.status is not Status.DELETE_SUCCESSFUL
        ):
            return False
        # The delete that was running did what this one was asked to do.
        self._made = True
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

    def _running(self) -> Deployment:
        """A handle on the deployment that keeps this one busy.

        When this call may have been applied unseen, that deployment may be its own, not yet
        visible to reads: it is followed as a put begun when this call began, so that "not
        found" right after it is read lag rather than the end.
        """
        if self._maybe_ours_since is None:
            other = cast(
                "Deployment", type(self)(self._reader, operation="resume", polling=self.polling)
            )
            # The service said a deployment runs: "not found" right now is read lag.
            other._visible_since = _wall_time(current_clock())
            return other
        running = cast(
            "Deployment", type(self)(self._reader, operation="put", polling=self.polling)
        )
        running._submitted_at = self._maybe_ours_since
        return running

    def _adopt(self, settled: DeploymentResult | None) -> bool:
        """Take the deployment that just ended as this call's own, if it was.

        A call whose attempt may have been applied unseen, and whose retry met a running
        deployment that the reads did not show as its own yet (read-after-write lag), is this
        call's if that deployment ended after the call began and the service holds what the
        call asked for: then it is not made a second time.
        """
        since = self._maybe_ours_since
        if since is None or settled is None or self.operation != "put":
            return False
        status = self._reader.aggregate()
        if status is None or status.last_update is None or status.status.action == "delete":
            return False
        if status.last_update.timestamp() < since - CLOCK_SKEW:
            return False
        if self._confirm is not None and not self._confirm():
            return False
        self._log_lost_answer()
        self._made = True
        self._busy_error = None
        self._submitted_at = since
        self._last_status = status
        self._final = settled
        return True

    def _call_again(self) -> None:
        """Make the call again; raise once the busy policy's attempts are spent."""
        busy = self._busy_error
        if busy is not None and self._busy_answers >= self._busy.max_attempts:
            message = f"{busy.message} (still busy after {self._busy_answers} attempts)"
            raise busy.with_message(message) from busy.__cause__
        self._try_submit()
        busy = self._busy_error
        if busy is not None and self._busy_answers >= self._busy.max_attempts:
            message = f"{busy.message} (still busy after {self._busy_answers} attempts)"
            raise busy.with_message(message) from busy.__cause__

    def _make_call(
        self,
        limit: float | None,
        left: Callable[[], float | None],
        on_progress: ProgressCallback | None,
        clock: Clock,
    ) -> None:
        """The busy phase of :meth:`wait`: wait out the running deployment, then call."""
        failures = 0
        while self.busy:
            if self._busy_error is not None and self._call_error is None:
                settled = self._wait_running(left(), on_progress)
                if self._satisfied_by(settled) or self._adopt(settled):
                    return
            try:
                self._call_again()
            except errors.TRANSIENT_ERRORS as err:
                # The call failed without an answer: try again, with backoff, in time.
                self._call_error = err
                remaining = left()
                if remaining is not None and remaining <= 0:
                    raise self._busy_timeout(limit) from err
                delay = self.polling.delay(failures)
                clock.sleep(delay if remaining is None else min(delay, remaining))
                failures += 1

    def _look_busy(self) -> bool:
        """One look for :meth:`Deployment.done` in the busy phase; True once the call is made.

        While the running deployment goes on, nothing is called; once it has ended, this one's
        call is made (a transient failure leaves it for the next look).
        """
        if self._busy_error is not None and self._call_error is None:
            running = self._running()
            try:
                if not running.done():
                    return False
                settled = running.result
            except errors.NotFoundError:
                settled = None
            except errors.DeploymentSupersededError:
                self._maybe_ours_since = None  # a delete runs: look again next time
                return False
            if self._satisfied_by(settled) or self._adopt(settled):
                return False  # finished: done() reports the result
        try:
            self._call_again()
        except errors.TRANSIENT_ERRORS as err:
            self._call_error = err
            return False
        return not self.busy
