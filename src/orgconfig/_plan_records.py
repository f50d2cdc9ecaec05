"""The records of plan and apply: changes planned, and how applying each ended.

They report :mod:`orgconfig.plan` as their module; their ``to_dict()`` shapes are documented in
``docs/desired-state.md`` and stay stable (the CLI's ``--json`` prints them). In IPython and
Jupyter, :class:`~orgconfig.plan.Plan` (:func:`plan_view`) and :class:`ApplyResult` show as
tables, changes and failures first (see ``docs/notebooks.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

import attrs

from orgconfig import _display as display
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
    "changes_table",
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

# How a plan's table orders and colours its rows: what apply would do first, unchanged last.
_DISPLAY_ORDER: Final[dict[str, int]] = {
    "retry": 0,
    "delete": 1,
    "update": 2,
    "create": 3,
    "unchanged": 4,
}
_DISPLAY_TONES: Final[dict[str, display.Tone]] = {
    "retry": "bad",
    "delete": "warn",
    "update": "busy",
    "create": "busy",
    "unchanged": "ok",
}
_FIELDS_SHOWN: Final = 4  # field changes summarised per row; the rest are counted
_IDS_SHOWN: Final = 3  # account ids listed per row; the rest are counted


def _value(value: Any) -> str:
    """A field's value in a table cell: short, on one line (``none`` for None)."""
    return "none" if value is None else display.shorten(display.clean(repr(value)), 32)


def _some(ids: Sequence[str], limit: int = _IDS_SHOWN) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


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

    def summary(self) -> str:
        """Return ``field: before → after``, each value shortened to one short line."""
        return f"{display.clean(self.field)}: {_value(self.before)} → {_value(self.after)}"

    def __repr__(self) -> str:
        return f"<FieldChange {self.summary()}>"

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

    def details(self) -> str:
        """Return what the change does, in one line: reason, fields (summarised), accounts."""
        parts = [self.reason] if self.reason else []
        parts += [c.summary() for c in self.changes[:_FIELDS_SHOWN]]
        if len(self.changes) > _FIELDS_SHOWN:
            parts.append(f"and {_plural(len(self.changes) - _FIELDS_SHOWN, 'more field')}")
        if self.action == "create":
            parts.append(f"to {_plural(len(self.accounts_added), 'account')}")
        elif self.action == "delete":
            parts.append(f"from {_plural(len(self.accounts_removed), 'account')}")
        else:
            if self.accounts_added:
                added = _plural(len(self.accounts_added), "account")
                parts.append(f"+{added}: {_some(self.accounts_added)}")
            if self.accounts_removed:
                removed = _plural(len(self.accounts_removed), "account")
                parts.append(f"-{removed}: {_some(self.accounts_removed)}")
        return "; ".join(parts)

    def __repr__(self) -> str:
        what = f"{self.action} {self.kind} {display.clean(repr(self.name))} in {self.region}"
        if self.changes:
            what += f": {_plural(len(self.changes), 'field')}"
        return f"<PlannedChange {what}>"

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

    def __repr__(self) -> str:
        who = self.account_id
        if self.account_name:
            who += f" ({display.shorten(display.clean(self.account_name), 40)})"
        error = ": ".join(p for p in (self.error_code, self.error_message) if p)
        error = f": {display.shorten(display.clean(error), 60)}" if error else ""
        return f"<AccountResult {who}: {display.clean(self.status)}{error}>"

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

    def __repr__(self) -> str:
        state = "ok" if self.ok else "FAILED"
        what = f"{state}: {self.action} {self.kind} {display.clean(repr(self.name))}"
        what += f" in {self.region}"
        if self.status:
            what += f": {self.status}"
        bad = self.failed_accounts
        if bad:
            what += f", {len(bad)} of {len(self.accounts)} accounts failed"
        elif self.error_type:
            what += f", {self.error_type}"
        return f"<ItemResult {what}>"

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

    def _headline(self) -> str:
        made = len(self.items) - len(self.failed)
        return (
            f"applied {_plural(len(self.items), 'change')}: {made} ok, "
            f"{len(self.failed)} failed, {self.unchanged} unchanged"
        )

    def __repr__(self) -> str:
        return f"<ApplyResult {self._headline()}>"

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        rows = []
        for item in self.items:
            bad = item.failed_accounts
            counts = (
                f"{len(item.accounts) - len(bad)}/{len(item.accounts)}" if item.accounts else ""
            )
            error = f"{item.error_type}: {display.first_line(item.error)}" if item.error else ""
            cells = (
                "ok" if item.ok else "FAILED",
                item.action,
                item.kind,
                item.name,
                item.region,
                item.status or "",
                counts,
                error,
            )
            rows.append(display.Row(cells, "ok" if item.ok else "bad"))
        columns = (
            display.Column("result", toned=True),
            display.Column("action"),
            display.Column("kind"),
            display.Column("name"),
            display.Column("region"),
            display.Column("status", optional=True),
            display.Column("accounts ok", optional=True),
            display.Column("error", width=60, optional=True),
        )
        items = display.Table(columns, display.failures_first(rows), noun="changes")
        accounts = display.Table(
            (
                display.Column("kind"),
                display.Column("name"),
                display.Column("region"),
                display.Column("account"),
                display.Column("account name", width=30, optional=True),
                display.Column("status", toned=True),
                display.Column("error code", optional=True),
                display.Column("error message", width=60, optional=True),
            ),
            tuple(
                display.Row(
                    (
                        item.kind,
                        item.name,
                        item.region,
                        a.account_id,
                        a.account_name or "",
                        a.status,
                        a.error_code or "",
                        a.error_message or "",
                    ),
                    "bad",
                )
                for item in self.failed
                for a in item.failed_accounts
            ),
            caption="failed accounts",
            noun="accounts",
        )
        notes: tuple[str, ...] = ()
        if self.failed:
            notes = ("plan again to see what is left: a deployment that failed shows as retry",)
        return display.View(self._headline(), (items, accounts), notes)


def changes_table(items: Sequence[PlannedChange]) -> display.Table:
    """Return a plan's items as a table: retry, delete, update, create, then unchanged.

    Each row summarises the change: why (a failed last deployment, a prune), the fields that
    differ (``field: before → after``), and the accounts added or removed.
    """
    ordered = sorted(items, key=lambda i: _DISPLAY_ORDER[i.action])
    rows = tuple(
        display.Row(
            (i.action, i.kind, i.name, i.region, i.status or "", i.details()),
            _DISPLAY_TONES[i.action],
        )
        for i in ordered
    )
    columns = (
        display.Column("action", toned=True),
        display.Column("kind"),
        display.Column("name"),
        display.Column("region"),
        display.Column("status now", optional=True),
        display.Column("changes", width=60, optional=True),
    )
    return display.Table(columns, rows, noun="items")


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
