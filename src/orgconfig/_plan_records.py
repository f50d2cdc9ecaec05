"""The records of plan and apply: changes planned, and how applying each ended.

They report :mod:`orgconfig.plan` as their module; their ``to_dict()`` shapes are documented in
``docs/desired-state.md`` and stay stable (the CLI's ``--json`` prints them).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import attrs

from orgconfig import errors
from orgconfig.models import ConformancePack, OrgConfigRule
from orgconfig.targets import Targets

__all__ = [
    "ACTIONS",
    "PLAN_FORMAT",
    "AccountResult",
    "Action",
    "ApplyResult",
    "FieldChange",
    "ItemResult",
    "PlanStaleError",
    "PlannedChange",
]

Action = Literal["create", "update", "retry", "delete", "unchanged"]
ACTIONS: Final[tuple[Action, ...]] = ("create", "update", "retry", "delete", "unchanged")
"""Every action of a :class:`PlannedChange`, in the order summaries show them."""

PLAN_FORMAT: Final = 1
"""The version of the plan's ``to_dict()`` and saved-file shapes."""

_SIGNS: Final[dict[str, str]] = {
    "create": "+",
    "update": "~",
    "retry": "!",
    "delete": "-",
    "unchanged": "=",
}


class PlanStaleError(errors.OrgConfigError):
    """A plan applied after the organization changed: make a new plan.

    ``planned`` is the fingerprint the plan recorded, ``found`` the one read at apply time.
    """

    def __init__(self, message: str, *, planned: str, found: str) -> None:
        super().__init__(message)
        self.planned = planned
        self.found = found


@attrs.frozen
class FieldChange:
    """One field that differs: its value deployed now (``before``) and desired (``after``).

    Values are plain data (strings, numbers, lists, mappings, None); secret values are
    ``"***"``. ``field`` is named as in the desired-state file (``parameters['MaxAge']``,
    ``excluded_accounts``, ``template_sha256``, ``targets``, ``tags['team']``, ``policy``).
    """

    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"field", "before", "after"}``."""
        return {"field": self.field, "before": self.before, "after": self.after}


@attrs.frozen
class PlannedChange:
    """What the plan does with one pack or rule in one region.

    Attributes:
        kind: ``"conformance_pack"`` or ``"rule"``.
        name: the pack or rule.
        region: the region.
        action: ``create``, ``update``, ``retry``, ``delete`` or ``unchanged``.
        changes: the fields that differ (for ``update`` and ``retry``; empty otherwise).
        accounts_added: accounts the put will reach that the deployment does not reach now.
        accounts_removed: accounts the deployment reaches now that the put will exclude.
        reason: why, in words, when the action needs one (a failed last deployment, a prune).
        status: the deployment's status now (None when not deployed).
        managed: whether the deployed pack or rule carries orgconfig's tags.
        item: what apply puts (the pack or rule with its excluded accounts and tags resolved);
            None for ``delete`` and ``unchanged``.
        included: the accounts the targets select now (sorted; empty for ``delete``); the
            pack's or rule's own ``excluded_accounts`` are left out of apply's put besides.
        targets: the desired targets (None for ``delete``).
    """

    kind: str
    name: str
    region: str
    action: Action
    changes: tuple[FieldChange, ...] = ()
    accounts_added: tuple[str, ...] = ()
    accounts_removed: tuple[str, ...] = ()
    reason: str | None = None
    status: str | None = None
    managed: bool = False
    item: ConformancePack | OrgConfigRule | None = attrs.field(default=None, eq=False, repr=False)
    included: tuple[str, ...] = attrs.field(default=(), repr=False)
    targets: Targets | None = attrs.field(default=None, repr=False)

    def describe(self) -> str:
        """Return one line (and one per changed field): ``~ conformance_pack 'p' in r: ...``."""
        head = f"{_SIGNS[self.action]} {self.kind} {self.name!r} in {self.region}: {self.action}"
        if self.reason:
            head += f" ({self.reason})"
        lines = [head]
        if self.action in ("update", "retry"):
            lines += [f"    {c.field}: {c.before!r} -> {c.after!r}" for c in self.changes]
        if self.accounts_added:
            lines.append(f"    accounts added: {', '.join(self.accounts_added)}")
        if self.accounts_removed:
            lines.append(f"    accounts removed: {', '.join(self.accounts_removed)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain data (see ``docs/desired-state.md``)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "region": self.region,
            "action": self.action,
            "reason": self.reason,
            "status": self.status,
            "managed": self.managed,
            "changes": [c.to_dict() for c in self.changes],
            "accounts_added": list(self.accounts_added),
            "accounts_removed": list(self.accounts_removed),
        }


@attrs.frozen
class AccountResult:
    """How one member account ended, in one item's deployment in one region.

    Attributes:
        account_id: the account.
        status: its deployment status (``CREATE_SUCCESSFUL``...).
        account_name: its name, when known.
        error_code: the member's error code, when it failed.
        error_message: the member's error message, when it failed.
    """

    account_id: str
    status: str
    account_name: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the account ended ``*_SUCCESSFUL``."""
        return self.status.endswith("_SUCCESSFUL")

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "account_id": self.account_id,
            "account_name": self.account_name,
            "status": self.status,
            "error_code": self.error_code,
            "error_message": self.error_message,
        }


@attrs.frozen
class ItemResult:
    """How applying one :class:`PlannedChange` ended.

    Attributes:
        kind: ``"conformance_pack"`` or ``"rule"``.
        name: the pack or rule.
        region: the region.
        action: the planned action (``create``, ``update``, ``retry``, ``delete``).
        ok: whether the change was made and every account ended well.
        status: the deployment's final status (None when it never started).
        error_type: the orgconfig error class's name, when the change failed.
        error: its message, when the change failed.
        accounts: each account's outcome, failures first, then by account id.
    """

    kind: str
    name: str
    region: str
    action: Action
    ok: bool
    status: str | None = None
    error_type: str | None = None
    error: str | None = None
    accounts: tuple[AccountResult, ...] = ()

    @property
    def failed_accounts(self) -> tuple[AccountResult, ...]:
        """The accounts that did not end well."""
        return tuple(a for a in self.accounts if not a.ok)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (see ``docs/desired-state.md``)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "region": self.region,
            "action": self.action,
            "ok": self.ok,
            "status": self.status,
            "error_type": self.error_type,
            "error": self.error,
            "accounts": [a.to_dict() for a in self.accounts],
        }


@attrs.frozen
class ApplyResult:
    """How applying a plan ended: one :class:`ItemResult` per change.

    Attributes:
        items: each change's result, in plan order (unchanged items are not here).
        unchanged: how many items the plan left alone.
    """

    items: tuple[ItemResult, ...] = ()
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Whether every change was made and ended well everywhere."""
        return all(i.ok for i in self.items)

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        """The changes that did not end well."""
        return tuple(i for i in self.items if not i.ok)

    def summary(self) -> str:
        """Return one line per change, failures first, then a count."""
        ordered = sorted(self.items, key=lambda i: i.ok)
        lines = []
        for item in ordered:
            state = "ok" if item.ok else "FAILED"
            line = f"{state}: {item.action} {item.kind} {item.name!r} in {item.region}"
            if item.status:
                line += f": {item.status}"
            if item.error:
                line += f": {item.error_type}: {item.error.splitlines()[0]}"
            bad = item.failed_accounts
            if bad:
                line += f" ({len(bad)} of {len(item.accounts)} accounts failed)"
            lines.append(line)
        lines.append(
            f"{len(self.items) - len(self.failed)} ok, {len(self.failed)} failed, "
            f"{self.unchanged} unchanged"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (see ``docs/desired-state.md``)."""
        return {
            "format": PLAN_FORMAT,
            "ok": self.ok,
            "unchanged": self.unchanged,
            "failed": len(self.failed),
            "items": [i.to_dict() for i in self.items],
        }

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"{len(self.failed)} failed"
        return f"<ApplyResult {len(self.items)} changes: {state}>"


for _cls in (
    AccountResult,
    ApplyResult,
    FieldChange,
    ItemResult,
    PlanStaleError,
    PlannedChange,
):
    _cls.__module__ = "orgconfig.plan"
del _cls
