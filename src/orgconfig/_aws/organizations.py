"""Calls on AWS Organizations: the organization, its tree of OUs, accounts, tags, delegations.

:class:`OrganizationsApi` is the only place that calls Organizations. Every list call follows its
``NextToken`` (Organizations pages are small: 20 accounts at most), and every botocore exception
becomes an :mod:`orgconfig.errors` one through :func:`~orgconfig._aws.translate_errors`.
Organizations is a global service: the client of the home region reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from orgconfig._aws import translate_errors

if TYPE_CHECKING:
    from orgconfig._aws.clients import ClientFactory

__all__ = ["OrganizationsApi"]

_SERVICE = "organizations"


class OrganizationsApi:
    """AWS Organizations calls, made through the one client factory, with typed errors.

    Args:
        clients: the organization's client factory.
        region: the region whose client is used (Organizations answers from any of them).
    """

    def __init__(self, clients: ClientFactory, region: str) -> None:
        self.clients = clients
        self.region = region

    def _client(self) -> Any:
        return self.clients.client(_SERVICE, self.region)

    def caller_account_id(self) -> str:
        """Return the caller's account id (STS, cached by the factory)."""
        return self.clients.caller_account_id()

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call ``operation`` (its API name, e.g. ``"DescribeOrganization"``) once."""
        method = getattr(self._client(), xform_name(operation))
        with translate_errors(operation, self.region, service=_SERVICE):
            answer: dict[str, Any] = method(**params)
        return answer

    def items(self, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Yield every item under ``key`` of every page of ``operation``'s answer."""
        paginator = self._client().get_paginator(xform_name(operation))
        pages = iter(paginator.paginate(**params))
        while True:
            with translate_errors(operation, self.region, service=_SERVICE):
                page: Mapping[str, Any] | None = next(pages, None)
            if page is None:
                return
            yield from page.get(key, ())

    # -- the calls orgconfig makes -----------------------------------------------------------

    def describe_organization(self) -> dict[str, Any]:
        """Return the ``Organization`` of the caller (``AWSOrganizationsNotInUse`` outside one)."""
        organization: dict[str, Any] = self.call("DescribeOrganization")["Organization"]
        return organization

    def roots(self) -> list[dict[str, Any]]:
        """Return the organization's roots (there is one)."""
        return list(self.items("ListRoots", "Roots"))

    def child_ous(self, parent_id: str) -> list[dict[str, Any]]:
        """Return the OUs directly under ``parent_id`` (a root or an OU)."""
        return list(
            self.items(
                "ListOrganizationalUnitsForParent", "OrganizationalUnits", ParentId=parent_id
            )
        )

    def child_accounts(self, parent_id: str) -> list[dict[str, Any]]:
        """Return the accounts directly under ``parent_id``."""
        return list(self.items("ListAccountsForParent", "Accounts", ParentId=parent_id))

    def tags(self, resource_id: str) -> dict[str, str]:
        """Return the tags of an account, OU or root."""
        return {
            str(tag["Key"]): str(tag.get("Value", ""))
            for tag in self.items("ListTagsForResource", "Tags", ResourceId=resource_id)
        }

    def delegated_services(self, account_id: str) -> frozenset[str]:
        """Return the service principals ``account_id`` is a delegated administrator for."""
        return frozenset(
            str(service["ServicePrincipal"])
            for service in self.items(
                "ListDelegatedServicesForAccount", "DelegatedServices", AccountId=account_id
            )
        )

    def delegated_administrators(self, principal: str) -> frozenset[str]:
        """Return the accounts registered as delegated administrators for ``principal``."""
        return frozenset(
            str(admin["Id"])
            for admin in self.items(
                "ListDelegatedAdministrators", "DelegatedAdministrators", ServicePrincipal=principal
            )
        )
