"""The boto3 seam: calls, pages and error translation, against real sandbox answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConfigParseError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
)

from orgconfig import errors
from orgconfig._aws import translate_errors
from orgconfig._aws.config import ConfigApi
from orgconfig.testing import Sandbox, sandbox


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with sandbox(accounts=2, seed=5) as sb:
        yield sb


@pytest.fixture
def api(box: Sandbox) -> ConfigApi:
    client = box.session.client(
        "config",
        region_name="us-east-1",
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )
    return ConfigApi(client, "us-east-1")


def test_validation_exception_becomes_invalid_request_error(api: ConfigApi) -> None:
    """A ValidationException from the service is an InvalidRequestError (a ValidationError)."""
    with pytest.raises(errors.InvalidRequestError) as info:
        api.call(
            "DeleteOrganizationConformancePack", {"OrganizationConformancePackName": "a" * 129}
        )
    err = info.value
    assert isinstance(err, errors.ValidationError)
    assert err.code == "ValidationException"
    assert "failed to satisfy constraint: Member must have length less than or equal to 128" in (
        err.message
    )
    assert err.operation == "DeleteOrganizationConformancePack"
    assert err.region == "us-east-1"
    assert err.request_id
    assert isinstance(err.__cause__, ClientError)


def test_invalid_limit_and_token_are_invalid_request_errors(api: ConfigApi) -> None:
    """InvalidLimitException and InvalidNextTokenException map to InvalidRequestError."""
    with pytest.raises(errors.InvalidRequestError) as limit:
        api.call("DescribeOrganizationConformancePacks", {"Limit": 101})
    assert limit.value.code == "InvalidLimitException"
    with pytest.raises(errors.InvalidRequestError) as token:
        api.call("DescribeOrganizationConfigRules", {"NextToken": "not-a-token"})
    assert token.value.code == "InvalidNextTokenException"


def test_invalid_parameter_value_for_rules(api: ConfigApi) -> None:
    """A rule put with two kinds of metadata is InvalidParameterValueException."""
    with pytest.raises(errors.InvalidRequestError) as info:
        api.call(
            "PutOrganizationConfigRule",
            {
                "OrganizationConfigRuleName": "r",
                "OrganizationManagedRuleMetadata": {"RuleIdentifier": "X"},
                "OrganizationCustomPolicyRuleMetadata": {
                    "PolicyRuntime": "guard-2.x.x",
                    "PolicyText": "rule a {}",
                },
            },
        )
    assert info.value.code == "InvalidParameterValueException"


def test_template_rejected_by_the_service_is_a_template_validation_error(api: ConfigApi) -> None:
    """A template the service rejects is a TemplateValidationError (a TemplateError too)."""
    body = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    with pytest.raises(errors.TemplateValidationError) as info:
        api.call(
            "PutOrganizationConformancePack",
            {"OrganizationConformancePackName": "p", "TemplateBody": body},
        )
    err = info.value
    assert isinstance(err, errors.TemplateError)
    assert err.field == "template"
    assert err.code == "OrganizationConformancePackTemplateValidationException"
    assert "AWS::SQS::Queue" in err.message


def test_pages_are_followed_lazily(box: Sandbox, api: ConfigApi) -> None:
    """items() walks NextToken pages one at a time."""
    for i in range(3):
        api.call(
            "PutOrganizationConfigRule",
            {
                "OrganizationConfigRuleName": f"r{i}",
                "OrganizationManagedRuleMetadata": {
                    "RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"
                },
            },
        )
    box.clock.advance(10)  # reads lag a few seconds behind puts, as in AWS
    items = api.items("DescribeOrganizationConfigRules", "OrganizationConfigRules", {"Limit": 1})
    first = next(items)
    assert first["OrganizationConfigRuleName"] == "r0"
    assert box.api_calls["DescribeOrganizationConfigRules"] == 1
    assert [i["OrganizationConfigRuleName"] for i in items] == ["r1", "r2"]
    assert box.api_calls["DescribeOrganizationConfigRules"] == 3


def test_errors_while_paging_are_translated(api: ConfigApi) -> None:
    """An error on a page is translated like any other call's."""
    pages = api.pages(
        "GetOrganizationConfigRuleDetailedStatus", {"OrganizationConfigRuleName": "missing"}
    )
    with pytest.raises(errors.NotFoundError) as info:
        next(pages)
    assert info.value.code == "NoSuchOrganizationConfigRuleException"


def test_transport_errors() -> None:
    """botocore errors without an answer become TransportError, naming operation and region."""
    with (
        pytest.raises(errors.TransportError, match=r"^Op in eu-west-1: ") as info,
        translate_errors("Op", "eu-west-1"),
    ):
        raise EndpointConnectionError(endpoint_url="https://config.eu-west-1.amazonaws.com")
    assert isinstance(info.value.__cause__, EndpointConnectionError)
    assert isinstance(info.value, errors.TRANSIENT_ERRORS)


@pytest.mark.parametrize(
    ("error", "field", "remedy"),
    [
        (NoCredentialsError(), "session", "configure credentials"),
        (PartialCredentialsError(provider="env", cred_var="AWS_SECRET"), "session", "complete"),
        (ProfileNotFound(profile="prod"), "session", "name a profile that exists"),
        (ConfigParseError(path="~/.aws/config"), "session", "fix the syntax"),
        (NoRegionError(), "region", "pass region='...'"),
        (InvalidRegionError(region_name="bad region"), "region", "use a region name"),
    ],
)
def test_setup_errors_are_configuration_errors_with_the_remedy(
    error: Exception, field: str, remedy: str
) -> None:
    """botocore's errors about the local setup become ConfigurationError saying what to do."""
    with pytest.raises(errors.ConfigurationError) as info, translate_errors("Op", "eu-west-1"):
        raise error
    assert info.value.field == field
    assert remedy in str(info.value)
    assert info.value.__cause__ is error
    assert isinstance(info.value, errors.ValidationError)


def test_botocore_parameter_validation_is_a_validation_error() -> None:
    """botocore refusing a request client-side is bad input (ValidationError), not transport."""
    with (
        pytest.raises(errors.ValidationError, match="Op: Parameter validation failed") as info,
        translate_errors("Op", "eu-west-1"),
    ):
        raise ParamValidationError(report="Unknown parameter in input: Tags")
    assert isinstance(info.value.__cause__, ParamValidationError)
    assert not isinstance(info.value, errors.TransportError)
