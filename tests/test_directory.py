"""Discovery: the organization, the caller, OUs and accounts, read lazily and cached."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from orgconfig import Organization, OrganizationNotReadyError, ValidationError
from orgconfig.directory import (
    CONFIG_MULTIACCOUNT_SETUP,
    CONFIG_SERVICE,
    Account,
    Caller,
    OrganizationInfo,
)
from orgconfig.testing import Sandbox, sandbox


def count_calls(org: Organization) -> collections.Counter[str]:
    """Count the Organizations requests ``org`` makes from now on, per operation.

    Counted on the Organization's own client, so that the sandbox's requests are left out.
    """
    calls: collections.Counter[str] = collections.Counter()

    def note(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client = org.clients.client("organizations", org.home_region)
    client.meta.events.register("before-call.organizations", note)
    return calls


@pytest.fixture
def tree() -> Iterator[Sandbox]:
    """6 members: 2 in Security, 1 in Workloads, 1 in Workloads/Prod, 2 at the root."""
    with sandbox(accounts=6, ous={"Security": 2, "Workloads": 2}) as box:
        orgs = box.client("organizations")
        created = orgs.create_organizational_unit(ParentId=box.ou_ids["Workloads"], Name="Prod")
        box.move_account(box.ou_members["Workloads"][1], created["OrganizationalUnit"]["Id"])
        yield box


@pytest.fixture
def org(tree: Sandbox) -> Organization:
    """The management account's Organization over the ``tree`` sandbox."""
    return Organization.connect(tree.session, "us-east-1")


def test_connect_reads_nothing(tree: Sandbox) -> None:
    """Connecting makes no Organizations call: discovery happens on first use."""
    org = Organization.connect(tree.session, "us-east-1")
    calls = count_calls(org)
    assert sum(calls.values()) == 0
    org.describe()
    assert calls == {"DescribeOrganization": 1}


def test_describe(org: Organization, tree: Sandbox) -> None:
    """describe() gives the organization's id, management account and feature set."""
    info = org.describe()
    assert isinstance(info, OrganizationInfo)
    assert (info.id, info.management_account_id) == (
        tree.organization_id,
        tree.management_account_id,
    )
    assert info.feature_set == "ALL"
    assert info.all_features
    assert info.arn.endswith(info.id)


def test_consolidated_billing_is_reported() -> None:
    """An organization without all features says so."""
    with sandbox(accounts=1, feature_set="CONSOLIDATED_BILLING") as box:
        info = Organization.connect(box.session, "us-east-1").describe()
        assert (info.feature_set, info.all_features) == ("CONSOLIDATED_BILLING", False)


def test_accounts_carry_their_ou_paths(org: Organization, tree: Sandbox) -> None:
    """Every account, the management one included, comes with its OU id and path."""
    by_id = {a.id: a for a in org.accounts()}
    assert set(by_id) == {tree.management_account_id, *tree.member_account_ids}
    management = by_id[tree.management_account_id]
    assert (management.ou_path, management.parent_id) == ("Root", tree.root_id)
    security = tree.ou_members["Security"]
    assert {by_id[a].ou_path for a in security} == {"Root/Security"}
    workloads, prod = tree.ou_members["Workloads"][0], tree.ou_members["Workloads"]
    assert by_id[workloads].ou_path == "Root/Workloads"
    assert [by_id[a].ou_path for a in tree.member_account_ids].count("Root/Workloads/Prod") == 1
    assert prod == [workloads]  # the other one moved to Prod
    first = by_id[tree.member_account_ids[0]]
    assert (first.name, first.email, first.status) == (
        "member-000",
        "member-000@example.com",
        "ACTIVE",
    )
    assert first.is_active
    assert first.joined_method == "CREATED"
    assert first.joined_at is not None
    assert first.tags is None  # not read unless asked


def test_nested_ous_have_paths_and_parents(org: Organization, tree: Sandbox) -> None:
    """organizational_units() walks nested OUs, parents first, with their paths."""
    units = org.organizational_units()
    assert [u.path for u in units] == ["Root/Security", "Root/Workloads", "Root/Workloads/Prod"]
    prod = units[2]
    assert (prod.name, prod.parent_id, prod.depth) == ("Prod", tree.ou_ids["Workloads"], 2)
    assert units[0].parent_id == tree.root_id
    assert prod.id.startswith("ou-")


def test_account_and_account_names(org: Organization, tree: Sandbox) -> None:
    """account(id) finds one account; account_names() maps every id to its name."""
    member = tree.member_account_ids[2]
    assert org.account(member).name == "member-002"
    names = org.account_names()
    assert names[member] == "member-002"
    assert names[tree.management_account_id] == "master"
    with pytest.raises(TypeError):
        names[member] = "x"  # type: ignore[index]  # read-only


def test_an_unknown_account_names_the_closest(org: Organization, tree: Sandbox) -> None:
    """An account id not in the organization is a ValidationError naming the closest id."""
    member = tree.member_account_ids[0]
    typo = member[:-1] + ("0" if member[-1] != "0" else "1")
    with pytest.raises(ValidationError, match=f"did you mean {member}") as info:
        org.account(typo)
    assert info.value.field == "account_id"
    with pytest.raises(ValidationError, match="12 digits"):
        org.account("12")


def test_tags_are_read_only_when_asked(org: Organization, tree: Sandbox) -> None:
    """Tags cost one call per account: read with tags=True, then cached."""
    member = tree.member_account_ids[0]
    tree.client("organizations").tag_resource(
        ResourceId=member, Tags=[{"Key": "env", "Value": "prod"}]
    )
    calls = count_calls(org)
    org.accounts()
    assert calls["ListTagsForResource"] == 0
    tagged = {a.id: a.tags for a in org.accounts(tags=True)}
    assert calls["ListTagsForResource"] == 7
    assert tagged[member] == {"env": "prod"}
    assert tagged[tree.member_account_ids[1]] == {}
    assert org.account(member, tags=True).tags == {"env": "prod"}
    assert org.account_tags(member) == {"env": "prod"}
    assert calls["ListTagsForResource"] == 7


def test_the_tree_is_cached_until_refreshed(org: Organization, tree: Sandbox) -> None:
    """The tree is walked once; refresh=True or refresh() walks it again and sees a newcomer."""
    calls = count_calls(org)
    org.accounts()
    walked = sum(calls.values())
    # ListRoots, then ListAccountsForParent and ListOrganizationalUnitsForParent for the root
    # and each of the 3 OUs.
    assert walked == 1 + 2 * 4
    org.accounts()
    org.organizational_units()
    org.account_names()
    assert sum(calls.values()) == walked
    newcomer = tree.add_account("late", ou="Security")
    assert newcomer not in org.account_names()
    assert newcomer in {a.id for a in org.accounts(refresh=True)}
    assert sum(calls.values()) == 2 * walked
    tree.add_account("later")
    org.refresh()
    assert "later" in org.account_names().values()
    assert calls["DescribeOrganization"] == 0


def test_pages_are_followed() -> None:
    """Organizations answers 20 accounts a page; every page is read."""
    with sandbox(accounts=45) as box:
        org = Organization.connect(box.session, "us-east-1")
        calls = count_calls(org)
        assert len(org.accounts()) == 46
        assert calls["ListAccountsForParent"] == 3


def test_the_management_caller(org: Organization, tree: Sandbox) -> None:
    """The management account is recognised as such, and may deploy."""
    caller = org.caller()
    assert caller == Caller(
        tree.management_account_id, tree.organization_id, tree.management_account_id
    )
    assert (caller.role, caller.is_management, caller.may_deploy) == ("management", True, True)
    assert caller.is_delegated_admin is False


def test_a_delegated_admin_caller(tree: Sandbox) -> None:
    """A delegated admin for config-multiaccountsetup may deploy, and reads the organization."""
    admin = tree.member_account_ids[0]
    session = tree.as_delegated_admin(admin)
    org = Organization.connect(session, "us-east-1")
    caller = org.caller()
    assert (caller.account_id, caller.is_management) == (admin, False)
    assert caller.delegated_services == frozenset({CONFIG_MULTIACCOUNT_SETUP})
    assert (caller.role, caller.is_delegated_admin, caller.may_deploy) == (
        "delegated_administrator",
        True,
        True,
    )
    assert len(org.accounts()) == 7


def test_a_config_only_delegated_admin_may_not_deploy(tree: Sandbox) -> None:
    """A delegated admin for config.amazonaws.com alone (aggregators) may not deploy."""
    admin = tree.member_account_ids[1]
    tree.client("organizations").register_delegated_administrator(
        AccountId=admin, ServicePrincipal=CONFIG_SERVICE
    )
    session = tree.session_for(admin)
    caller = Organization.connect(session, "us-east-1").caller()
    assert (caller.role, caller.is_config_delegated_admin, caller.may_deploy) == (
        "config_delegated_administrator",
        True,
        False,
    )


def test_a_delegated_admin_of_another_service(tree: Sandbox) -> None:
    """A member registered for another service only is a member: it may not deploy."""
    account = tree.member_account_ids[2]
    tree.client("organizations").register_delegated_administrator(
        AccountId=account, ServicePrincipal="guardduty.amazonaws.com"
    )
    session = tree.session_for(account)
    caller = Organization.connect(session, "us-east-1").caller()
    assert (caller.role, caller.delegated_services, caller.may_deploy) == (
        "member",
        frozenset({"guardduty.amazonaws.com"}),
        False,
    )


def test_a_caller_that_may_not_list_is_unknown(tree: Sandbox) -> None:
    """A member registered for nothing may not list its delegations (AWS): it is unknown."""
    session = tree.session_for(tree.member_account_ids[2])
    caller = Organization.connect(session, "us-east-1").caller()
    assert caller.delegated_services is None
    assert (caller.role, caller.is_delegated_admin, caller.may_deploy) == ("unknown", None, None)
    assert caller.unknown_reason is not None
    assert "AccessDeniedException" in caller.unknown_reason
    assert "ListDelegatedServicesForAccount" in caller.unknown_reason


def test_a_caller_outside_the_organization(tree: Sandbox) -> None:
    """An account in no organization is reported outside; reading the organization raises."""
    org = Organization.connect(tree.session_for("999999999999"), "us-east-1")
    caller = org.caller()
    assert caller == Caller("999999999999")
    assert (caller.role, caller.in_organization, caller.may_deploy) == ("outside", False, False)
    with pytest.raises(OrganizationNotReadyError):
        org.describe()
    with pytest.raises(OrganizationNotReadyError):
        org.accounts()


def test_the_caller_is_cached(org: Organization) -> None:
    """The caller is read once; refresh=True, or refresh(), reads it again."""
    calls = count_calls(org)
    org.caller()
    org.caller()
    org.describe()
    assert calls == {"DescribeOrganization": 1}
    org.caller(refresh=True)
    assert calls == {"DescribeOrganization": 2}
    org.refresh()
    org.describe()
    assert calls == {"DescribeOrganization": 3}


def test_records_validate_and_are_frozen() -> None:
    """Records refuse a malformed account id and cannot be changed."""
    with pytest.raises(ValidationError) as info:
        Account("12", "n", "e", "ACTIVE", "r-abcd", "Root")
    assert info.value.field == "id"
    account = Account("111122223333", "n", "e", "SUSPENDED", "r-abcd", "Root", tags={"a": "b"})
    assert not account.is_active
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        account.name = "x"  # type: ignore[misc]  # frozen
    with pytest.raises(TypeError):
        account.tags["a"] = "c"  # type: ignore[index]  # read-only


def test_the_delegated_admins_guide_runs() -> None:
    """The sandbox example of docs/delegated-admins.md runs as written."""
    from tests.test_docs import python_blocks, run_blocks

    blocks = [b for b in python_blocks("delegated-admins.md") if "with sandbox(" in b]
    assert len(blocks) == 1
    run_blocks(blocks, {})
