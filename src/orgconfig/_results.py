"""How a deployment ended: :class:`DeploymentResult`, and the error a failed one raises."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from orgconfig import _display as display
from orgconfig import errors
from orgconfig._status import status_text
from orgconfig.models import AccountStatus, DeploymentStatus, Status

__all__ = ["DeploymentResult", "account_table", "raise_for_failure"]

_FAILURES_SHOWN = 20  # accounts listed in a DeploymentFailedError's message; .failures has all


@attrs.frozen
class DeploymentResult:
    """How an organization-wide deployment ended (or stood, for a timeout's ``last_result``).

    In IPython and Jupyter it shows as a table of its accounts, failed ones first, with their
    names (when known), status and error; :meth:`to_dict` gives it as plain data.

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
    def blocked(self) -> tuple[AccountStatus, ...]:
        """The failed accounts AWS could not act in: suspended, closing, or gone from the org.

        Their failure says nothing about the pack or rule (a delete cannot reach a suspended
        account); :attr:`failed` includes them. Known only when the caller may read AWS
        Organizations (see ``AccountStatus.account_state``).
        """
        return tuple(a for a in self.failed if a.blocked)

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
        return f"<DeploymentResult {display.clean(self.summary())}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (JSON-ready), the shape of the CLI's ``--json``.

        ``accounts`` holds each account's :meth:`AccountStatus.to_dict
        <orgconfig.AccountStatus.to_dict>`, sorted by account id; ``counts`` counts them
        (``failed`` includes ``blocked``). See ``docs/notebooks.md``.

        Example::

            {"name": "s3-baseline", "kind": "conformance_pack", "region": "us-east-1",
             "status": "CREATE_FAILED", "ok": False,
             "counts": {"accounts": 5, "succeeded": 4, "failed": 1, "blocked": 0,
                        "in_progress": 0},
             "elapsed": 1830.0, "polls": 12, "accounts": [...]}
        """
        return {
            "name": self.name,
            "kind": self.kind,
            "region": self.region,
            "status": self.status.value,
            "ok": self.ok,
            "counts": {
                "accounts": len(self.accounts),
                "succeeded": len(self.succeeded),
                "failed": len(self.failed),
                "blocked": len(self.blocked),
                "in_progress": len(self.in_progress),
            },
            "elapsed": round(float(self.elapsed), 3),
            "polls": self.polls,
            "accounts": [account.to_dict() for account in self.accounts],
        }

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        notes: tuple[str, ...] = ()
        if self.blocked:
            notes = (
                f"{len(self.blocked)} failed account(s) are suspended, closing or gone from the "
                "organization: AWS Config cannot reach them (see .blocked)",
            )
        table = account_table(self.accounts)
        return display.View(self.summary(), (table,) if table.rows else (), notes)


def _tone(account: AccountStatus) -> display.Tone:
    if account.status.failed:
        return "warn" if account.blocked else "bad"
    if account.status.in_progress:
        return "busy"
    return "ok" if account.status.succeeded else "other"


def account_table(
    accounts: Iterable[AccountStatus | tuple[str, AccountStatus]], caption: str | None = None
) -> display.Table:
    """Return a table of accounts' statuses, failures first.

    Args:
        accounts: the statuses, or (region, status) pairs for a table with a region column.
        caption: the table's heading.
    """
    rows = []
    for item in accounts:
        region, account = item if isinstance(item, tuple) else ("", item)
        status = status_text(account)
        if account.account_state and account.account_state != "ACTIVE":
            status += f" [{account.account_state}]"
        cells = (
            region,
            account.account_id,
            account.account_name or "",
            status,
            account.error_code or "",
            account.error_message or "",
        )
        rows.append(display.Row(cells, _tone(account)))
    columns = (
        display.Column("region", optional=True),
        display.Column("account"),
        display.Column("name", width=30, optional=True),
        display.Column("status", toned=True),
        display.Column("error code", optional=True),
        display.Column("error message", width=60, optional=True),
    )
    return display.Table(columns, display.failures_first(rows), caption, noun="accounts")


_BLOCKED_REMEDY = (
    "AWS Config cannot reach such accounts; remove suspended or closing accounts from the "
    "organization (or exclude them, or wait for their closure), then try again; an account that "
    "left the organization loses the organization's packs and rules by itself"
)


def _line(account: AccountStatus) -> str:
    name = f" ({account.account_name})" if account.account_name else ""
    text = f"{account.error_code or 'no code'}: {account.error_message or ''}".rstrip(": ")
    return f"{account.account_id}{name}: {text}"


def raise_for_failure(
    result: DeploymentResult, label: str, aggregate: DeploymentStatus | None
) -> None:
    """Raise :class:`~orgconfig.errors.DeploymentFailedError` unless ``result`` is ok."""
    if result.ok:
        return
    failures = result.failed
    blocked = result.blocked
    real = [a for a in failures if not a.blocked]
    lines = [_line(a) for a in real[:_FAILURES_SHOWN]]
    if len(real) > _FAILURES_SHOWN:
        lines.append(f"... and {len(real) - _FAILURES_SHOWN} more (see .failures)")
    head = f"{label} {result.name!r} in {result.region} ended {result.status.value}"
    if real:
        head += f": {len(real)} of {len(result.accounts)} accounts failed"
    elif (
        aggregate is not None and (aggregate.error_code or aggregate.error_message) and not blocked
    ):
        head += f": {aggregate.error_code}: {aggregate.error_message}"
    if blocked:
        what = "deleted from" if result.status.action == "delete" else "deployed to"
        lines.append(
            f"{len(blocked)} more account(s) could not be {what}, being suspended, closing or "
            f"gone from the organization (see .blocked): {_BLOCKED_REMEDY}"
        )
        lines += [f"  {_line(a)} [{a.account_state}]" for a in blocked[:_FAILURES_SHOWN]]
    raise errors.DeploymentFailedError(
        "\n  ".join([head, *lines]),
        name=result.name,
        kind=result.kind,
        region=result.region,
        result=result,
        failures=failures,
        blocked=blocked,
    )
