"""Plan and apply: make the organization hold what a desired state says, change by change.

:func:`make_plan` (``org.plan(desired)``) reads what is deployed in every region the desired
state names and compares it, pack by pack and rule by rule, region by region, with what is
desired. Each :class:`PlannedChange` has one action:

``create``
    not deployed in that region;
``update``
    deployed, but a field differs (:attr:`PlannedChange.changes`, field by field): parameters,
    excluded accounts and targets (targets are resolved again, so accounts that joined or moved
    show as :attr:`~PlannedChange.accounts_added` / :attr:`~PlannedChange.accounts_removed`),
    delivery bucket and prefix, tags, the template's SHA-256 (recorded in a tag at put time,
    line endings as LF), or a rule's fields (a Guard policy is read back and compared);
``retry``
    nothing differs, but the last deployment failed (``*_FAILED``): apply puts it again;
``delete``
    only with ``prune=True``: deployed in a region where it is not desired, and managed by
    orgconfig (it carries an ``orgconfig:`` tag), or any with ``prune="all"``;
``unchanged``
    nothing to do: apply never touches it.

:meth:`Plan.apply` runs the changes concurrently (bounded), keeps going when one fails, and
returns an :class:`ApplyResult` with each item's result per region and per account. A plan can
be saved (:meth:`Plan.save`) and applied later (:meth:`Plan.load`) exactly as reviewed: apply
first reads the organization again and raises :class:`PlanStaleError` if what the plan read
changed (deployment statuses, the accounts and where they are, the accounts each target
selects).

``to_dict()`` on :class:`Plan` and :class:`ApplyResult` gives the stable shapes documented in
``docs/desired-state.md`` (what the CLI's ``--json`` prints).

Example::

    desired = load_desired("orgconfig.yaml")
    plan = make_plan(org, desired)
    print(plan.summary())
    result = plan.apply(max_concurrency=4)
    assert result.ok, result.summary()
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal

from orgconfig import _display as display
from orgconfig import errors
from orgconfig._plan_records import (
    ACTIONS,
    PLAN_FORMAT,
    AccountResult,
    Action,
    ApplyResult,
    FieldChange,
    ItemResult,
    PlannedChange,
    PlanStaleError,
    changes_table,
)
from orgconfig.deployments import POLICY_TIMEOUT

if TYPE_CHECKING:
    from orgconfig.deployments import _Default
    from orgconfig.desired import DesiredState
    from orgconfig.organization import Organization

__all__ = [
    "ACTIONS",
    "DEFAULT_MAX_CONCURRENCY",
    "AccountResult",
    "Action",
    "ApplyResult",
    "FieldChange",
    "ItemResult",
    "Plan",
    "PlanStaleError",
    "PlannedChange",
    "export_desired",
    "make_plan",
]

DEFAULT_MAX_CONCURRENCY: Final = 4
"""How many (item, region) changes :meth:`Plan.apply` runs at once unless told otherwise."""

Prune = bool | Literal["all"]


class Plan:
    """What applying a desired state would change: one :class:`PlannedChange` per item and region.

    Build one with :func:`make_plan` (``org.plan(desired)``) or :meth:`load`. In IPython and
    Jupyter it shows as a table of its items, changes first (retry, delete, update, create,
    then unchanged), each with its field-level differences summarised.

    Attributes:
        organization: the organization it was planned against.
        items: every (pack or rule, region), packs first, then by name and region.
        prune: what ``prune`` was (False, True or ``"all"``).
        fingerprint: the SHA-256 of what the plan read; apply refuses when it changed.
        organization_id: the organization's id.
    """

    def __init__(
        self,
        organization: Organization,
        items: tuple[PlannedChange, ...],
        *,
        prune: Prune,
        fingerprint: str,
        organization_id: str,
    ) -> None:
        self.organization = organization
        self.items = items
        self.prune = prune
        self.fingerprint = fingerprint
        self.organization_id = organization_id
        self._saved = False  # read from a file: apply() always checks it is still true

    @property
    def changes(self) -> tuple[PlannedChange, ...]:
        """The items apply acts on (every action but ``unchanged``)."""
        return tuple(i for i in self.items if i.action != "unchanged")

    @property
    def has_changes(self) -> bool:
        """Whether applying would change anything."""
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        """Return how many items have each action (every action, zero included)."""
        return {a: sum(1 for i in self.items if i.action == a) for a in ACTIONS}

    def summary(self) -> str:
        """Return the plan as text: one line per change (unchanged items counted only)."""
        lines = [item.describe() for item in self.changes]
        counts = self.counts()
        lines.append(", ".join(f"{counts[a]} {a}" for a in ACTIONS))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as plain data (the shape is documented in ``docs/desired-state.md``).

        Secret parameter and input values show as ``"***"``.
        """
        return {
            "format": PLAN_FORMAT,
            "organization_id": self.organization_id,
            "fingerprint": self.fingerprint,
            "prune": self.prune,
            "has_changes": self.has_changes,
            "counts": self.counts(),
            "items": [item.to_dict() for item in self.items],
        }

    def _counted(self) -> str:
        counts = self.counts()
        return ", ".join(f"{counts[a]} {a}" for a in ACTIONS if counts[a]) or "empty"

    def __repr__(self) -> str:
        return display.clean(f"<Plan {self.organization_id}: {self._counted()}>")

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        title = f"plan for {self.organization_id}: {self._counted()}"
        if self.prune:
            title += " (prune all)" if self.prune == "all" else " (prune)"
        if self.has_changes:
            count = len(self.changes)
            plural = "" if count == 1 else "s"
            note = f"apply() makes {count} change{plural} and never touches what is unchanged"
        else:
            note = "no changes: the organization holds what is desired"
        return display.View(title, (changes_table(self.items),), (note,))

    # -- saving -----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan to ``path`` (JSON) to apply it later with :meth:`load`.

        The file holds everything apply puts, exactly as planned: templates, parameters
        (secret ones too: keep the file as you keep secrets), resolved excluded accounts, tags,
        and the fingerprint of what the plan read.

        Raises:
            ValidationError: the file cannot be written (``field="path"``).
        """
        from orgconfig._plan_files import plan_to_file  # noqa: PLC0415  (on use)

        data = plan_to_file(self)
        try:
            with open(path, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=1, sort_keys=True)
                stream.write("\n")
        except OSError as e:
            raise errors.ValidationError(
                f"cannot write the plan to {os.fspath(path)!r}: {e.strerror or e}", field="path"
            ) from e

    @classmethod
    def load(cls, path: str | os.PathLike[str], organization: Organization) -> Plan:
        """Read a plan written by :meth:`save`, to apply it to ``organization``.

        Raises:
            ValidationError: the file cannot be read or is not a plan (``field="path"``).
        """
        from orgconfig._plan_files import plan_from_file  # noqa: PLC0415  (on use)

        try:
            with open(path, encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError) as e:
            raise errors.ValidationError(
                f"cannot read the plan {os.fspath(path)!r}: {e}", field="path"
            ) from e
        plan = plan_from_file(data, organization, os.fspath(path))
        plan._saved = True
        return plan

    # -- applying ---------------------------------------------------------------------------

    def verify(self) -> None:
        """Read the organization again; raise :class:`PlanStaleError` if it changed since.

        What is compared: every deployment status (state and last update time) of every pack
        and rule in the plan's regions, the accounts and their OUs, and the accounts each
        target selects.
        """
        from orgconfig._diff import fingerprint_now  # noqa: PLC0415  (import cycle)

        now = fingerprint_now(self)
        if now != self.fingerprint:
            raise PlanStaleError(
                "the organization changed since this plan was made (a deployment status, an "
                "account or where it is, or what a target selects): make a new plan",
                planned=self.fingerprint,
                found=now,
            )

    def apply(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        timeout: float | _Default | None = POLICY_TIMEOUT,
        verify: bool = True,
        on_progress: Callable[[PlannedChange, int, int], None] | None = None,
    ) -> ApplyResult:
        """Make the changes: puts and deletes, at most ``max_concurrency`` at a time.

        Unchanged items are never touched. A change that fails (refused, failed in some
        accounts, timed out) is reported in its :class:`ItemResult` and the others go on.

        Args:
            max_concurrency: how many (item, region) changes run at once.
            timeout: each change's wait (``None``: no limit; by default the polling policy's).
            verify: first check that the organization did not change since the plan was made
                (:meth:`verify`).
            on_progress: called with (change, accounts finished, accounts targeted) as each
                change's deployment progresses: at its start, on every change of its counts.

        Raises:
            PlanStaleError: ``verify`` and the organization changed since the plan was made.
            ValidationError: ``max_concurrency`` is not a whole number >= 1.
        """
        from orgconfig._apply import apply_plan  # noqa: PLC0415  (import cycle)

        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise errors.ValidationError(
                f"max_concurrency must be a whole number, not {type(max_concurrency).__name__}",
                field="max_concurrency",
            )
        if max_concurrency < 1:
            raise errors.ValidationError(
                f"max_concurrency must be >= 1, got {max_concurrency}", field="max_concurrency"
            )
        if verify and (self.has_changes or self._saved):
            # A saved plan is checked even with nothing to change: "nothing to do" was true
            # of the organization it was made against, not necessarily of today's.
            self.verify()
        return apply_plan(
            self, max_concurrency=max_concurrency, timeout=timeout, on_progress=on_progress
        )


def make_plan(organization: Organization, desired: DesiredState, prune: Prune = False) -> Plan:
    """Compare ``desired`` with what ``organization`` holds; return the :class:`Plan`.

    Reads, in each region the desired state names: every pack (and its tags) and rule (and its
    tags, and a Guard rule's policy), and their deployment statuses; and the organization's
    accounts again (so targets are resolved against the organization as it is now).

    Args:
        organization: the organization.
        desired: what it should hold (:func:`~orgconfig.load_desired`).
        prune: also delete what is deployed in those regions but not desired: False (never),
            True (only packs and rules orgconfig manages, i.e. carrying an ``orgconfig:`` tag),
            or ``"all"`` (whatever the caller deployed there, however it was made).

    Raises:
        ValidationError: a target names an OU or account the organization does not have, or
            selects no account; ``prune`` is not False, True or ``"all"``.
    """
    from orgconfig._diff import compute_plan  # noqa: PLC0415  (import cycle)

    if prune not in (False, True, "all") or (prune != "all" and not isinstance(prune, bool)):
        raise errors.ValidationError(
            f"prune must be False, True or 'all', not {prune!r}", field="prune"
        )
    return compute_plan(organization, desired, prune)


def export_desired(organization: Organization, regions: list[str] | None = None) -> str:
    """Return a desired-state file (YAML text) for what ``organization`` holds now.

    See :func:`orgconfig._export.export_desired` for the details: packs are written with a
    placeholder template path (AWS does not return templates) and a comment saying so; rules
    are written completely.
    """
    from orgconfig._export import export_yaml  # noqa: PLC0415  (on use)

    return export_yaml(organization, regions)
