"""Targets resolved against the organization: the included and excluded accounts, and changes.

:meth:`~orgconfig.Organization.resolve` gives a :class:`Resolution` (its ``excluded_accounts``
are what the API's ``ExcludedAccounts`` receives); :meth:`Resolution.changes_since` compares two
resolutions (accounts that joined, left or moved), :meth:`Resolution.drift_from` compares with
what a deployment excluded. The semantics of targets are in :mod:`orgconfig.targets`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping

import attrs

from orgconfig import _checks as checks
from orgconfig import errors
from orgconfig._frozen import FrozenDict
from orgconfig.directory import ROOT_NAME, Tree
from orgconfig.targets import MAX_EXCLUDED_ACCOUNTS, Targets

__all__ = ["Resolution", "TagReader", "TargetChanges", "resolve_targets"]


def _frozen_names(value: Mapping[str, str]) -> Mapping[str, str]:
    return FrozenDict(value)


def _frozen_moves(value: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    return FrozenDict(value)


@attrs.frozen
class TargetChanges:
    """How the accounts a deployment reaches changed between two resolutions of its targets.

    Attributes:
        added: accounts included now and not before (sorted): they joined the organization,
            moved into an included OU, were tagged, or were excluded by the deployment.
        removed: accounts included before and not now (sorted).
        joined: accounts in the organization now and not before, included or not.
        left: accounts in the organization before and not now.
        moved: accounts whose OU changed: account id -> (path before, path now).
        names: account id -> name, for the accounts above that are known by name.

    ``bool(changes)`` is True when the included accounts changed.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    moved: Mapping[str, tuple[str, str]] = attrs.field(
        default=checks.EMPTY, converter=_frozen_moves
    )
    names: Mapping[str, str] = attrs.field(default=checks.EMPTY, converter=_frozen_names)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def _label(self, account_id: str) -> str:
        name = self.names.get(account_id)
        return f"{account_id} ({name})" if name else account_id

    def summary(self) -> str:
        """Return the changes as lines of text (``"no change"`` when there is none)."""
        lines = [
            *(f"+ {self._label(a)}" for a in self.added),
            *(f"- {self._label(a)}" for a in self.removed),
        ]
        lines += [f"  joined: {self._label(a)}" for a in self.joined]
        lines += [f"  left: {self._label(a)}" for a in self.left]
        lines += [
            f"  moved: {self._label(a)} {old} -> {new}"
            for a, (old, new) in sorted(self.moved.items())
        ]
        return "\n".join(lines) or "no change"


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(values))


@attrs.frozen
class Resolution:
    """Targets resolved against the organization at one moment.

    Attributes:
        targets: what was resolved.
        organization_id: the organization it was resolved in.
        included: the accounts the targets select.
        excluded: every other account of the organization (at most 1,000).
        placements: account id -> OU path, for every account of the organization then.
        names: account id -> account name, for every account then.

    Example::

        first = org.resolve(targets)
        ...
        changes = org.resolve(targets, refresh=True).changes_since(first)
        print(changes.summary())
    """

    targets: Targets
    organization_id: str
    included: frozenset[str]
    excluded: frozenset[str]
    placements: Mapping[str, str] = attrs.field(converter=_frozen_names)
    names: Mapping[str, str] = attrs.field(converter=_frozen_names)

    @property
    def excluded_accounts(self) -> tuple[str, ...]:
        """The excluded accounts, sorted: the API's ``ExcludedAccounts``."""
        return _sorted(self.excluded)

    @property
    def included_accounts(self) -> tuple[str, ...]:
        """The included accounts, sorted."""
        return _sorted(self.included)

    def changes_since(self, previous: Resolution) -> TargetChanges:
        """Return how the included accounts changed since ``previous`` (an earlier resolution).

        Accounts that joined or left the organization, and accounts that moved between OUs,
        are listed whether or not that changed the included set.
        """
        before = set(previous.placements)
        now = set(self.placements)
        moved = {
            a: (previous.placements[a], self.placements[a])
            for a in before & now
            if previous.placements[a] != self.placements[a]
        }
        return TargetChanges(
            added=_sorted(self.included - previous.included),
            removed=_sorted(previous.included - self.included),
            joined=_sorted(now - before),
            left=_sorted(before - now),
            moved=moved,
            names={**previous.names, **self.names},
        )

    def drift_from(self, excluded_accounts: Iterable[str]) -> TargetChanges:
        """Return what a put now would change for a deployment made with ``excluded_accounts``.

        A deployment reaches every account of the organization it does not exclude, including
        accounts that joined after it: ``added`` are accounts it excludes that the targets now
        include; ``removed`` are accounts it reaches (or will reach) that the targets no longer
        include, such as an account that joined outside the targeted OUs.
        """
        deployed_excluded = frozenset(excluded_accounts)
        reached = frozenset(self.placements) - deployed_excluded
        return TargetChanges(
            added=_sorted(self.included & deployed_excluded),
            removed=_sorted(reached - self.included),
            names=self.names,
        )


# -- resolving ------------------------------------------------------------------------------


TagReader = Callable[[Iterable[str]], Mapping[str, Mapping[str, str]]]
"""Reads the tags of the given accounts: account id -> tags."""


def _unit_ids(
    tree: Tree, selectors: tuple[str, ...], label: str, organization_id: str
) -> list[str]:
    by_path: dict[str, list[str]] = {ROOT_NAME: [tree.root_id]}
    for unit in tree.units:
        by_path.setdefault(unit.path, []).append(unit.id)
    known_ids = {unit.id for unit in tree.units} | {tree.root_id}
    found: list[str] = []
    for i, selector in enumerate(selectors):
        if selector in known_ids:
            found.append(selector)
            continue
        if selector in by_path:
            found.append(_one_unit(tree, selector, by_path[selector], f"{label}[{i}]"))
            continue
        pool = sorted(by_path if selector.startswith(ROOT_NAME) else known_ids)
        close = difflib.get_close_matches(selector, pool, n=3, cutoff=0.5)
        hint = f"; the closest: {', '.join(map(repr, close))}" if close else ""
        raise checks.fail(
            f"{label}[{i}]", f"no OU {selector!r} in organization {organization_id}{hint}"
        )
    return found


def _one_unit(tree: Tree, path: str, unit_ids: list[str], label: str) -> str:
    """The one OU a path names; refused when an OU name with a ``/`` makes it ambiguous.

    A path through an OU whose name contains ``/`` is refused even when no other OU has it
    today: it would silently name another OU once one is created with the path's names.
    """
    units = tree.unit_by_id
    slashed = [
        units[unit_id]
        for unit_id in unit_ids
        if any("/" in units[ancestor].name for ancestor in _ancestors(tree, unit_id))
    ]
    if len(unit_ids) == 1 and not slashed:
        return unit_ids[0]
    listed = ", ".join(f"{u} ({units[u].name!r} under {units[u].parent_id})" for u in unit_ids)
    what = (
        f"the path {path!r} names {len(unit_ids)} OUs: {listed}"
        if len(unit_ids) > 1
        else f"the path {path!r} goes through an OU whose name contains '/': {listed}"
    )
    raise checks.fail(
        label,
        f"{what}; an OU name containing '/' cannot be written as a path: give the OU by its "
        f"id instead (Targets(ous=[{unit_ids[0]!r}]))",
    )


def _ancestors(tree: Tree, unit_id: str) -> list[str]:
    """``unit_id`` and the OUs above it (the root excluded)."""
    units = tree.unit_by_id
    chain: list[str] = []
    while unit_id in units and unit_id not in chain:
        chain.append(unit_id)
        unit_id = units[unit_id].parent_id
    return chain


def _below(tree: Tree, unit_id: str) -> frozenset[str]:
    """The accounts in ``unit_id`` or any OU under it, by the parent links (never by path).

    Paths cannot tell an OU named ``"A/B"`` from an OU ``B`` under ``A``; parent ids can.
    """
    if unit_id == tree.root_id:
        return frozenset(account.id for account in tree.accounts)
    children: dict[str, list[str]] = {}
    for unit in tree.units:
        children.setdefault(unit.parent_id, []).append(unit.id)
    inside = {unit_id}
    pending = [unit_id]
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in inside:
                inside.add(child)
                pending.append(child)
    return frozenset(account.id for account in tree.accounts if account.parent_id in inside)


def _known_accounts(
    selectors: tuple[str, ...], known: frozenset[str], label: str, organization_id: str
) -> frozenset[str]:
    for i, account_id in enumerate(selectors):
        if account_id not in known:
            close = difflib.get_close_matches(account_id, sorted(known), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise checks.fail(
                f"{label}[{i}]",
                f"{account_id!r} is not an account of organization {organization_id}{hint}",
            )
    return frozenset(selectors)


def _select(
    tree: Tree,
    *,
    ous: tuple[str, ...],
    accounts: tuple[str, ...],
    tags: Mapping[str, str],
    prefix: str,
    context: tuple[str, frozenset[str], Mapping[str, Mapping[str, str]]],
) -> frozenset[str]:
    organization_id, known, account_tags = context
    selected: set[str] = set()
    for unit_id in _unit_ids(tree, ous, f"targets.{prefix}ous", organization_id):
        selected |= _below(tree, unit_id)
    selected |= _known_accounts(accounts, known, f"targets.{prefix}accounts", organization_id)
    if tags:
        selected |= {
            a
            for a, carried in account_tags.items()
            if any(carried.get(k) == v for k, v in tags.items())
        }
    return frozenset(selected)


def resolve_targets(
    targets: Targets, tree: Tree, read_tags: TagReader, organization_id: str
) -> Resolution:
    """Resolve ``targets`` against ``tree`` (what :meth:`~orgconfig.Organization.resolve` does).

    ``read_tags`` is called only when the targets select by tag.

    Raises:
        ValidationError: an OU or account the organization does not have (``field`` names the
            selector, such as ``"targets.ous[0]"``; the message names the closest ones), or more
            than 1,000 accounts left out (``field="targets"``; the message gives the count).
    """
    if not isinstance(targets, Targets):
        raise checks.fail(
            "targets", f"must be a Targets, not {type(targets).__name__} {checks.show(targets)}"
        )
    known = frozenset(a.id for a in tree.accounts)
    account_tags = read_tags(sorted(known)) if targets.uses_tags else {}
    context = (organization_id, known, account_tags)
    if targets.has_includes:
        chosen = _select(
            tree,
            ous=targets.ous,
            accounts=targets.accounts,
            tags=targets.tags,
            prefix="",
            context=context,
        )
    else:
        chosen = known
    left_out = _select(
        tree,
        ous=targets.exclude_ous,
        accounts=targets.exclude_accounts,
        tags=targets.exclude_tags,
        prefix="exclude_",
        context=context,
    )
    included = chosen - left_out
    excluded = known - included
    if len(excluded) > MAX_EXCLUDED_ACCOUNTS:
        raise errors.ValidationError(
            f"targets: the targets leave {len(excluded):,} of the organization's {len(known):,} "
            f"accounts out, and a pack or rule can exclude at most {MAX_EXCLUDED_ACCOUNTS:,} "
            f"(ExcludedAccounts); include more accounts, or split the organization's accounts "
            f"between deployments from different delegated administrators",
            field="targets",
        )
    return Resolution(
        targets=targets,
        organization_id=organization_id,
        included=included,
        excluded=excluded,
        placements={a.id: a.ou_path for a in tree.accounts},
        names={a.id: a.name for a in tree.accounts},
    )
