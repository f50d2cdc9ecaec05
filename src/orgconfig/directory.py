"""What an :class:`~orgconfig.Organization` learns about itself: who is in it, and who calls.

The records (frozen, compared by value):

* :class:`OrganizationInfo`: the organization's id, ARN, management account and feature set;
* :class:`Caller`: the calling account, and whether it is the management account, a delegated
  administrator for ``config-multiaccountsetup.amazonaws.com`` (may deploy organization packs
  and rules), only for ``config.amazonaws.com`` (aggregators; may not deploy), or neither;
* :class:`OrganizationalUnit`: an OU with its path from the root (``Root/Workloads/Prod``);
* :class:`Account`: a member (or the management) account with its OU and, once read, its tags.

:class:`Directory` reads them through :class:`~orgconfig._aws.organizations.OrganizationsApi`,
lazily, and keeps them for its life (``refresh`` reads again). The tree of OUs and accounts is
walked parent by parent (``ListOrganizationalUnitsForParent`` and ``ListAccountsForParent``), so
each account's OU comes with it: ``2 x (OUs + 1)`` paged calls for the whole organization. Tags
need one ``ListTagsForResource`` per account: they are read only when asked for
(``accounts(tags=True)``, :meth:`Directory.account_tags`, or targets that select by tag).
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

import attrs

from orgconfig import _checks as checks
from orgconfig import _display as display
from orgconfig import errors
from orgconfig._aws.organizations import OrganizationsApi
from orgconfig._frozen import FrozenDict

__all__ = [
    "CONFIG_MULTIACCOUNT_SETUP",
    "CONFIG_SERVICE",
    "ROOT_NAME",
    "Account",
    "Accounts",
    "Caller",
    "CallerRole",
    "Directory",
    "OrganizationInfo",
    "OrganizationalUnit",
    "OrganizationalUnits",
    "Tree",
]

CONFIG_MULTIACCOUNT_SETUP = "config-multiaccountsetup.amazonaws.com"
"""The service principal whose delegated administrators may deploy organization packs and rules."""

CONFIG_SERVICE = "config.amazonaws.com"
"""AWS Config's own service principal: its delegated administrators run aggregators only."""

ROOT_NAME = "Root"
"""The first segment of every OU path: AWS names the organization's root ``Root``."""

CallerRole = Literal[
    "management",
    "delegated_administrator",
    "config_delegated_administrator",
    "member",
    "unknown",
    "outside",
]
"""What :attr:`Caller.role` may be; see there."""

_ACCOUNT = checks.field(*checks.ACCOUNT)
_TEXT = checks.field(checks.is_a(str, "a string"))


def _tags(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if value is None else FrozenDict(value)


def _services(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen
class OrganizationInfo:
    """The organization itself, as ``DescribeOrganization`` gives it.

    Attributes:
        id: the organization id, ``o-`` and 10 to 32 characters.
        arn: the organization's ARN.
        management_account_id: the management account.
        feature_set: ``"ALL"`` or ``"CONSOLIDATED_BILLING"``; the organization APIs of AWS Config
            need ``"ALL"``.
        management_account_email: the management account's email address, when given.

    Example::

        info = org.describe()
        if not info.all_features:
            print("enable all features first")
    """

    id: str = attrs.field(validator=_TEXT)
    arn: str = attrs.field(validator=_TEXT)
    management_account_id: str = attrs.field(validator=_ACCOUNT)
    feature_set: str = attrs.field(validator=_TEXT)
    management_account_email: str | None = None

    @property
    def all_features(self) -> bool:
        """Whether all features are enabled (AWS Config's organization APIs need them)."""
        return self.feature_set == "ALL"

    def __repr__(self) -> str:
        return display.clean(
            f"<OrganizationInfo {self.id}, management account {self.management_account_id}, "
            f"feature set {self.feature_set}>"
        )


@attrs.frozen
class OrganizationalUnit:
    """An organizational unit, placed in the tree.

    Attributes:
        id: the OU id, ``ou-`` followed by the root's suffix and the OU's own.
        name: the OU's name (unique among its siblings).
        path: the names from the root down, joined with ``/``: ``"Root/Workloads/Prod"``.
        parent_id: the id of the parent OU, or of the root for a top-level OU.
        arn: the OU's ARN.
    """

    id: str = attrs.field(validator=_TEXT)
    name: str = attrs.field(validator=_TEXT)
    path: str = attrs.field(validator=_TEXT)
    parent_id: str = attrs.field(validator=_TEXT)
    arn: str = ""

    @property
    def depth(self) -> int:
        """How deep under the root the OU is: 1 for a top-level OU."""
        return self.path.count("/")

    def __repr__(self) -> str:
        return display.clean(f"<OrganizationalUnit {self.id} {self.path!r}>")

    def to_dict(self) -> dict[str, Any]:
        """Return the OU as plain data (JSON-ready; see ``docs/notebooks.md``).

        Example::

            {"id": "ou-ab12-cdef3456", "name": "Prod", "path": "Root/Workloads/Prod",
             "parent_id": "ou-ab12-11112222", "arn": "arn:aws:organizations::..."}
        """
        return {
            "id": self.id,
            "name": self.name,
            "path": self.path,
            "parent_id": self.parent_id,
            "arn": self.arn,
        }


@attrs.frozen
class Account:
    """An account of the organization (members and the management account).

    Attributes:
        id: the 12-digit account id.
        name: the account's name.
        email: the account's root email address.
        status: ``"ACTIVE"``, ``"SUSPENDED"``, ``"PENDING_CLOSURE"``... (the ``State`` AWS
            gives, else its older ``Status``).
        parent_id: the OU (or root) the account is directly in.
        ou_path: that OU's path: ``"Root"`` for an account at the root, else like
            ``"Root/Workloads/Prod"``.
        arn: the account's ARN.
        joined_method: ``"INVITED"`` or ``"CREATED"``, when given.
        joined_at: when the account joined, when given.
        tags: the account's tags, or None when they were not read (they cost one call per
            account: see :meth:`~orgconfig.Organization.accounts`).
    """

    id: str = attrs.field(validator=_ACCOUNT)
    name: str = attrs.field(validator=_TEXT)
    email: str = attrs.field(validator=_TEXT)
    status: str = attrs.field(validator=_TEXT)
    parent_id: str = attrs.field(validator=_TEXT)
    ou_path: str = attrs.field(validator=_TEXT)
    arn: str = ""
    joined_method: str | None = None
    joined_at: datetime | None = None
    tags: Mapping[str, str] | None = attrs.field(default=None, converter=_tags)

    @property
    def is_active(self) -> bool:
        """Whether the account is ``ACTIVE`` (a suspended one cannot take deployments)."""
        return self.status == "ACTIVE"

    def __repr__(self) -> str:
        tags = "" if self.tags is None else f", {len(self.tags)} tag(s)"
        name = display.shorten(self.name, 40)
        return display.clean(f"<Account {self.id} {name!r} {self.status} in {self.ou_path}{tags}>")

    def to_dict(self) -> dict[str, Any]:
        """Return the account as plain data (JSON-ready; see ``docs/notebooks.md``).

        ``joined_at`` is ISO 8601 text or None; ``tags`` is None when they were not read.

        Example::

            {"id": "111122223333", "name": "prod", "email": "prod@example.com",
             "status": "ACTIVE", "parent_id": "ou-ab12-cdef3456",
             "ou_path": "Root/Workloads/Prod", "arn": "arn:aws:organizations::...",
             "joined_method": "CREATED", "joined_at": "2024-01-01T12:00:00+00:00",
             "tags": {"env": "prod"}}
        """
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "status": self.status,
            "parent_id": self.parent_id,
            "ou_path": self.ou_path,
            "arn": self.arn,
            "joined_method": self.joined_method,
            "joined_at": display.iso(self.joined_at),
            "tags": None if self.tags is None else dict(self.tags),
        }


class Accounts(tuple[Account, ...]):
    """The accounts :meth:`Organization.accounts <orgconfig.Organization.accounts>` returns.

    A tuple (equal to a plain tuple of the same accounts; slicing gives a plain tuple) with a
    short ``repr``, shown in IPython and Jupyter as a table: accounts that are not ``ACTIVE``
    first, then the others, in the order of the organization's tree.

    Example::

        accounts = org.accounts()
        accounts            # in a notebook: a table of id, name, status, OU
        [a.to_dict() for a in accounts]
    """

    __slots__ = ()
    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def __repr__(self) -> str:
        return f"<Accounts: {_counted(self).partition(': ')[2] or 'none'}>"

    def _view(self) -> display.View:
        rows = (display.Row(_cells(a), "ok" if a.is_active else "bad") for a in self)
        table = display.Table(_ACCOUNT_COLUMNS, display.failures_first(rows), noun="accounts")
        return display.View(_counted(self), (table,))


_ACCOUNT_COLUMNS = (
    display.Column("account"),
    display.Column("name", width=30),
    display.Column("status", toned=True),
    display.Column("OU", width=40),
    display.Column("tags", width=50, optional=True),
)


def _counted(accounts: Iterable[Account]) -> str:
    states = collections.Counter(a.status for a in accounts)
    total = sum(states.values())
    noun = "account" if total == 1 else "accounts"
    if not states:
        return f"0 {noun}"
    ordered = sorted(states.items(), key=lambda kv: (kv[0] != "ACTIVE", kv[0]))
    return display.clean(f"{total} {noun}: " + ", ".join(f"{n} {s}" for s, n in ordered))


def _cells(a: Account) -> tuple[str, ...]:
    tags = ", ".join(f"{k}={v}" for k, v in sorted((a.tags or {}).items()))
    return (a.id, a.name, a.status, a.ou_path, tags)


class OrganizationalUnits(tuple[OrganizationalUnit, ...]):
    """What :meth:`~orgconfig.Organization.organizational_units` returns: OUs, parents first.

    A tuple (equal to a plain tuple of the same OUs; slicing gives a plain tuple) with a short
    ``repr``, shown in IPython and Jupyter as a table of id, path and parent.
    """

    __slots__ = ()
    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def __repr__(self) -> str:
        return f"<OrganizationalUnits: {len(self)}>"

    def _view(self) -> display.View:
        rows = [display.Row((u.id, u.path, u.parent_id)) for u in self]
        columns = (display.Column("id"), display.Column("path", width=60), display.Column("parent"))
        title = f"{len(self)} organizational unit{'' if len(self) == 1 else 's'}"
        return display.View(title, (display.Table(columns, tuple(rows), noun="OUs"),))


@attrs.frozen
class Caller:
    """The account orgconfig calls as, and what it may do in the organization.

    Attributes:
        account_id: the calling account.
        organization_id: its organization, or None when it belongs to none.
        management_account_id: the organization's management account, or None outside one.
        delegated_services: the service principals the caller is a delegated administrator
            for; empty for the management account and outside an organization; None when it
            could not be read (see :attr:`unknown_reason`): orgconfig never guesses.
        unknown_reason: why :attr:`delegated_services` is unknown (the error AWS gave).

    Example::

        caller = org.caller()
        if caller.may_deploy is False:
            print(f"{caller.account_id} is {caller.role}: see docs/delegated-admins.md")
    """

    account_id: str = attrs.field(validator=_ACCOUNT)
    organization_id: str | None = None
    management_account_id: str | None = None
    delegated_services: frozenset[str] | None = attrs.field(
        default=frozenset(), converter=_services
    )
    unknown_reason: str | None = None

    @property
    def in_organization(self) -> bool:
        """Whether the caller belongs to an organization."""
        return self.organization_id is not None

    @property
    def is_management(self) -> bool:
        """Whether the caller is the organization's management account."""
        return self.in_organization and self.account_id == self.management_account_id

    @property
    def is_delegated_admin(self) -> bool | None:
        """Delegated administrator for ``config-multiaccountsetup.amazonaws.com``? None: unknown."""
        if self.delegated_services is None:
            return None
        return CONFIG_MULTIACCOUNT_SETUP in self.delegated_services

    @property
    def is_config_delegated_admin(self) -> bool | None:
        """Delegated administrator for ``config.amazonaws.com``? None: unknown."""
        if self.delegated_services is None:
            return None
        return CONFIG_SERVICE in self.delegated_services

    @property
    def may_deploy(self) -> bool | None:
        """Whether the caller may call the organization APIs of AWS Config; None: unknown."""
        if self.is_management:
            return True
        if not self.in_organization:
            return False
        return self.is_delegated_admin

    @property
    def role(self) -> CallerRole:
        """The caller's part in the organization, in one word.

        ``"management"``; ``"delegated_administrator"`` (for
        ``config-multiaccountsetup.amazonaws.com``: may deploy);
        ``"config_delegated_administrator"`` (for ``config.amazonaws.com`` only: aggregators,
        may not deploy); ``"member"`` (neither); ``"unknown"`` (a member whose delegations could
        not be read); ``"outside"`` (in no organization).
        """
        if not self.in_organization:
            return "outside"
        if self.is_management:
            return "management"
        if self.delegated_services is None:
            return "unknown"
        if CONFIG_MULTIACCOUNT_SETUP in self.delegated_services:
            return "delegated_administrator"
        if CONFIG_SERVICE in self.delegated_services:
            return "config_delegated_administrator"
        return "member"

    def __repr__(self) -> str:
        where = f" in {self.organization_id}" if self.organization_id else ""
        return display.clean(f"<Caller {self.account_id}{where}: {self.role}>")


@attrs.frozen
class Tree:
    """The organization's OUs and accounts at one moment (what one walk of the tree read).

    Attributes:
        root_id: the id of the root (``r-...``).
        units: every OU, parents before children.
        accounts: every account, in the order of the walk.
    """

    root_id: str
    units: OrganizationalUnits = attrs.field(converter=OrganizationalUnits)
    accounts: Accounts = attrs.field(converter=Accounts)

    def __repr__(self) -> str:
        return f"<Tree {self.root_id}: {len(self.units)} OUs, {len(self.accounts)} accounts>"

    @property
    def unit_by_id(self) -> Mapping[str, OrganizationalUnit]:
        """The OUs by id."""
        return {unit.id: unit for unit in self.units}

    @property
    def account_by_id(self) -> Mapping[str, Account]:
        """The accounts by id."""
        return {account.id: account for account in self.accounts}

    def below(self, unit_id: str) -> frozenset[str]:
        """Return the ids of the accounts in ``unit_id`` or in any OU nested under it."""
        if unit_id == self.root_id:
            return frozenset(account.id for account in self.accounts)
        unit = self.unit_by_id[unit_id]
        prefix = unit.path + "/"
        return frozenset(
            account.id
            for account in self.accounts
            if account.ou_path == unit.path or account.ou_path.startswith(prefix)
        )


def _account(raw: Mapping[str, object], parent_id: str, path: str) -> Account:
    joined = raw.get("JoinedTimestamp")
    method = raw.get("JoinedMethod")
    return Account(
        id=str(raw["Id"]),
        name=str(raw.get("Name", "")),
        email=str(raw.get("Email", "")),
        status=str(raw.get("State") or raw.get("Status") or "UNKNOWN"),
        parent_id=parent_id,
        ou_path=path,
        arn=str(raw.get("Arn", "")),
        joined_method=None if method is None else str(method),
        joined_at=joined if isinstance(joined, datetime) else None,
    )


_T = TypeVar("_T")


class Directory:
    """Reads the organization and the caller on first use; keeps what it read until refreshed.

    Thread-safe: concurrent first uses read once.

    Args:
        api: the Organizations calls.
    """

    def __init__(self, api: OrganizationsApi) -> None:
        self.api = api
        self._lock = threading.RLock()
        self._info: OrganizationInfo | None = None
        self._caller: Caller | None = None
        self._tree: Tree | None = None
        self._tags: dict[str, Mapping[str, str]] = {}

    def refresh(self) -> None:
        """Forget everything read: the next question reads again."""
        with self._lock:
            self._info = None
            self._caller = None
            self._tree = None
            self._tags.clear()

    def _cached(self, name: str, refresh: bool, read: Callable[[], _T]) -> _T:
        with self._lock:
            found: _T | None = getattr(self, name)
            if found is None or refresh:
                found = read()
                setattr(self, name, found)
            return found

    # -- the organization and the caller -------------------------------------------------------

    def describe(self, refresh: bool = False) -> OrganizationInfo:
        """Return the organization (one ``DescribeOrganization``, then cached)."""
        return self._cached("_info", refresh, self._read_info)

    def _read_info(self) -> OrganizationInfo:
        raw = self.api.describe_organization()
        email = raw.get("MasterAccountEmail")
        return OrganizationInfo(
            id=str(raw["Id"]),
            arn=str(raw.get("Arn", "")),
            management_account_id=str(raw["MasterAccountId"]),
            feature_set=str(raw.get("FeatureSet", "")),
            management_account_email=None if email is None else str(email),
        )

    def caller(self, refresh: bool = False) -> Caller:
        """Return the caller (STS, DescribeOrganization, ListDelegatedServicesForAccount)."""
        return self._cached("_caller", refresh, lambda: self._read_caller(refresh))

    def _read_caller(self, refresh: bool) -> Caller:
        account_id = self.api.caller_account_id()
        try:
            info = self.describe(refresh)
        except errors.OrganizationNotReadyError:  # AWSOrganizationsNotInUseException
            return Caller(account_id)
        management = info.management_account_id
        if account_id == management:
            return Caller(account_id, info.id, management)
        try:
            services: frozenset[str] | None = self.api.delegated_services(account_id)
            reason = None
        except errors.NotFoundError:  # AccountNotRegisteredException: delegated for nothing
            services, reason = frozenset(), None
        except (errors.AccessDeniedError, errors.OrganizationNotReadyError) as e:
            # A member that is a delegated administrator of no service may not list delegations;
            # nor may a delegated administrator whose IAM policy does not allow it. Unknown.
            services = None
            reason = (
                f"{e} (the caller may not list its delegations: allow "
                "organizations:ListDelegatedServicesForAccount, or ask the management account)"
            )
        return Caller(account_id, info.id, management, services, reason)

    # -- the tree --------------------------------------------------------------------------------

    def tree(self, refresh: bool = False) -> Tree:
        """Return the OUs and accounts (one walk of the tree, then cached)."""
        return self._cached("_tree", refresh, self._walk)

    def _walk(self) -> Tree:
        roots = self.api.roots()
        if not roots:  # pragma: no cover - every organization has a root
            raise errors.OrganizationNotReadyError("the organization has no root")
        root_id = str(roots[0]["Id"])
        units: list[OrganizationalUnit] = []
        accounts: list[Account] = []
        pending: list[tuple[str, str]] = [(root_id, ROOT_NAME)]
        while pending:
            parent_id, path = pending.pop(0)
            accounts.extend(
                _account(a, parent_id, path) for a in self.api.child_accounts(parent_id)
            )
            for raw in sorted(self.api.child_ous(parent_id), key=lambda u: str(u.get("Name"))):
                name = str(raw.get("Name", ""))
                unit = OrganizationalUnit(
                    id=str(raw["Id"]),
                    name=name,
                    path=f"{path}/{name}",
                    parent_id=parent_id,
                    arn=str(raw.get("Arn", "")),
                )
                units.append(unit)
                pending.append((unit.id, unit.path))
        return Tree(root_id, tuple(units), tuple(accounts))

    # -- accounts and their tags -----------------------------------------------------------------

    def accounts(self, refresh: bool = False, *, tags: bool = False) -> Accounts:
        """Return every account; with ``tags``, each with its tags (read once per account)."""
        found = self.tree(refresh).accounts
        if not tags:
            return found
        read = self.tags_of((a.id for a in found), refresh=refresh)
        return Accounts(attrs.evolve(a, tags=read[a.id]) for a in found)

    def account(self, account_id: str, *, tags: bool = False) -> Account:
        """Return one account; a ValidationError naming the closest ids when it is not one."""
        checks.run(checks.ACCOUNT, account_id, "account_id")
        found = self.tree().account_by_id.get(account_id)
        if found is None:
            raise self.unknown_account(account_id, "account_id")
        if tags:
            found = attrs.evolve(found, tags=self.tags_of([account_id])[account_id])
        return found

    def unknown_account(self, account_id: str, label: str) -> errors.ValidationError:
        """The error for an account id that is not in the organization (the closest named)."""
        tree = self.tree()
        close = checks.closest(account_id, (a.id for a in tree.accounts))
        hint = f"; did you mean {close}?" if close else ""
        where = f"organization {self._info.id}" if self._info is not None else "the organization"
        return checks.fail(label, f"{checks.show(account_id)} is not an account of {where}{hint}")

    def tags_of(
        self, account_ids: Iterable[str], *, refresh: bool = False
    ) -> Mapping[str, Mapping[str, str]]:
        """Return the tags of each account (``ListTagsForResource`` once per account, cached)."""
        wanted = list(account_ids)
        with self._lock:
            for account_id in wanted:
                if refresh or account_id not in self._tags:
                    self._tags[account_id] = FrozenDict(self.api.tags(account_id))
            return {account_id: self._tags[account_id] for account_id in wanted}

    def account_names(self, refresh: bool = False) -> Mapping[str, str]:
        """Return account id -> account name, for every account."""
        return FrozenDict({a.id: a.name for a in self.tree(refresh).accounts})
