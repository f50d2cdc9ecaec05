"""The lost-response fault: a request the service applied whose answer the caller never gets."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from orgconfig.testing import Sandbox, sandbox

TEMPLATE = """\
Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}
"""
RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
PUT_PACK = "PutOrganizationConformancePack"


def raw_config(mode: str = "standard", attempts: int = 3) -> Any:
    """A plain boto3 config client (the default session inside the sandbox), retries explicit."""
    retries: Any = {"mode": mode, "total_max_attempts": attempts}
    return boto3.client("config", config=Config(retries=retries))


def put_pack(config: Any) -> dict[str, Any]:
    """Put the test pack."""
    result: dict[str, Any] = config.put_organization_conformance_pack(
        OrganizationConformancePackName="lost", TemplateBody=TEMPLATE
    )
    return result


@pytest.mark.parametrize("mode", ["standard", "legacy"])
def test_a_put_whose_answer_is_lost_is_retried_into_resource_in_use(
    org_sandbox: Sandbox, mode: str
) -> None:
    """botocore retries a put whose answer was lost; the retry meets the running deployment."""
    config = raw_config(mode)
    org_sandbox.lose_next_response(PUT_PACK)
    with pytest.raises(ClientError) as caught:
        put_pack(config)
    assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert org_sandbox.api_calls[PUT_PACK] == 2
    statuses = config.describe_organization_conformance_pack_statuses()
    packs = statuses["OrganizationConformancePackStatuses"]
    assert [(p["OrganizationConformancePackName"], p["Status"]) for p in packs] == [
        ("lost", "CREATE_IN_PROGRESS")
    ]


def test_the_lost_put_started_exactly_one_deployment(org_sandbox: Sandbox) -> None:
    """The lost put's deployment is the only one: it ends once, at its own time."""
    config = raw_config()
    org_sandbox.lose_next_response(PUT_PACK)
    with pytest.raises(ClientError):
        put_pack(config)
    listed = config.describe_organization_conformance_packs()["OrganizationConformancePacks"]
    assert len(listed) == 1
    started = listed[0]["LastUpdateTime"]
    assert started == org_sandbox.clock.start  # the first attempt's put, not a retry's
    org_sandbox.clock.advance(3600)
    status = config.describe_organization_conformance_pack_statuses()[
        "OrganizationConformancePackStatuses"
    ][0]
    assert status["Status"] == "CREATE_SUCCESSFUL"
    detailed = config.get_organization_conformance_pack_detailed_status(
        OrganizationConformancePackName="lost"
    )["OrganizationConformancePackDetailedStatuses"]
    assert len(detailed) == 1 + len(org_sandbox.member_account_ids)


def test_a_lost_answer_with_no_retries_surfaces_as_a_server_error(org_sandbox: Sandbox) -> None:
    """Without retries the caller sees the 5xx, and the put was applied all the same."""
    config = raw_config(attempts=1)
    org_sandbox.lose_next_response("PutOrganizationConfigRule")
    with pytest.raises(ClientError) as caught:
        config.put_organization_config_rule(
            OrganizationConfigRuleName="lost", OrganizationManagedRuleMetadata=RULE
        )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    rules = config.describe_organization_config_rules()["OrganizationConfigRules"]
    assert [r["OrganizationConfigRuleName"] for r in rules] == ["lost"]


def test_refused_requests_keep_their_answer_and_the_loss_waits(org_sandbox: Sandbox) -> None:
    """A refused request is not applied, so it does not use up a lost answer."""
    config = raw_config(attempts=1)
    org_sandbox.lose_next_response("DeleteOrganizationConformancePack")
    with pytest.raises(ClientError) as caught:
        config.delete_organization_conformance_pack(OrganizationConformancePackName="missing")
    assert caught.value.response["Error"]["Code"] == ("NoSuchOrganizationConformancePackException")
    put_pack(config)
    org_sandbox.clock.advance(3600)
    with pytest.raises(ClientError) as lost:
        config.delete_organization_conformance_pack(OrganizationConformancePackName="lost")
    assert lost.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_losses_count_per_operation_and_times(org_sandbox: Sandbox) -> None:
    """lose_next_response(op, times=2) loses the next two answers of that operation only."""
    config = raw_config(attempts=1)
    org_sandbox.lose_next_response("DescribeOrganizationConfigRules", times=2)
    assert config.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
    for _ in range(2):
        with pytest.raises(ClientError):
            config.describe_organization_config_rules()
    assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []


def test_a_lost_response_rate_is_seeded_and_applies_every_request() -> None:
    """With lost_response_rate the same seed loses the same answers; each request is applied."""

    def run() -> list[int]:
        with sandbox(accounts=1, seed=3, read_lag=0) as sb:
            sb.faults(lost_response_rate=0.5)
            config = raw_config(attempts=1)
            outcomes = []
            for index in range(12):
                try:
                    config.put_organization_config_rule(
                        OrganizationConfigRuleName=f"r{index}",
                        OrganizationManagedRuleMetadata=RULE,
                    )
                    outcomes.append(200)
                except ClientError as e:
                    outcomes.append(e.response["ResponseMetadata"]["HTTPStatusCode"])
            sb.faults()
            rules = config.describe_organization_config_rules()["OrganizationConfigRules"]
            assert len(rules) == 12
            return outcomes

    first = run()
    assert first == run()
    assert set(first) == {200, 500}


@pytest.mark.parametrize(
    ("operation", "times"), [("PutConfigRule", 1), ("PutOrganizationConfigRule", 0)]
)
def test_lose_next_response_checks_its_arguments(
    org_sandbox: Sandbox, operation: str, times: int
) -> None:
    """Only the served operations can lose answers, at least once."""
    with pytest.raises(ValueError, match=r"PutConfigRule|times"):
        org_sandbox.lose_next_response(operation, times)


def test_lost_response_rate_is_checked(org_sandbox: Sandbox) -> None:
    """A lost-response rate outside 0 to 1 is refused."""
    with pytest.raises(ValueError, match="lost_response_rate"):
        org_sandbox.faults(lost_response_rate=1.5)
