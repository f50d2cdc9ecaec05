"""org.rules end to end on the sandbox: round trips per kind, errors, waiting, Guard rules."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from orgconfig import (
    BusyPolicy,
    Organization,
    OrgConfigRule,
    RuleKind,
    Status,
    Template,
    UnknownNameWarning,
)
from orgconfig import errors as e
from orgconfig.testing import Quotas, Sandbox, sandbox
from tests.conftest import POLLING, corpus_dir

GUARD = """\
rule s3_versioning when resourceType == "AWS::S3::Bucket" {
    configuration.versioningConfiguration.status == "Enabled"
}
"""


def managed(name: str = "s3-versioning", **kwargs: object) -> OrgConfigRule:
    return OrgConfigRule.managed(name, "S3_BUCKET_VERSIONING_ENABLED", **kwargs)  # type: ignore[arg-type]  # optional fields


def all_kinds(sb: Sandbox) -> list[OrgConfigRule]:
    members = sb.member_account_ids
    return [
        OrgConfigRule.managed(
            "managed-full",
            "ACCESS_KEYS_ROTATED",
            description="Access keys are rotated",
            input_parameters={"maxAccessKeyAge": "90"},
            max_frequency="TwentyFour_Hours",
            excluded_accounts=[members[2], members[0]],  # AWS keeps no order: still equal
            tags={"team": "security"},
        ),
        OrgConfigRule.managed(
            "managed-scoped",
            "S3_BUCKET_VERSIONING_ENABLED",
            resource_types=["AWS::S3::Bucket"],
            resource_id="my-bucket",
        ),
        OrgConfigRule.managed(
            "managed-tagged", "EC2_INSTANCE_NO_PUBLIC_IP", tag_key="env", tag_value="prod"
        ),
        OrgConfigRule.custom_lambda(
            "lambda-rule",
            "arn:aws:lambda:us-east-1:111122223333:function:check-things",
            ["ConfigurationItemChangeNotification", "ScheduledNotification"],
            max_frequency="Six_Hours",
            resource_types=["AWS::EC2::Instance", "AWS::EC2::Volume"],
            input_parameters={"threshold": 3, "nested": {"a": [1, 2]}},
        ),
        OrgConfigRule.custom_policy(
            "guard-rule",
            GUARD,
            resource_types=["AWS::S3::Bucket"],
            debug_log_accounts=[members[1]],
            description="Guard: versioning",
            tags={"owner": "platform", "tier": "1"},
        ),
    ]


def test_round_trip_put_then_get_is_equal_for_every_kind(org: Organization, sb: Sandbox) -> None:
    """What get() returns equals what was put, Guard policy text and tags included."""
    rules = all_kinds(sb)
    for rule in rules:
        org.rules.put(rule).wait()
    for rule in rules:
        assert org.rules.get(rule.name) == rule
    assert sorted(r.name for r in org.rules.list()) == sorted(r.name for r in rules)
    assert org.rules.policy_text("guard-rule") == GUARD


def test_guard_policy_text_is_fetched_separately(org: Organization, sb: Sandbox) -> None:
    """Describe carries no policy text, so get() asks GetOrganizationCustomRulePolicy."""
    rule = OrgConfigRule.custom_policy("guard-only", GUARD)
    org.rules.put(rule).wait()
    before = sb.api_calls["GetOrganizationCustomRulePolicy"]
    assert org.rules.get("guard-only").policy_text == GUARD
    assert sb.api_calls["GetOrganizationCustomRulePolicy"] == before + 1


def test_verbs_status_accounts_delete(org: Organization, sb: Sandbox) -> None:
    """status, account_statuses (with filters) and delete work as for packs."""
    members = sb.member_account_ids
    sb.remove_recorder(members[2])
    result = org.rules.put(managed()).wait(raise_on_failure=False)
    assert result.status is Status.CREATE_FAILED
    assert [a.account_id for a in result.failed] == [members[2]]
    assert org.rules.status("s3-versioning").status is Status.CREATE_FAILED
    failed = list(org.rules.account_statuses("s3-versioning", status=Status.CREATE_FAILED))
    assert [a.account_id for a in failed] == [members[2]]
    assert failed[0].member_name
    mine = list(org.rules.account_statuses("s3-versioning", account_id=members[0]))
    assert [a.status for a in mine] == [Status.CREATE_SUCCESSFUL]

    sb.add_recorder(members[2])
    assert org.rules.delete("s3-versioning").wait().status is Status.DELETE_SUCCESSFUL
    sb.clock.advance(301)  # AWS shows DELETE_SUCCESSFUL for a while, then forgets the name
    with pytest.raises(e.NotFoundError) as info:
        org.rules.get("s3-versioning")
    assert info.value.code == "NoSuchOrganizationConfigRuleException"


def test_failed_rule_deployment_names_each_account(org: Organization, sb: Sandbox) -> None:
    """A rule failing in some accounts raises DeploymentFailedError naming exactly those."""
    bad = sb.member_account_ids[1:3]
    for account in bad:
        sb.fail_account(account, error_code="InsufficientPermissionsException")
    with pytest.raises(e.DeploymentFailedError) as info:
        org.rules.put(managed()).wait()
    assert sorted(a.account_id for a in info.value.failures) == sorted(bad)
    assert info.value.kind == "rule"
    assert {a.error_code for a in info.value.failures} == {"InsufficientPermissionsException"}


def test_rule_timeout_and_resume(org: Organization, sb: Sandbox) -> None:
    """A rule wait can time out, and another Organization object can resume it by name."""
    sb.set_deploy_duration(7200)
    org.rules.put(managed())
    sb.clock.advance(10)  # reads lag a few seconds behind a put, as in AWS
    with pytest.raises(e.DeploymentTimeoutError) as info:
        org.rules.deployment("s3-versioning").wait(timeout=900)
    assert info.value.kind == "rule"
    assert info.value.last_result is not None
    other = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    assert other.rules.deployment("s3-versioning").wait().status is Status.CREATE_SUCCESSFUL


def test_busy_rule(org: Organization, sb: Sandbox) -> None:
    """A delete while the rule deploys waits for it; with waiting off it raises."""
    org.rules.put(managed())
    with pytest.raises(e.ResourceInUseError):
        org.rules.delete("s3-versioning", wait_if_busy=False)
    assert org.rules.delete("s3-versioning").wait().status is Status.DELETE_SUCCESSFUL
    strict = Organization.connect(sb.session, "us-east-1", busy=BusyPolicy(wait=False))
    strict.rules.put(managed())
    with pytest.raises(e.ResourceInUseError):
        strict.rules.put(managed(description="changed"))


def test_delegated_admin_quirk_for_rules(sb: Sandbox) -> None:
    """A rule's stuck aggregate status does not hang waiting."""
    sb.faults(stuck_aggregate_status=True)
    admin = Organization.connect(
        sb.as_delegated_admin(sb.member_account_ids[0]), "us-east-1", polling=POLLING
    )
    result = admin.rules.put(managed()).wait(timeout=3600)
    assert result.status is Status.CREATE_SUCCESSFUL


def test_rule_errors_from_the_service(sb: Sandbox) -> None:
    """Access denied, not found, and the rule quota come back as their orgconfig classes."""
    member = Organization.connect(sb.session_for(sb.member_account_ids[0]), "us-east-1")
    with pytest.raises(e.AccessDeniedError):
        member.rules.put(managed())
    with pytest.raises(e.AccessDeniedError):
        member.rules.policy_text("x")
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    with pytest.raises(e.NotFoundError):
        org.rules.policy_text("missing")
    with pytest.raises(e.NotFoundError):
        org.rules.delete("missing")
    with pytest.raises(e.NotFoundError):
        org.rules.status("missing")


def test_rule_quota() -> None:
    """Past the organization rule quota, LimitExceededError."""
    with sandbox(accounts=1, quotas=Quotas(config_rules=1)) as box:
        org = Organization.connect(box.session, "us-east-1", polling=POLLING)
        org.rules.put(managed("one")).wait()
        with pytest.raises(e.LimitExceededError) as info:
            org.rules.put(managed("two"))
        assert info.value.code == "MaxNumberOfOrganizationConfigRulesExceededException"


def test_not_ready_for_rules() -> None:
    """Rules need an all-features organization too."""
    with sandbox(accounts=1, feature_set="CONSOLIDATED_BILLING") as box:
        org = Organization.connect(box.session, "us-east-1")
        with pytest.raises(e.OrganizationNotReadyError):
            org.rules.put(managed())


def _guard_templates() -> list[Path]:
    folder = corpus_dir("historical")
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        if "CUSTOM_POLICY" in path.read_text(encoding="utf-8", errors="replace"):
            found.append(path)
    return found


def test_guard_rules_from_the_corpus_deploy_and_read_back(org: Organization) -> None:
    """Each Guard rule of the historical corpus is a valid custom_policy rule that round-trips."""
    paths = _guard_templates()
    assert len(paths) == 4
    count = 0
    for path in paths:
        template = Template.from_file(path)
        for trule in template.rules:
            if trule.owner != "CUSTOM_POLICY":
                continue
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                rule = OrgConfigRule.from_template_rule(trule)
            # Historical templates name resource types botocore no longer lists: a warning each.
            assert all(issubclass(w.category, UnknownNameWarning) for w in seen)
            assert rule.kind is RuleKind.CUSTOM_POLICY
            assert rule.policy_text
            org.rules.put(rule).wait()
            assert org.rules.get(rule.name) == rule
            count += 1
    assert count >= 4


def test_a_rule_the_model_refuses_is_named_when_read(org: Organization, sb: Sandbox) -> None:
    """A rule put by another tool that OrgConfigRule cannot represent is named in the error."""
    config = sb.session.client("config", region_name="us-east-1")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="odd-guard",
        OrganizationCustomPolicyRuleMetadata={
            "PolicyRuntime": "guard-2.x.x",
            "PolicyText": GUARD,
            "MaximumExecutionFrequency": "One_Hour",
        },
    )
    sb.clock.advance(10)  # reads lag a few seconds behind a put, as in AWS
    with pytest.raises(e.ValidationError, match="rule 'odd-guard' as AWS holds it") as info:
        org.rules.get("odd-guard")
    assert info.value.field == "max_frequency"
    assert list(org.rules.names()) == ["odd-guard"]


# -- checks that catch what AWS rejects later (issue 9) ------------------------------------------


def test_the_four_late_failures_are_caught_before_any_call(sb: Sandbox, org: Organization) -> None:
    """A misspelt identifier warns; S3::Bucket, empty and broken Guard policies raise: no call."""
    from orgconfig import guard
    from orgconfig._warnings import UnknownNameWarning

    with pytest.warns(UnknownNameWarning, match="S3_BUCKET_VERSIONING_ENABLED") as seen:
        misspelt = OrgConfigRule.managed("misspelt", "S3_BUCKET_VERSIONING_ENABLE")
    assert [w.message.field for w in seen if isinstance(w.message, UnknownNameWarning)] == [
        "identifier"
    ]
    with pytest.raises(e.ValidationError) as caught:
        managed(resource_types=["S3::Bucket"])
    assert caught.value.field == "resource_types[0]"
    with pytest.raises(e.ValidationError) as caught:
        OrgConfigRule.custom_policy("empty", "")
    assert caught.value.field == "policy_text"
    if guard.available():
        with pytest.raises(guard.GuardSyntaxError) as syntax:
            OrgConfigRule.custom_policy("broken", "this is not guard {{{")
        assert (syntax.value.field, syntax.value.line, syntax.value.column) == (
            "policy_text",
            1,
            1,
        )
    assert sum(sb.api_calls.values()) == 0
    # AWS refuses an unknown identifier at the put; so does the sandbox.
    with pytest.raises(e.InvalidRequestError):
        org.rules.put(misspelt)
