"""The sandbox's organization: who is in it, and changing it while deployments run.

:class:`OrganizationMethods` is the part of :class:`~orgconfig.testing.Sandbox` that reads and
changes the organization: accounts joining (:meth:`~OrganizationMethods.add_account`), moving
between OUs, leaving, being suspended, and configuration recorders appearing or going. Every
change goes through moto's Organizations (with the management account's boto3 client), so a
test's own Organizations calls and the sandbox's are the same thing: the simulated service is
told of both (the seam's ``after-call`` hook) and deploys every organization pack and rule to the
accounts that join, and removes them from the accounts that leave, at the virtual time of the
change.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from orgconfig.testing import _moto

if TYPE_CHECKING:
    from orgconfig.testing._identities import Identities
    from orgconfig.testing._seam import Seam
    from orgconfig.testing._service import Service

__all__ = ["ORGANIZATION_CHANGES", "RECORDER_CHANGES", "OrganizationMethods"]

ORGANIZATION_CHANGES = frozenset(
    {
        "AcceptHandshake",
        "CloseAccount",
        "CreateAccount",
        "CreateGovCloudAccount",
        "DeleteOrganization",
        "LeaveOrganization",
        "MoveAccount",
        "RemoveAccountFromOrganization",
    }
)
"""Organizations operations after which the simulated service looks at the organization again."""

RECORDER_CHANGES = frozenset(
    {"PutConfigurationRecorder", "DeleteConfigurationRecorder", "StartConfigurationRecorder"}
)
"""AWS Config operations after which accounts waiting for a recorder are looked at again."""


class OrganizationMethods:
    """The organization of a :class:`~orgconfig.testing.Sandbox`: read it, change it."""

    _identities: Identities
    _backend: Service
    _regions: tuple[str, ...]
    _organization_id: str | None
    _root_id: str | None
    _ou_ids: dict[str, str]
    _seed: int
    client: Callable[..., Any]

    def _running(self) -> tuple[Service, Seam]:  # pragma: no cover - Sandbox defines it
        raise NotImplementedError

    # -- reading -------------------------------------------------------------------------------

    @property
    def management_account_id(self) -> str:
        """The management account (moto's default account, 123456789012, unless configured)."""
        self._running()
        return self._identities.management_account_id

    def _parents(self) -> list[tuple[str, str]]:
        if self._organization_id is None:
            return []
        return _moto.account_parents(self._identities.management_account_id)

    @property
    def member_account_ids(self) -> list[str]:
        """The organization's member accounts, in the order they joined (a new list).

        Accounts added or removed since the start (:meth:`add_account`, :meth:`remove_account`,
        or Organizations calls) are counted in or out.
        """
        self._running()
        management = self._identities.management_account_id
        return [a for a, _ in self._parents() if a != management]

    @property
    def organization_id(self) -> str | None:
        """The organization's id, or None for a sandbox without an organization."""
        self._running()
        return self._organization_id

    @property
    def root_id(self) -> str | None:
        """The id of the organization's root, or None without an organization."""
        self._running()
        return self._root_id

    @property
    def ou_ids(self) -> dict[str, str]:
        """The OUs the sandbox created under the root: name -> OU id (a copy)."""
        self._running()
        return dict(self._ou_ids)

    @property
    def ou_members(self) -> dict[str, list[str]]:
        """The member accounts in each OU the sandbox created: name -> account ids (now)."""
        self._running()
        parents = self._parents()
        return {
            name: [a for a, parent in parents if parent == ou_id]
            for name, ou_id in self._ou_ids.items()
        }

    # -- recorders -----------------------------------------------------------------------------

    def add_recorder(self, account_id: str, region: str | None = None) -> None:
        """Give ``account_id`` a configuration recorder in ``region`` (None: sandbox regions).

        An account that joined without one and is still within AWS Config's 7-hour retry
        window gets its packs and rules from now on.

        Example::

            new = sb.add_account(recorder=False)   # packs and rules wait for a recorder
            sb.clock.advance(3 * 3600)
            sb.add_recorder(new)                   # ... and deploy now
        """
        self._running()
        for name in (region,) if region else self._regions:
            _moto.add_recorder(account_id, name)
        self._backend.recorders_changed()

    def remove_recorder(self, account_id: str, region: str | None = None) -> None:
        """Delete ``account_id``'s configuration recorders in ``region`` (None: sandbox regions).

        Deployments started afterwards fail in that account with
        ``NoAvailableConfigurationRecorderException``.
        """
        self._running()
        for name in (region,) if region else self._regions:
            _moto.remove_recorders(account_id, name)

    # -- changing the organization ---------------------------------------------------------------

    def add_account(
        self, name: str | None = None, *, ou: str | None = None, recorder: bool = True
    ) -> str:
        """Create a member account in the running organization; return its id.

        The account joins now (``CreateAccount``, as a test's own call would): every
        organization pack and rule of every owner deploys to it, unless it excludes it, and
        their aggregate status goes back to ``*_IN_PROGRESS`` until it is done. ``ou`` is the
        name of an OU the sandbox created, or an OU or root id (None: the root). With
        ``recorder=False`` the account has no configuration recorder: AWS Config retries it
        for 7 hours, and it fails (``NoAvailableConfigurationRecorderException``) unless
        :meth:`add_recorder` gives it one in time.

        Example::

            account = sb.add_account(ou="Security")
            sb.clock.advance(120)   # every pack and rule is now deployed there too
        """
        organizations = self.client("organizations")
        label = name or f"member-{len(self._parents()):03d}"
        # The new id depends on the sandbox's seed and how many accounts exist, not on how many
        # random draws moto made before (request ids vary with threads and retries).
        _moto.seed(zlib.crc32(f"{self._seed}|add_account|{len(self._parents())}".encode()))
        created = organizations.create_account(AccountName=label, Email=f"{label}@example.com")
        account_id: str = created["CreateAccountStatus"]["AccountId"]
        if ou is not None:
            self.move_account(account_id, ou)
        if recorder:
            self.add_recorder(account_id)
        return account_id

    def move_account(self, account_id: str, ou: str) -> None:
        """Move ``account_id`` to ``ou`` (an OU name of :attr:`ou_ids`, an OU id or the root id).

        Organization packs and rules target the whole organization, so a move changes no
        deployment.

        Example::

            sb.move_account(sb.member_account_ids[0], "Security")
        """
        destination = self._ou_ids.get(ou, ou)
        source = dict(self._parents()).get(account_id)
        if source is None:
            raise ValueError(f"{account_id} is not an account of the sandbox's organization")
        self.client("organizations").move_account(
            AccountId=account_id, SourceParentId=source, DestinationParentId=destination
        )

    def remove_account(self, account_id: str) -> None:
        """Remove ``account_id`` from the organization (``RemoveAccountFromOrganization``).

        The account loses its organization packs and rules, and drops out of their detailed
        status, now.

        Example::

            sb.remove_account(sb.member_account_ids[-1])
        """
        self.client("organizations").remove_account_from_organization(AccountId=account_id)

    def suspend_account(self, account_id: str) -> None:
        """Close ``account_id`` through Organizations: it becomes SUSPENDED.

        It stays in the organization; deployments (puts and deletes) started afterwards fail
        there, so a delete ends ``DELETE_FAILED``.

        Example::

            sb.suspend_account(sb.member_account_ids[0])
        """
        self.client("organizations").close_account(AccountId=account_id)

    def _changed(self, service: str, operation: str) -> None:
        """Tell the simulated service about a call that may have changed the organization."""
        if service == "organizations" and operation in ORGANIZATION_CHANGES:
            self._backend.organization_changed()
        elif service == "config" and operation in RECORDER_CHANGES:
            self._backend.recorders_changed()


def recorder_accounts(
    members: Sequence[str], management: str, *, management_recorder: bool, recorders: Any
) -> list[str]:
    """Return the accounts that start with a recorder (see ``sandbox(recorders=...)``)."""
    wanted: list[str] = [management] if management_recorder else []
    if recorders is True:
        wanted.extend(members)
    elif recorders is not False:
        wanted.extend(members[item] if isinstance(item, int) else item for item in recorders)
    return wanted
