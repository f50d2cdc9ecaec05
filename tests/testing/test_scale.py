"""Scale: a large organization is built in linear time and read without walking every account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto.iam import models as iam_models

from orgconfig.testing import Sandbox, _moto
from orgconfig.testing._timeline import AccountRun, Run

RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
ACCOUNTS = 300


@pytest.fixture(scope="module")
def big() -> Any:
    """A sandbox of 300 member accounts, some in OUs, one in a region with no recorders."""
    from orgconfig.testing import sandbox

    with sandbox(
        accounts=ACCOUNTS, ous={"Security": 40, "Workloads": 100}, seed=5, read_lag=0
    ) as sb:
        yield sb


def all_pages(call: Any, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item of a paginated call, with the given page size."""
    items: list[dict[str, Any]] = []
    token = None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        items.extend(page[key])
        token = page.get("NextToken")
        if not token:
            return items


def test_every_account_is_in_the_organization(big: Sandbox) -> None:
    """Organizations lists every member the sandbox created, each once, all ACTIVE."""
    orgs = big.client("organizations")
    listed = all_pages(orgs.list_accounts, "Accounts")
    ids = [a["Id"] for a in listed]
    assert len(ids) == len(set(ids)) == ACCOUNTS + 1
    assert set(big.member_account_ids) <= set(ids)
    assert {a["Status"] for a in listed} == {"ACTIVE"}


def test_accounts_are_in_their_ous(big: Sandbox) -> None:
    """Each OU holds the accounts placed in it, the rest stay at the root."""
    orgs = big.client("organizations")
    for name, ou_id in big.ou_ids.items():
        children = all_pages(orgs.list_accounts_for_parent, "Accounts", ParentId=ou_id)
        assert [a["Id"] for a in children] == big.ou_members[name]
        parents = orgs.list_parents(ChildId=big.ou_members[name][0])["Parents"]
        assert parents == [{"Id": ou_id, "Type": "ORGANIZATIONAL_UNIT"}]
    assert big.root_id is not None
    at_root = all_pages(orgs.list_accounts_for_parent, "Accounts", ParentId=big.root_id)
    assert len(at_root) == ACCOUNTS + 1 - 140


def test_members_can_assume_their_role(big: Sandbox) -> None:
    """The member role exists in every account: the last member's session acts as it."""
    session = big.session_for(big.member_account_ids[-1])
    identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == big.member_account_ids[-1]


def test_moto_resolves_keys_without_scanning_accounts(big: Sandbox) -> None:
    """While a sandbox runs, moto's key lookup is the constant-time one, and agrees with STS."""
    assert iam_models.get_account_id_from is _moto.account_of_key
    member = big.member_account_ids[123]
    credentials = big.session_for(member).get_credentials()
    assert credentials is not None
    assert _moto.account_of_key(credentials.access_key) == member
    assert _moto.account_of_key("FOOBARKEY") == big.management_account_id
    assert _moto.account_of_key("ASIA" + "Z" * 16) == big.management_account_id


def test_accounts_get_recorders(big: Sandbox) -> None:
    """Every member has a configuration recorder in the sandbox region."""
    member = big.member_account_ids[-1]
    config = big.client("config", account_id=member)
    recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert [r["name"] for r in recorders] == ["default"]


@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "CREATE_SUCCESSFUL", "CREATE_FAILED"])
def test_filtered_detailed_status_equals_filtering_every_account(big: Sandbox, status: str) -> None:
    """A status filter gives what filtering the whole listing gives, at every moment."""
    config = big.client("config")
    name = f"scale-{status.lower().replace('_', '-')}"
    big.set_deploy_duration(600)
    big.fail_account(big.member_account_ids[7], times=1)
    big.fail_account(big.member_account_ids[250], times=1)
    config.put_organization_config_rule(
        OrganizationConfigRuleName=name, OrganizationManagedRuleMetadata=RULE
    )
    call = config.get_organization_config_rule_detailed_status
    key = "OrganizationConfigRuleDetailedStatus"
    for _ in range(4):
        everything = all_pages(call, key, OrganizationConfigRuleName=name)
        assert len(everything) == ACCOUNTS + 1
        expected = [row for row in everything if row["MemberAccountRuleStatus"] == status]
        filtered = all_pages(
            call,
            key,
            OrganizationConfigRuleName=name,
            Filters={"MemberAccountRuleStatus": status},
            Limit=37,
        )
        assert filtered == expected
        big.clock.advance(200)
    big.set_deploy_duration(60)


def test_a_status_filter_of_another_action_matches_nothing(big: Sandbox) -> None:
    """Filtering a CREATE deployment on an UPDATE status gives no rows."""
    config = big.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="scale-other", OrganizationManagedRuleMetadata=RULE
    )
    rows = config.get_organization_config_rule_detailed_status(
        OrganizationConfigRuleName="scale-other",
        Filters={"MemberAccountRuleStatus": "UPDATE_IN_PROGRESS"},
    )["OrganizationConfigRuleDetailedStatus"]
    assert rows == []


def test_an_account_filter_combined_with_a_status(big: Sandbox) -> None:
    """An account filter gives that account's row, or none when its status differs."""
    config: Any = big.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="scale-account", OrganizationManagedRuleMetadata=RULE
    )
    member = big.member_account_ids[42]

    def rows(**filters: Any) -> list[str]:
        listed = config.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName="scale-account", Filters=filters
        )["OrganizationConfigRuleDetailedStatus"]
        return [row["AccountId"] for row in listed]

    assert rows(AccountId=member) == [member]
    assert rows(AccountId=member, MemberAccountRuleStatus="CREATE_IN_PROGRESS") == [member]
    assert rows(AccountId=member, MemberAccountRuleStatus="CREATE_SUCCESSFUL") == []
    assert rows(AccountId="999999999999") == []


# -- the run's index on its own ---------------------------------------------------------------


def make_run(ends: list[float], failed: set[int]) -> Run:
    """A CREATE run whose accounts end at ``ends``; the positions in ``failed`` fail."""
    accounts = [
        AccountRun(f"{i:012d}", 0.0, end, error_code="X" if i in failed else None)
        for i, end in enumerate(ends)
    ]
    return Run("CREATE", 0.0, accounts, stuck=False)


def brute_force(run: Run, now: float, status: str) -> list[int]:
    """The positions whose status is ``status``, by asking every account."""
    return [i for i, a in enumerate(run.accounts) if a.status(run.action, now) == status]


@pytest.mark.parametrize("now", [0.0, 5.0, 10.0, 10.5, 30.0, 100.0])
@pytest.mark.parametrize("state", ["IN_PROGRESS", "SUCCESSFUL", "FAILED"])
def test_the_index_agrees_with_asking_every_account(now: float, state: str) -> None:
    """Run.matching selects, in join order, exactly the accounts in a status."""
    run = make_run([30.0, 10.0, 10.0, 5.0, 20.0, 10.5, 0.0], failed={2, 4, 6})
    status = f"CREATE_{state}"
    assert list(run.matching(now, None, status)) == brute_force(run, now, status)
    assert list(run.matching(now, None, status)) == brute_force(run, now, status)  # cached


def test_the_aggregate_counts_failures_once() -> None:
    """The aggregate names the first failed account and how many failed."""
    run = make_run([1.0, 2.0, 3.0], failed={1, 2})
    status, code, message, updated = run.aggregate(5.0)
    assert (status, code, updated) == ("CREATE_FAILED", "X", 3.0)
    assert message is not None
    assert "(2 of 3 member accounts failed" in message
    assert run.matching(5.0, None, None) == range(3)


def test_an_empty_run_is_finished_at_once() -> None:
    """A run with no targeted accounts is done when it starts and selects nothing."""
    run = make_run([], failed=set())
    assert run.aggregate(0.0)[0] == "CREATE_SUCCESSFUL"
    assert list(run.matching(0.0, None, "CREATE_IN_PROGRESS")) == []


def test_sandbox_sessions_are_plain_boto3(big: Sandbox) -> None:
    """The sandbox's sessions are ordinary boto3 sessions (nothing patched on them)."""
    assert isinstance(big.session, boto3.Session)
