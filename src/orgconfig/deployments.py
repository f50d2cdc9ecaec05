"""Organization-wide deployments as futures: :class:`Deployment` and :class:`DeploymentResult`.

A put or a delete of a conformance pack or rule starts an asynchronous deployment to every member
account. :class:`Deployment` follows it: :meth:`~Deployment.done` looks once,
:meth:`~Deployment.wait` polls until the end and returns a :class:`DeploymentResult` with one
:class:`~orgconfig.AccountStatus` per member account.

How the end is decided (waiters as data, in the spirit of botocore's acceptors):

==========================================  =================================================
what the service says                       what orgconfig decides
==========================================  =================================================
aggregate ``*_SUCCESSFUL``                  finished; succeeded
aggregate ``*_FAILED``                      finished; raises ``DeploymentFailedError``
aggregate ``*_IN_PROGRESS``, and every      finished (the delegated-admin quirk: the aggregate
account of this action done                 can stay in progress after every account ended)
aggregate ``*_IN_PROGRESS`` otherwise       keep waiting
a delete's pack or rule no longer exists    finished; every account deleted
==========================================  =================================================

Polling is economical: the first poll reads the aggregate status and the whole per-account list
(to learn who is targeted); later polls read the aggregate status and only the accounts still
``*_IN_PROGRESS`` (a server-side filter); the full per-account report is read once more at the end.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Literal

import attrs

from orgconfig import errors
from orgconfig._client import ConfigApi
from orgconfig._clock import current_clock
from orgconfig._kinds import Kind
from orgconfig.models import AccountStatus, DeploymentStatus, Status
from orgconfig.retries import PollingPolicy, check_duration, poll_until

__all__ = ["Deployment", "DeploymentResult", "ProgressCallback"]

_log = logging.getLogger("orgconfig")
_FAILURES_SHOWN = 20  # accounts listed in a DeploymentFailedError's message; .failures has all

ProgressCallback = Callable[[int, int], None]
"""Called after every poll with (accounts finished, accounts targeted)."""

Operation = Literal["put", "delete", "resume"]


@attrs.frozen
class DeploymentResult:
    """How an organization-wide deployment ended (or stood, for a timeout's ``last_result``).

    Attributes:
        name: the conformance pack or rule.
        kind: ``"conformance_pack"`` or ``"rule"``.
        region: where it was deployed.
        status: the overall status (for the delegated-admin quirk, derived from the accounts).
        accounts: one :class:`~orgconfig.AccountStatus` per targeted account, sorted by id.
        elapsed: seconds waited by ``wait()``, on the clock in force (for ``done()``, the
            seconds since this object first looked).
        polls: how many times the status was read.
    """

    name: str
    kind: str
    region: str
    status: Status
    accounts: tuple[AccountStatus, ...] = ()
    elapsed: float = 0.0
    polls: int = 0

    @property
    def succeeded(self) -> tuple[AccountStatus, ...]:
        """The accounts that ended ``*_SUCCESSFUL``."""
        return tuple(a for a in self.accounts if a.status.succeeded)

    @property
    def failed(self) -> tuple[AccountStatus, ...]:
        """The accounts that ended ``*_FAILED``."""
        return tuple(a for a in self.accounts if a.status.failed)

    @property
    def in_progress(self) -> tuple[AccountStatus, ...]:
        """The accounts still ``*_IN_PROGRESS`` (only a timeout's ``last_result`` has any)."""
        return tuple(a for a in self.accounts if a.status.in_progress)

    @property
    def ok(self) -> bool:
        """True when the deployment finished and no account failed."""
        return self.status.succeeded and not self.failed

    def summary(self) -> str:
        """Return a one-line summary.

        Example: ``"conformance_pack 'p' in us-east-1: UPDATE_FAILED, 4/5 succeeded, 1 failed"``.
        """
        total = len(self.accounts)
        parts = [f"{len(self.succeeded)}/{total} succeeded"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.in_progress:
            parts.append(f"{len(self.in_progress)} in progress")
        return f"{self.kind} {self.name!r} in {self.region}: {self.status.value}, " + ", ".join(
            parts
        )

    def __repr__(self) -> str:
        return f"<DeploymentResult {self.summary()}>"


@attrs.define
class _Observation:
    """What one poll saw."""

    status: DeploymentStatus | None
    finished: bool
    done_accounts: int
    total_accounts: int


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
        api: ConfigApi,
        kind: Kind,
        name: str,
        *,
        operation: Operation,
        polling: PollingPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self._api = api
        self._kind = kind
        self.name = name
        self.operation: Operation = operation
        self.polling = polling
        self._rng = rng
        self._accounts: dict[str, AccountStatus] = {}
        self._listed = False
        self._action: str | None = "delete" if operation == "delete" else None
        self._last_status: DeploymentStatus | None = None
        self._final: DeploymentResult | None = None
        self._polls = 0
        self._first_look: float | None = None

    @property
    def kind(self) -> str:
        """``"conformance_pack"`` or ``"rule"``."""
        return self._kind.key

    @property
    def region(self) -> str:
        """The region the deployment runs in."""
        return self._api.region

    def __repr__(self) -> str:
        state = self._final.status.value if self._final else "waiting"
        what = f"{self._kind.key} {self.name!r} {self.operation}"
        return f"<Deployment {what} in {self.region}: {state}>"

    # -- reading the service -------------------------------------------------------------

    def _aggregate(self) -> DeploymentStatus | None:
        """Read the aggregate status; None when a delete has removed the pack or rule."""
        try:
            response = self._api.call(self._kind.statuses, {self._kind.names_param: [self.name]})
        except errors.NotFoundError as err:
            if self._action == "delete":
                return None
            raise self._kind.named(err, self.name) from err.__cause__
        items = response.get(self._kind.statuses_key, [])
        if not items:
            raise errors.NotFoundError(
                f"no status for {self._kind.label} {self.name!r}",
                code=self._kind.not_found_code,
                operation=self._kind.statuses,
                region=self.region,
            )
        return self._kind.status_from_api(items[0])

    def _count_in_progress(self, status_filter: str) -> int:
        params = {
            self._kind.name_param: self.name,
            "Filters": {self._kind.detailed_status_filter: status_filter},
        }
        return sum(1 for _ in self._api.items(self._kind.detailed, self._kind.detailed_key, params))

    def _list_all(self) -> None:
        items = self._api.items(
            self._kind.detailed, self._kind.detailed_key, {self._kind.name_param: self.name}
        )
        convert = self._kind.account_status_from_api
        try:
            self._accounts = {a.account_id: a for a in map(convert, items)}
        except errors.NotFoundError:
            # The resource went away between the aggregate and the detailed read: a delete
            # finished (AWS can still show DELETE_SUCCESSFUL for a moment). Otherwise re-raise.
            if self._action != "delete":
                raise
            self._mark_all_deleted()
        self._listed = True

    def _mark_all_deleted(self) -> None:
        self._accounts = {
            k: attrs.evolve(a, status=Status.DELETE_SUCCESSFUL, error_code=None, error_message=None)
            for k, a in self._accounts.items()
        }

    def _observe(self) -> _Observation:
        self._polls += 1
        if self._first_look is None:
            self._first_look = current_clock().monotonic()
        status = self._aggregate()
        self._last_status = status
        if status is None:  # a delete that has completed: the resource is gone
            self._mark_all_deleted()
            n = len(self._accounts)
            return _Observation(None, True, n, n)
        if status.status.in_progress or self._action is None:
            self._action = status.status.action
        if status.status.finished:
            self._list_all()
            n = len(self._accounts)
            return _Observation(status, True, n, n)
        if not self._listed or self._action is None:
            # First poll (learn who is targeted), or a status this version does not know:
            # read every account.
            self._list_all()
            pending = sum(not self._account_done(a) for a in self._accounts.values())
        else:
            # Only the count matters between the first and the last poll: no conversion.
            pending = self._count_in_progress(f"{self._action.upper()}_IN_PROGRESS")
        total = len(self._accounts)
        if total and not pending:
            # Every account looks finished while the aggregate says in progress: confirm with
            # the full report that each account ended *this* action (the delegated-admin quirk).
            self._list_all()
            pending = sum(not self._account_done(a) for a in self._accounts.values())
            if not pending:
                return _Observation(status, True, total, total)
        return _Observation(status, False, total - pending, total)

    def _account_done(self, account: AccountStatus) -> bool:
        return account.status.finished and account.status.action == self._action

    def _result(self, *, finished: bool, elapsed: float) -> DeploymentResult:
        accounts = tuple(sorted(self._accounts.values(), key=lambda a: a.account_id))
        if self._last_status is None:
            status = Status.DELETE_SUCCESSFUL
        elif finished and self._last_status.status.in_progress:
            action = (self._action or "create").upper()
            failed = any(a.status.failed for a in accounts)
            status = Status(f"{action}_{'FAILED' if failed else 'SUCCESSFUL'}")
        else:
            status = self._last_status.status
        return DeploymentResult(
            name=self.name,
            kind=self._kind.key,
            region=self.region,
            status=status,
            accounts=accounts,
            elapsed=elapsed,
            polls=self._polls,
        )

    # -- public -------------------------------------------------------------------------

    def status(self) -> DeploymentStatus:
        """Return the aggregate status now (one API call).

        For a delete that has completed (the pack or rule no longer exists), the status is
        ``DELETE_SUCCESSFUL``.
        """
        status = self._aggregate()
        if status is None:
            return DeploymentStatus(
                name=self.name,
                status=Status.DELETE_SUCCESSFUL,
                error_code=None,
                error_message=None,
                last_update=None,
            )
        return status

    def done(self) -> bool:
        """Look once (a few API calls) and return whether the deployment has finished."""
        if self._final is not None:
            return True
        obs = self._observe()
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
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        *,
        raise_on_failure: bool = True,
    ) -> DeploymentResult:
        """Poll until the deployment finishes and return how every account ended.

        Args:
            timeout: seconds to wait in all; defaults to the polling policy's timeout.
            on_progress: called after every poll with (accounts finished, accounts targeted).
            raise_on_failure: raise :class:`~orgconfig.errors.DeploymentFailedError` when the
                deployment failed (the default); with False, return the result instead.

        Raises:
            DeploymentFailedError: an account (or the deployment as a whole) failed; its
                ``failures`` name every failed account with its code and message.
            DeploymentTimeoutError: ``timeout`` ran out first; ``last_result`` carries the
                progress so far. The deployment goes on: call ``wait`` again to keep waiting.
        """
        check_duration("timeout", timeout, optional=True)
        clock = current_clock()
        start = clock.monotonic()
        if self._final is None:

            def report(obs: _Observation) -> None:
                _log.debug(
                    "%s %r in %s: %s, %d/%d accounts finished",
                    self._kind.label,
                    self.name,
                    self.region,
                    obs.status.status.value if obs.status else "gone",
                    obs.done_accounts,
                    obs.total_accounts,
                )
                if on_progress is not None:
                    on_progress(obs.done_accounts, obs.total_accounts)

            obs, finished = poll_until(
                self._observe,
                lambda o: o.finished,
                self.polling,
                timeout=timeout,
                on_poll=report,
                clock=clock,
                rng=self._rng,
            )
            elapsed = clock.monotonic() - start
            if not finished:
                last = self._result(finished=False, elapsed=elapsed)
                limit = self.polling.timeout if timeout is None else timeout
                raise errors.DeploymentTimeoutError(
                    f"{self._kind.label} {self.name!r} in {self.region} still "
                    f"{last.status.value} after {elapsed:.0f}s: "
                    f"{obs.done_accounts}/{obs.total_accounts} accounts finished",
                    name=self.name,
                    kind=self._kind.key,
                    region=self.region,
                    timeout=float(limit if limit is not None else elapsed),
                    last_result=last,
                )
            self._final = self._result(finished=True, elapsed=elapsed)
        if raise_on_failure:
            _raise_for_failure(self._final, self._kind, self._last_status)
        return self._final


def _raise_for_failure(
    result: DeploymentResult, kind: Kind, aggregate: DeploymentStatus | None
) -> None:
    if result.ok:
        return
    failures = result.failed
    lines = [
        f"{a.account_id}: {a.error_code or 'no code'}: {a.error_message or ''}".rstrip(": ")
        for a in failures[:_FAILURES_SHOWN]
    ]
    if len(failures) > _FAILURES_SHOWN:
        lines.append(f"... and {len(failures) - _FAILURES_SHOWN} more (see .failures)")
    head = f"{kind.label} {result.name!r} in {result.region} ended {result.status.value}"
    if failures:
        head += f": {len(failures)} of {len(result.accounts)} accounts failed"
    elif aggregate is not None and (aggregate.error_code or aggregate.error_message):
        head += f": {aggregate.error_code}: {aggregate.error_message}"
    raise errors.DeploymentFailedError(
        "\n  ".join([head, *lines]),
        name=result.name,
        kind=kind.key,
        region=result.region,
        result=result,
        failures=failures,
    )
