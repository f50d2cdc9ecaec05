"""Preflight: every prerequisite checked, ok / problem / unknown; enable_prerequisites."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from orgconfig import AccessDeniedError, Organization, OrganizationNotReadyError, ValidationError
from orgconfig.buckets import apply_bucket_policy, ensure_bucket, template_bucket_policy
from orgconfig.directory import CONFIG_MULTIACCOUNT_SETUP, CONFIG_SERVICE
from orgconfig.preflight import (
    Check,
    PreflightReport,
    QuotaLimits,
    enable_prerequisites,
    run_preflight,
)
from orgconfig.targets import Targets
from orgconfig.testing import Sandbox, sandbox

REGIONS = ("us-east-1", "eu-west-1")
RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """Three members with recorders in two regions; trusted access not yet enabled."""
    with sandbox(accounts=3, regions=REGIONS, read_lag=0.0) as box:
        yield box


@pytest.fixture
def org(sb: Sandbox) -> Organization:
    """The management account's Organization."""
    return Organization.connect(sb.session, "us-east-1")


@pytest.fixture
def ready(sb: Sandbox, org: Organization) -> Organization:
    """The management account's Organization, with the prerequisites enabled."""
    enable_prerequisites(org, sb.member_account_ids[0])
    return org


def statuses(report: PreflightReport) -> dict[str, str]:
    """Check name -> status."""
    return {check.name: check.status for check in report.checks}


# -- the whole report --------------------------------------------------------------------------


def test_a_ready_organization_passes_every_check(ready: Organization) -> None:
    """With the prerequisites enabled and recorders everywhere, every check is ok."""
    report = run_preflight(ready, regions=REGIONS)
    assert report.ok, report.summary()
    assert (report.problems, report.unknown) == ((), ())
    assert report.regions == REGIONS
    assert list(statuses(report)) == [
        "all_features",
        "trusted_access",
        "caller_may_deploy",
        "list_delegated_administrators",
        "suspended_accounts",
        "configuration_recorders",
        "conformance_pack_quota",
        "config_rule_quota",
    ]
    assert all(check.remedy is None for check in report.checks)
    assert report.summary().splitlines()[0] == "preflight in us-east-1, eu-west-1: ok"


def test_the_report_is_plain_data(org: Organization) -> None:
    """to_dict() gives JSON-ready data with every check, status and remedy."""
    report = run_preflight(org)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False
    assert [c["name"] for c in data["checks"]] == [c.name for c in report.checks]
    assert data["checks"][1]["status"] == "problem"
    assert "enable-aws-service-access" in data["checks"][1]["remedy"]


def test_preflight_changes_nothing(sb: Sandbox, org: Organization) -> None:
    """Preflight only reads: no Enable, Register or Put call is made."""
    sb.api_calls.clear()
    run_preflight(org, regions=REGIONS)
    writes = [
        op for op in sb.api_calls if op.split(":")[-1].startswith(("Enable", "Register", "Put"))
    ]
    assert writes == []


# -- each check, ok and failing ----------------------------------------------------------------


def test_all_features_missing_is_a_problem() -> None:
    """A consolidated-billing organization fails all_features, with the steps to enable them."""
    with sandbox(accounts=1, feature_set="CONSOLIDATED_BILLING") as box:
        org = Organization.connect(box.session, "us-east-1")
        check = run_preflight(org)["all_features"]
        assert check.status == "problem"
        assert "CONSOLIDATED_BILLING" in check.detail
        assert check.remedy is not None
        assert "aws organizations enable-all-features" in check.remedy
        assert "accept-handshake" in check.remedy


def test_trusted_access_off_then_on(sb: Sandbox, org: Organization) -> None:
    """Trusted access is a problem until enabled, then ok."""
    check = run_preflight(org)["trusted_access"]
    assert check.status == "problem"
    assert check.remedy is not None
    assert f"--service-principal {CONFIG_MULTIACCOUNT_SETUP}" in check.remedy
    sb.client("organizations").enable_aws_service_access(ServicePrincipal=CONFIG_MULTIACCOUNT_SETUP)
    check = run_preflight(org)["trusted_access"]
    assert check.status == "ok"
    assert "needed only for organization aggregators" in check.detail


def test_a_delegated_admin_may_deploy_and_list(sb: Sandbox, ready: Organization) -> None:
    """A registered delegated administrator may deploy and list delegated administrators."""
    admin = Organization.connect(sb.session_for(sb.member_account_ids[0]), "us-east-1")
    report = run_preflight(admin)
    assert report["caller_may_deploy"].status == "ok"
    assert "delegated administrator" in report["caller_may_deploy"].detail
    assert report["list_delegated_administrators"].status == "ok"


def test_a_caller_that_is_neither_is_a_problem(sb: Sandbox, ready: Organization) -> None:
    """A member registered for another service only may not deploy: the remedy registers it."""
    member = sb.member_account_ids[1]
    sb.client("organizations").register_delegated_administrator(
        AccountId=member, ServicePrincipal="guardduty.amazonaws.com"
    )
    report = run_preflight(Organization.connect(sb.session_for(member), "us-east-1"))
    check = report["caller_may_deploy"]
    assert check.status == "problem"
    assert check.remedy is not None
    assert f"register-delegated-administrator --account-id {member}" in check.remedy
    # a delegated administrator of any service may list them (AWS)
    assert report["list_delegated_administrators"].status == "ok"


def test_a_caller_that_may_not_list_admins(sb: Sandbox, ready: Organization) -> None:
    """A member refused ListDelegatedAdministrators gets the IAM remedy."""
    report = run_preflight(
        Organization.connect(sb.session_for(sb.member_account_ids[2]), "us-east-1")
    )
    check = report["list_delegated_administrators"]
    assert check.status == "problem"
    assert check.remedy is not None
    assert "organizations:ListDelegatedAdministrators" in check.remedy


def test_a_config_only_delegated_admin_is_a_problem(sb: Sandbox, ready: Organization) -> None:
    """A delegated administrator for config.amazonaws.com alone is told it may not deploy."""
    member = sb.member_account_ids[1]
    sb.client("organizations").register_delegated_administrator(
        AccountId=member, ServicePrincipal=CONFIG_SERVICE
    )
    check = run_preflight(Organization.connect(sb.session_for(member), "us-east-1"))[
        "caller_may_deploy"
    ]
    assert check.status == "problem"
    assert "aggregators" in check.detail


def test_a_plain_member_is_unknown_not_guessed(sb: Sandbox, ready: Organization) -> None:
    """A member that may not read its delegations is unknown, never assumed to be a member."""
    member = sb.member_account_ids[2]
    report = run_preflight(Organization.connect(sb.session_for(member), "us-east-1"))
    assert report["caller_may_deploy"].status == "unknown"
    assert "AccessDeniedException" in report["caller_may_deploy"].detail
    assert report["trusted_access"].status == "unknown"
    assert not report.ok


def test_the_remedy_says_when_three_admins_are_registered(sb: Sandbox, ready: Organization) -> None:
    """With 3 delegated administrators already, the remedy says to deregister one first."""
    for account_id in sb.member_account_ids[1:]:
        sb.as_delegated_admin(account_id)
    outsider = sb.add_account("late")
    sb.client("organizations").register_delegated_administrator(
        AccountId=outsider, ServicePrincipal="guardduty.amazonaws.com"
    )
    check = run_preflight(Organization.connect(sb.session_for(outsider), "us-east-1"))[
        "caller_may_deploy"
    ]
    assert check.status == "problem"
    assert check.remedy is not None
    assert "deregister-delegated-administrator" in check.remedy


def test_members_without_recorders_in_one_region(sb: Sandbox, ready: Organization) -> None:
    """A member without a recorder in eu-west-1 is named, for that region only."""
    member = sb.member_account_ids[1]
    sb.remove_recorder(member, "eu-west-1")
    check = run_preflight(ready, regions=REGIONS)["configuration_recorders"]
    assert check.status == "problem"
    assert check.accounts == (member,)
    assert dict(check.by_region) == {"eu-west-1": (member,)}
    assert "member-001" in check.detail
    assert check.remedy is not None
    assert "put-configuration-recorder" in check.remedy
    home = run_preflight(ready, regions=["us-east-1"])["configuration_recorders"]
    assert home.status == "ok"


def test_targets_leave_out_an_account_without_a_recorder(sb: Sandbox, ready: Organization) -> None:
    """Only targeted accounts are read: excluding the one without a recorder makes it ok."""
    member = sb.member_account_ids[1]
    sb.remove_recorder(member)
    targets = Targets(exclude_accounts=[member])
    assert run_preflight(ready, targets, REGIONS)["configuration_recorders"].ok


def test_recorders_are_unknown_when_the_role_cannot_be_assumed(sb: Sandbox) -> None:
    """A member role that does not exist makes the recorder check unknown, naming the accounts."""
    org = Organization.connect(sb.session, "us-east-1", member_role="NoSuchRole")
    enable_prerequisites(org)
    check = run_preflight(org)["configuration_recorders"]
    assert check.status == "unknown"
    assert check.unknown_accounts == tuple(sorted(sb.member_account_ids))
    assert check.accounts == ()
    assert "AccessDenied" in check.detail
    assert check.remedy is not None
    assert "NoSuchRole" in check.remedy


def test_a_suspended_targeted_account(sb: Sandbox, ready: Organization) -> None:
    """A suspended account among the targets is a problem; excluding it makes the check ok."""
    member = sb.member_account_ids[2]
    sb.suspend_account(member)
    report = run_preflight(ready)
    check = report["suspended_accounts"]
    assert check.status == "problem"
    assert check.accounts == (member,)
    assert "SUSPENDED" in check.detail
    assert check.remedy is not None
    assert "DELETE_FAILED" in check.remedy
    assert member not in report["configuration_recorders"].unknown_accounts
    assert run_preflight(ready, Targets(exclude_accounts=[member]))["suspended_accounts"].ok


def test_a_quota_nearly_full(sb: Sandbox, ready: Organization) -> None:
    """One rule deployed against a limit of one leaves no room: a problem, with the counts."""
    sb.client("config").put_organization_config_rule(
        OrganizationConfigRuleName="r", OrganizationManagedRuleMetadata=RULE
    )
    limits = QuotaLimits(config_rules=1)
    check = run_preflight(ready, limits=limits)["config_rule_quota"]
    assert check.status == "problem"
    assert "us-east-1: 1/1" in check.detail
    assert check.remedy is not None
    assert "delete-organization-config-rule" in check.remedy
    assert run_preflight(ready, limits=QuotaLimits(config_rules=2))["config_rule_quota"].ok
    assert run_preflight(ready, limits=limits)["conformance_pack_quota"].ok


# -- buckets -----------------------------------------------------------------------------------


def test_bucket_policies_that_let_members_in(sb: Sandbox, ready: Organization) -> None:
    """Buckets set up by ensure_bucket pass, for templates and for delivery."""
    s3 = sb.client("s3")
    org_id = str(sb.organization_id)
    ensure_bucket(s3, "org-templates", "us-east-1", organization_id=org_id)
    ensure_bucket(
        s3, "awsconfigconforms-out", "us-east-1", organization_id=org_id, purpose="delivery"
    )
    report = run_preflight(
        ready, template_bucket="org-templates", delivery_buckets=["awsconfigconforms-out"]
    )
    assert report.ok, report.summary()
    assert [c.subject for c in report.checks[-2:]] == ["org-templates", "awsconfigconforms-out"]


def test_a_bucket_policy_that_locks_members_out(sb: Sandbox, ready: Organization) -> None:
    """A delivery bucket whose policy grants the wrong role is a problem; a missing one too."""
    s3 = sb.client("s3")
    s3.create_bucket(Bucket="awsconfigconforms-locked")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::awsconfigconforms-locked/*",
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": sb.organization_id},
                    "ArnLike": {
                        "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"
                    },
                },
            }
        ],
    }
    s3.put_bucket_policy(Bucket="awsconfigconforms-locked", Policy=json.dumps(policy))
    report = run_preflight(
        ready, delivery_buckets={"awsconfigconforms-locked": None, "awsconfigconforms-none": None}
    )
    locked, missing = report.checks[-2:]
    assert (locked.name, locked.status) == ("delivery_bucket", "problem")
    assert locked.remedy is not None
    assert "put-bucket-policy" in locked.remedy
    assert (missing.subject, missing.status) == ("awsconfigconforms-none", "problem")


def test_a_delegated_admin_that_may_not_read_the_template_bucket(sb: Sandbox) -> None:
    """A delegated admin using the management account's bucket without readers= is a problem."""
    management = Organization.connect(sb.session, "us-east-1", template_bucket="org-templates")
    management.ensure_template_bucket()
    admin_id = sb.member_account_ids[0]
    management.enable_prerequisites(delegated_admin=admin_id)
    admin = Organization.connect(
        sb.session_for(admin_id), "us-east-1", template_bucket="org-templates"
    )
    check = admin.preflight()["template_bucket"]
    assert (check.status, check.subject) == ("problem", "org-templates")
    assert f"No statement of the bucket policy allows the caller {admin_id} s3:GetObject" in (
        check.detail
    )
    assert f"{admin_id} does not own the bucket" in check.detail
    assert "InsufficientPermissionsException" in check.detail
    assert check.remedy is not None
    assert f"readers=[{admin_id!r}]" in check.remedy
    assert "orgconfig.buckets.template_bucket_policy('org-templates'" in check.remedy
    assert management.preflight()["template_bucket"].ok  # the owner reads through IAM
    policy = template_bucket_policy(
        "org-templates", organization_id=str(sb.organization_id), readers=[admin_id]
    )
    apply_bucket_policy(sb.client("s3"), "org-templates", policy)
    assert admin.preflight()["template_bucket"].ok


def test_a_deny_keeps_even_the_owner_from_the_templates(sb: Sandbox, ready: Organization) -> None:
    """An explicit Deny of the caller's s3:GetObject is a problem, for the owner too."""
    s3 = sb.client("s3")
    ensure_bucket(s3, "org-templates", "us-east-1", organization_id=str(sb.organization_id))
    deny = {
        "Sid": "NoReads",
        "Effect": "Deny",
        "Principal": {"AWS": sb.management_account_id},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::org-templates/*",
    }
    apply_bucket_policy(s3, "org-templates", {"Statement": [deny]})
    check = run_preflight(ready, template_bucket="org-templates")["template_bucket"]
    assert check.status == "problem"
    assert "statement 'NoReads' of the bucket policy denies the caller " in check.detail


# -- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"regions": "us-east-1"}, "regions"),
        ({"regions": ["mars-1"]}, "regions"),
        ({"regions": []}, "regions"),
        ({"targets": ["ou-x"]}, "targets"),
        ({"template_bucket": "Not A Bucket"}, "template_bucket"),
        ({"delivery_buckets": "awsconfigconforms-x"}, "delivery_buckets"),
        ({"limits": 5}, "limits"),
        ({"max_workers": 0}, "max_workers"),
    ],
)
def test_bad_arguments_raise_before_any_call(
    sb: Sandbox, org: Organization, kwargs: dict[str, Any], field: str
) -> None:
    """Each bad argument raises a ValidationError naming it, and nothing is called."""
    sb.api_calls.clear()
    with pytest.raises(ValidationError) as caught:
        run_preflight(org, **kwargs)
    assert caught.value.field == field
    assert sum(sb.api_calls.values()) == 0


# -- enable_prerequisites ----------------------------------------------------------------------


def test_enable_prerequisites_twice_changes_nothing_the_second_time(
    sb: Sandbox, org: Organization
) -> None:
    """The first run enables and registers, and says so; the second does nothing."""
    admin = sb.member_account_ids[0]
    actions = enable_prerequisites(org, admin)
    assert actions == [
        f"enabled trusted access for {CONFIG_MULTIACCOUNT_SETUP}",
        f"enabled trusted access for {CONFIG_SERVICE}",
        f"registered {admin} (member-000) as a delegated administrator for "
        f"{CONFIG_MULTIACCOUNT_SETUP}",
        f"registered {admin} (member-000) as a delegated administrator for {CONFIG_SERVICE}",
    ]
    sb.api_calls.clear()
    assert enable_prerequisites(org, admin) == []
    assert not [op for op in sb.api_calls if op.split(":")[-1].startswith(("Enable", "Register"))]
    caller = Organization.connect(sb.session_for(admin), "us-east-1").caller()
    assert caller.delegated_services == frozenset({CONFIG_MULTIACCOUNT_SETUP, CONFIG_SERVICE})


def test_enable_prerequisites_refuses_a_member(sb: Sandbox, ready: Organization) -> None:
    """From a delegated administrator, a typed error says to run from the management account."""
    admin = Organization.connect(sb.session_for(sb.member_account_ids[0]), "us-east-1")
    with pytest.raises(AccessDeniedError, match="management account"):
        enable_prerequisites(admin)


def test_enable_prerequisites_reports_missing_features() -> None:
    """Without all features nothing is changed: the error gives the steps to enable them."""
    with sandbox(accounts=1, feature_set="CONSOLIDATED_BILLING") as box:
        org = Organization.connect(box.session, "us-east-1")
        with pytest.raises(OrganizationNotReadyError, match="enable-all-features"):
            enable_prerequisites(org)
        services = box.client("organizations").list_aws_service_access_for_organization()
        assert services["EnabledServicePrincipals"] == []


@pytest.mark.parametrize("account", ["12345", "management"])
def test_enable_prerequisites_checks_the_delegated_admin(
    sb: Sandbox, org: Organization, account: str
) -> None:
    """A malformed id or the management account is refused for delegated_admin."""
    if account == "management":
        account = sb.management_account_id
    with pytest.raises(ValidationError) as caught:
        enable_prerequisites(org, account)
    assert caught.value.field == "delegated_admin"


@pytest.mark.parametrize("account", ["000000000000", "999999999999"])
def test_enable_prerequisites_names_delegated_admin_for_an_unknown_account(
    sb: Sandbox, org: Organization, account: str
) -> None:
    """An account not in the organization is refused for delegated_admin, as documented."""
    with pytest.raises(ValidationError) as caught:
        org.enable_prerequisites(delegated_admin=account)
    assert caught.value.field == "delegated_admin"
    assert str(caught.value).startswith(f"delegated_admin: '{account}' is not an account of")


def test_enable_prerequisites_refuses_a_fourth_admin(sb: Sandbox, org: Organization) -> None:
    """With 3 delegated administrators, a fourth is refused before anything changes."""
    for account_id in sb.member_account_ids:
        sb.as_delegated_admin(account_id)
    fourth = sb.add_account("fourth")
    with pytest.raises(ValidationError, match="deregister") as caught:
        enable_prerequisites(org, fourth)
    assert caught.value.field == "delegated_admin"


def test_check_is_a_value() -> None:
    """A Check is frozen, compared by value, and refuses an unknown status."""
    check = Check("x", "X", "ok", "fine")
    assert check == Check("x", "X", "ok", "fine")
    assert check.ok
    with pytest.raises(ValueError, match="status"):
        Check("x", "X", "maybe", "?")  # type: ignore[arg-type]  # an unknown status on purpose


def test_the_prerequisites_guide_runs_as_written() -> None:
    """Each block of docs/prerequisites.md runs on its own, as written, in a fitting org."""
    from tests.test_docs import python_blocks, run_blocks

    blocks = [b for b in python_blocks("prerequisites.md") if "with sandbox(" not in b]
    assert len(blocks) == 3  # the sandbox's own block runs in tests/test_docs.py
    with sandbox(accounts=2, regions=REGIONS, ous={"Workloads": 1}) as box:
        box.client("s3").create_bucket(Bucket="my-org-templates")
        admin = box.member_account_ids[0]  # the documented account id stands for this one
        found: dict[str, object] = {}
        for block in blocks:
            namespace: dict[str, object] = {"print": lambda *a, **k: None}
            run_blocks([block.replace("111122223333", admin)], namespace)
            found.update(namespace)
        assert isinstance(found["report"], PreflightReport)
        assert Organization.connect(box.session_for(admin), "us-east-1").caller().may_deploy
        policy = box.client("s3").get_bucket_policy(Bucket="my-org-templates")["Policy"]
        assert f"arn:aws:iam::{admin}:root" in policy
