"""The botocore seam: wire format, pass-through to moto, faults and retries, request counting."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.handlers import BUILTIN_HANDLERS
from moto import mock_aws
from moto.core.models import botocore_stubber

from orgconfig.testing import Sandbox, _seam, sandbox
from orgconfig.testing._seam import Faults

RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}


def config_client(sb: Sandbox, *, mode: str = "standard", attempts: int = 5) -> Any:
    """A plain boto3 config client of the management account with an explicit retry policy."""
    retries: Any = {"mode": mode, "total_max_attempts": attempts}
    return sb.session.client("config", config=Config(retries=retries))


def request(target: str, body: bytes | str | None, authorization: str = "") -> AWSPreparedRequest:
    """A prepared request as botocore hands it to before-send handlers."""
    headers = {"X-Amz-Target": target.encode(), "Authorization": authorization.encode()}
    return AWSPreparedRequest(
        method="POST",
        url="https://config.us-east-1.amazonaws.com/",
        headers=headers,  # type: ignore[arg-type]  # a plain dict serves as the headers here
        body=body,
        stream_output=False,
    )


# -- wiring ---------------------------------------------------------------------------------


def test_install_is_idempotent_and_runs_before_moto() -> None:
    """The handler is registered once per event, ahead of moto's stubber."""
    _seam.install()
    _seam.install()
    names = [entry[0] for entry in BUILTIN_HANDLERS if entry[1] is _seam._before_send]
    assert names == [
        _seam.EVENT_NAME,
        _seam.ORGANIZATIONS_EVENT_NAME,
        *_seam.COUNTED_EVENT_NAMES,
    ]
    stubber = next(i for i, e in enumerate(BUILTIN_HANDLERS) if e[1] is botocore_stubber)
    ours = [i for i, e in enumerate(BUILTIN_HANDLERS) if e[1] is _seam._before_send]
    assert all(i < stubber for i in ours)


def test_handler_passes_when_no_sandbox_is_active() -> None:
    """With no sandbox running, the handler lets every request go to moto."""
    assert _seam.active() is None
    req = request("StarlingDoveService.DescribeOrganizationConfigRules", b"{}")
    assert _seam._before_send(req) is None


def test_outside_a_sandbox_moto_answers() -> None:
    """Under plain mock_aws the organization calls reach moto (which completes packs at once)."""
    with mock_aws():
        config = boto3.client("config", region_name="us-east-1")
        config.put_organization_conformance_pack(
            OrganizationConformancePackName="p", TemplateS3Uri="s3://bucket/key"
        )
        statuses = config.describe_organization_conformance_pack_statuses(
            OrganizationConformancePackNames=["p"]
        )["OrganizationConformancePackStatuses"]
    assert statuses[0]["Status"] == "CREATE_SUCCESSFUL"


def test_only_one_responder_at_a_time() -> None:
    """Activating a second responder while one is active is an error."""

    class Silent:
        def answer(self, request: AWSPreparedRequest, event_name: str = "") -> None:
            return None

        def after_call(self, service: str, operation: str) -> None:
            return None

    first, second = Silent(), Silent()
    _seam.activate(first)
    try:
        with pytest.raises(RuntimeError, match="sandboxes cannot be nested"):
            _seam.activate(second)
        _seam.deactivate(second)  # not the active one: nothing happens
        assert _seam.active() is first
    finally:
        _seam.deactivate(first)
    assert _seam.active() is None


def test_sandboxes_do_not_nest(org_sandbox: Sandbox) -> None:
    """Starting a sandbox inside another is refused and leaves the first one working."""
    with pytest.raises(RuntimeError, match="sandboxes cannot be nested"), sandbox(accounts=1):
        pass
    assert (
        org_sandbox.client("config").describe_organization_config_rules()["OrganizationConfigRules"]
        == []
    )


# -- requests that are not ours ----------------------------------------------------------------


def test_other_config_operations_reach_moto(org_sandbox: Sandbox) -> None:
    """Calls the sandbox does not serve (recorders) are answered by moto and not counted."""
    member = org_sandbox.member_account_ids[0]
    recorders = org_sandbox.client("config", account_id=member).describe_configuration_recorders()
    assert [r["name"] for r in recorders["ConfigurationRecorders"]] == ["default"]
    assert org_sandbox.api_calls == {}


def test_request_bodies_that_are_not_json_objects_pass() -> None:
    """A body that is not a JSON object, or a stream, is not one of our requests."""
    assert _seam.Seam._params(request("StarlingDoveService.X", b"not json")) is None
    assert _seam.Seam._params(request("StarlingDoveService.X", b"[1, 2]")) is None
    assert _seam.Seam._params(request("StarlingDoveService.X", b"")) == {}
    streamed = request("StarlingDoveService.X", None)
    streamed.body = iter([b"{}"])  # type: ignore[assignment]  # a streaming body
    assert _seam.Seam._params(streamed) is None


def test_tagging_other_arns_reaches_moto(org_sandbox: Sandbox) -> None:
    """Tagging calls on ARNs that are not organization packs or rules are moto's business."""
    config = org_sandbox.client("config")
    arn = f"arn:aws:config:us-east-1:{org_sandbox.management_account_id}:config-rule/x"
    with pytest.raises(ClientError) as caught:
        config.list_tags_for_resource(ResourceArn=arn)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["Error"]["Message"] == f"ResourceArn '{arn}' does not exist"
    assert org_sandbox.api_calls["ListTagsForResource"] == 0


def test_invalid_tagging_requests_are_refused_before_moto(org_sandbox: Sandbox) -> None:
    """A tagging request that breaks the model is refused as AWS would, whatever the ARN."""
    config = org_sandbox.session.client("config", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        config.list_tags_for_resource(ResourceArn="")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "Member must have length greater than or equal to 1" in error["Message"]
    assert org_sandbox.api_calls["ListTagsForResource"] == 1


# -- the wire --------------------------------------------------------------------------------


def test_answers_are_json_with_a_request_id(org_sandbox: Sandbox) -> None:
    """Answers carry the JSON 1.1 content type and an x-amzn-RequestId that botocore reads."""
    response = org_sandbox.client("config").describe_organization_conformance_packs()
    meta = response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200
    assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"]
    assert len(meta["RequestId"]) == 36


def test_request_ids_are_seeded() -> None:
    """The same seed gives the same request ids, call after call."""

    def ids(seed: int) -> list[str]:
        with sandbox(accounts=1, seed=seed) as sb:
            config = sb.client("config")
            return [
                config.describe_organization_config_rules()["ResponseMetadata"]["RequestId"]
                for _ in range(3)
            ]

    assert ids(3) == ids(3)
    assert ids(3) != ids(4)


def test_errors_are_client_errors_with_the_modeled_class(org_sandbox: Sandbox) -> None:
    """An error answer becomes botocore's modeled exception, with code, message and status."""
    config = org_sandbox.client("config")
    with pytest.raises(config.exceptions.NoSuchOrganizationConfigRuleException) as caught:
        config.delete_organization_config_rule(OrganizationConfigRuleName="missing")
    response = caught.value.response
    assert response["Error"]["Code"] == "NoSuchOrganizationConfigRuleException"
    assert response["Error"]["Message"].startswith("One or more organization Config rules")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unsigned_requests_are_refused(org_sandbox: Sandbox) -> None:
    """A request without credentials gets MissingAuthenticationTokenException."""
    config = boto3.client("config", config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as caught:
        config.describe_organization_config_rules()
    error = caught.value.response["Error"]
    assert error["Code"] == "MissingAuthenticationTokenException"
    assert error["Message"] == "Missing Authentication Token"


def test_the_region_comes_from_the_signature(org_sandbox: Sandbox) -> None:
    """A rule put in eu-west-1 is seen there and not in us-east-1."""
    org_sandbox.client("config", region="eu-west-1").put_organization_config_rule(
        OrganizationConfigRuleName="r", OrganizationManagedRuleMetadata=RULE
    )
    eu = org_sandbox.client("config", region="eu-west-1").describe_organization_config_rules()
    us = org_sandbox.client("config", region="us-east-1").describe_organization_config_rules()
    assert [r["OrganizationConfigRuleName"] for r in eu["OrganizationConfigRules"]] == ["r"]
    assert us["OrganizationConfigRules"] == []


# -- counting --------------------------------------------------------------------------------


def test_api_calls_counts_every_request_per_operation(org_sandbox: Sandbox) -> None:
    """Each request is counted once under its operation name, failed ones included."""
    config = org_sandbox.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="r", OrganizationManagedRuleMetadata=RULE
    )
    config.describe_organization_config_rules()
    config.describe_organization_config_rules()
    with pytest.raises(ClientError):
        config.get_organization_config_rule_detailed_status(OrganizationConfigRuleName="nope")
    assert org_sandbox.api_calls == {
        "PutOrganizationConfigRule": 1,
        "DescribeOrganizationConfigRules": 2,
        "GetOrganizationConfigRuleDetailedStatus": 1,
    }


# -- faults ----------------------------------------------------------------------------------


def test_throttling_is_retried_by_botocore_and_counted(org_sandbox: Sandbox) -> None:
    """With half the requests throttled, standard retries succeed and every attempt counts."""
    org_sandbox.faults(throttle_rate=0.5)
    config = config_client(org_sandbox, attempts=20)
    retries = sum(
        config.describe_organization_config_rules()["ResponseMetadata"]["RetryAttempts"]
        for _ in range(20)
    )
    assert retries > 0
    assert org_sandbox.api_calls["DescribeOrganizationConfigRules"] == 20 + retries
    assert org_sandbox.clock.monotonic() > 0  # botocore's back-off slept on the virtual clock


def test_throttling_surfaces_when_retries_are_exhausted(org_sandbox: Sandbox) -> None:
    """With every request throttled, the ClientError is ThrottlingException after each attempt."""
    org_sandbox.faults(throttle_rate=1.0)
    with pytest.raises(ClientError) as caught:
        config_client(org_sandbox, attempts=3).describe_organization_config_rules()
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ThrottlingException", "Rate exceeded")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert org_sandbox.api_calls["DescribeOrganizationConfigRules"] == 3


def test_one_attempt_gives_throttling_at_once(org_sandbox: Sandbox) -> None:
    """With max_attempts=1 the first throttled answer is the ClientError."""
    org_sandbox.faults(throttle_rate=1.0)
    with pytest.raises(ClientError) as caught:
        config_client(org_sandbox, attempts=1).describe_organization_conformance_packs()
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert org_sandbox.api_calls["DescribeOrganizationConformancePacks"] == 1


def test_server_errors_are_retried_then_surface(org_sandbox: Sandbox) -> None:
    """5xx answers are InternalFailure (500) or ServiceUnavailable (503), retried by botocore."""
    org_sandbox.faults(server_error_rate=1.0)
    seen = set()
    for _ in range(6):
        with pytest.raises(ClientError) as caught:
            config_client(org_sandbox, attempts=2).describe_organization_config_rules()
        error = caught.value.response["Error"]
        seen.add((error["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert seen == {("InternalFailure", 500), ("ServiceUnavailable", 503)}
    assert org_sandbox.api_calls["DescribeOrganizationConfigRules"] == 12


def test_faults_can_be_turned_off(org_sandbox: Sandbox) -> None:
    """A later faults() call replaces the earlier settings."""
    org_sandbox.faults(throttle_rate=1.0)
    org_sandbox.faults()
    config_client(org_sandbox, attempts=1).describe_organization_config_rules()


def test_faults_are_seeded() -> None:
    """The same seed and the same calls give the same faults; another seed, others."""

    def outcomes(seed: int) -> list[str]:
        with sandbox(accounts=1, seed=seed) as sb:
            sb.faults(throttle_rate=0.3, server_error_rate=0.3)
            config = config_client(sb, attempts=1)
            results = []
            for _ in range(30):
                try:
                    config.describe_organization_config_rules()
                    results.append("ok")
                except ClientError as e:
                    results.append(e.response["Error"]["Code"])
            return results

    first = outcomes(11)
    assert first == outcomes(11)
    assert first != outcomes(12)
    assert {"ok", "ThrottlingException"} <= set(first)


def test_latency_advances_the_clock(org_sandbox: Sandbox) -> None:
    """Each request lets the configured latency pass in virtual time."""
    org_sandbox.faults(latency=2.5)
    config = org_sandbox.client("config")
    for _ in range(4):
        config.describe_organization_config_rules()
    assert org_sandbox.clock.monotonic() == 10.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"throttle_rate": 1.5}, "throttle_rate must be between 0 and 1, got 1.5"),
        ({"server_error_rate": -0.1}, "server_error_rate must be between 0 and 1, got -0.1"),
        ({"throttle_rate": 0.6, "server_error_rate": 0.6}, "cannot exceed 1"),
        ({"latency": -1.0}, "latency must be >= 0 seconds, got -1.0"),
    ],
)
def test_fault_settings_are_checked(kwargs: dict[str, float], message: str) -> None:
    """Rates outside 0..1, rates adding up past 1 and negative latency are refused."""
    settings = {"throttle_rate": 0.0, "server_error_rate": 0.0, "latency": 0.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        Faults(0).configure(**settings)


def test_no_faults_draw_nothing() -> None:
    """With all rates at zero no request is faulted."""
    faults = Faults(0)
    assert [faults.draw() for _ in range(100)] == [None] * 100


# -- organizations guard -----------------------------------------------------------------------


@pytest.mark.org_sandbox(accounts=4)
def test_a_fourth_config_admin_is_refused_by_organizations(org_sandbox: Sandbox) -> None:
    """AWS allows three delegated administrators for AWS Config; the fourth registration fails."""
    members = org_sandbox.member_account_ids
    for account_id in members[:3]:
        org_sandbox.as_delegated_admin(account_id)
    with pytest.raises(ClientError) as caught:
        org_sandbox.client("organizations").register_delegated_administrator(
            AccountId=members[3], ServicePrincipal="config-multiaccountsetup.amazonaws.com"
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "ConstraintViolationException"
    assert error["Message"] == (
        "You attempted to register more delegated administrators than allowed for the service "
        "principal."
    )


def test_other_service_principals_are_not_limited(org_sandbox: Sandbox) -> None:
    """The guard only limits AWS Config's service principal; moto handles the rest."""
    organizations = org_sandbox.client("organizations")
    for account_id in org_sandbox.member_account_ids[:3]:
        organizations.register_delegated_administrator(
            AccountId=account_id, ServicePrincipal="config-multiaccountsetup.amazonaws.com"
        )
    organizations.register_delegated_administrator(
        AccountId=org_sandbox.member_account_ids[0], ServicePrincipal="guardduty.amazonaws.com"
    )
    listed = organizations.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")
    assert [a["Id"] for a in listed["DelegatedAdministrators"]] == [
        org_sandbox.member_account_ids[0]
    ]


def test_error_bodies_read_as_aws_config_errors() -> None:
    """The error body is {"__type": code, "message": text} with the HTTP status of the error."""
    seam = _seam.Seam(
        seed=0,
        handle=lambda *a: {},
        serves=lambda op, params: "answer",
        resolve_account=lambda key: "123456789012",
        validate=lambda op, params: None,
        organizations_guard=lambda *a: None,
        on_latency=lambda s: None,
    )
    seam.faults.configure(throttle_rate=1.0, server_error_rate=0.0, latency=0.0)
    response = seam.answer(request("StarlingDoveService.DescribeOrganizationConfigRules", b"{}"))
    assert response is not None
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "__type": "ThrottlingException",
        "message": "Rate exceeded",
    }


def test_requests_without_a_known_target_pass() -> None:
    """A request whose target is neither AWS Config's nor Organizations', or not JSON, passes."""
    seam = _seam.Seam(
        seed=0,
        handle=lambda *a: {},
        serves=lambda op, params: "answer",
        resolve_account=lambda key: "123456789012",
        validate=lambda op, params: None,
        organizations_guard=lambda *a: None,
        on_latency=lambda s: None,
    )
    assert seam.answer(request("SomethingElse.Operation", b"{}")) is None
    target = "AWSOrganizationsV20161128.RegisterDelegatedAdministrator"
    assert seam.answer(request(target, b"not json")) is None
    assert seam.api_calls == {}


def test_organizations_calls_from_outside_the_organization_reach_moto(org_sandbox: Sandbox) -> None:
    """The admin limit is the management account's; other callers get moto's own answer."""
    for account_id in org_sandbox.member_account_ids:
        org_sandbox.as_delegated_admin(account_id)
    outsider = org_sandbox.client("organizations", account_id="999999999999")
    with pytest.raises(ClientError) as caught:
        outsider.register_delegated_administrator(
            AccountId="111111111111", ServicePrincipal="config-multiaccountsetup.amazonaws.com"
        )
    assert caught.value.response["Error"]["Code"] == "AccountNotFoundException"
