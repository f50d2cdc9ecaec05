"""The error tree and the AWS error code registry."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from orgconfig import errors
from orgconfig.testing._constraints import ORGANIZATION_OPERATIONS as ORG_OPERATIONS


def _model_error_codes() -> set[str]:
    model = botocore.session.get_session().get_service_model("config")
    codes: set[str] = set()
    for name in ORG_OPERATIONS:
        for shape in model.operation_model(name).error_shapes:
            codes.add(shape.metadata.get("error", {}).get("code", shape.name))
    return codes


def _client_error(code: str, message: str = "boom", op: str = "PutThing") -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 400},
    }
    return ClientError(response, op)


@pytest.mark.parametrize("code", sorted(_model_error_codes()))
def test_every_modelled_code_is_registered(code: str) -> None:
    """Every error code the organization operations can return maps to a specific class."""
    assert errors.error_class_for(code, "config") is not errors.ApiError


def test_each_code_maps_to_exactly_one_class() -> None:
    """The registry refuses to register a code twice."""
    with pytest.raises(RuntimeError, match="ResourceInUseException of config is already"):
        errors.register("ResourceInUseException", service="config")(
            type("Dup", (errors.ApiError,), {})
        )


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("NoSuchOrganizationConformancePackException", errors.NotFoundError),
        ("NoSuchOrganizationConfigRuleException", errors.NotFoundError),
        ("ResourceNotFoundException", errors.NotFoundError),
        ("NoSuchKey", errors.NotFoundError),
        ("TooManyTagsException", errors.LimitExceededError),
        ("OrganizationAccessDeniedException", errors.AccessDeniedError),
        ("InsufficientPermissionsException", errors.AccessDeniedError),
        ("NoAvailableOrganizationException", errors.OrganizationNotReadyError),
        ("OrganizationAllFeaturesNotEnabledException", errors.OrganizationNotReadyError),
        ("MaxNumberOfOrganizationConformancePacksExceededException", errors.LimitExceededError),
        ("MaxNumberOfOrganizationConfigRulesExceededException", errors.LimitExceededError),
        ("ResourceInUseException", errors.ResourceInUseError),
        ("ThrottlingException", errors.ThrottlingError),
        ("InternalFailure", errors.ServiceUnavailableError),
        ("ValidationException", errors.InvalidRequestError),
        ("InvalidParameterValueException", errors.InvalidRequestError),
        ("InvalidLimitException", errors.InvalidRequestError),
        ("InvalidNextTokenException", errors.InvalidRequestError),
        (
            "OrganizationConformancePackTemplateValidationException",
            errors.TemplateValidationError,
        ),
    ],
)
def test_from_client_error_picks_the_class(code: str, cls: type[errors.ApiError]) -> None:
    """A ClientError becomes the registered class, carrying code, message, operation and ids."""
    err = errors.from_client_error(_client_error(code), region="eu-west-1")
    assert type(err) is cls
    assert err.code == code
    assert err.message == "boom"
    assert err.operation == "PutThing"
    assert err.request_id == "req-1"
    assert err.region == "eu-west-1"
    assert err.http_status == 400
    assert str(err) == f"PutThing in eu-west-1: {code}: boom"


def test_unknown_code_falls_back_to_api_error() -> None:
    """A code nobody registered gives a plain ApiError, not a crash."""
    err = errors.from_client_error(_client_error("BrandNewException"))
    assert type(err) is errors.ApiError
    assert err.code == "BrandNewException"


def test_access_denied_is_never_not_found() -> None:
    """No access-denied code is registered under NotFoundError."""
    for (_, code), cls in errors.registered_codes().items():
        if "Denied" in code or "Permission" in code:
            assert not issubclass(cls, errors.NotFoundError), code


def test_service_validation_errors_are_validation_errors_too() -> None:
    """Service-side validation is catchable as ValidationError and as ApiError."""
    err = errors.from_client_error(_client_error("ValidationException"))
    assert isinstance(err, errors.ValidationError)
    assert isinstance(err, errors.ApiError)
    assert err.field is None
    tmpl = errors.from_client_error(
        _client_error("OrganizationConformancePackTemplateValidationException")
    )
    assert isinstance(tmpl, errors.TemplateError)
    assert isinstance(tmpl, errors.ApiError)


def test_validation_error_names_its_field() -> None:
    """A local ValidationError carries the field it is about."""
    err = errors.ValidationError("too long", field="name")
    assert err.field == "name"
    assert str(err) == "too long"
    assert isinstance(err, errors.OrgConfigError)


def test_template_error_carries_location() -> None:
    """A TemplateError says where the template came from and where in it the problem is."""
    err = errors.TemplateError("bad", path="p.yaml", location="Resources.R")
    assert (err.field, err.path, err.location) == ("template", "p.yaml", "Resources.R")


def test_missing_message_uses_client_error_text() -> None:
    """An error answer without a message still gives a readable message."""
    ce = ClientError({"Error": {"Code": "ThrottlingException"}}, "DescribeThings")
    err = errors.from_client_error(ce)
    assert isinstance(err, errors.ThrottlingError)
    assert "ThrottlingException" in err.message
    assert err.request_id is None


def test_errors_survive_pickling_and_deep_copies() -> None:
    """Every error, keyword-only constructors included, round-trips through pickle and deepcopy."""
    import copy
    import pickle

    from orgconfig.deployments import DeploymentResult
    from orgconfig.models import AccountStatus, Status

    failed = AccountStatus(
        account_id="111122223333",
        status=Status.CREATE_FAILED,
        member_name="m",
        error_code="X",
        error_message="y",
    )
    result = DeploymentResult(
        name="p", kind="rule", region="us-east-1", status=Status.CREATE_FAILED, accounts=(failed,)
    )
    samples: list[errors.OrgConfigError] = [
        errors.from_client_error(_client_error("ResourceInUseException"), region="eu-west-1"),
        errors.ValidationError("bad", field="name"),
        errors.TemplateError("bad", path="p.yaml", location="Resources"),
        errors.DeploymentFailedError(
            "failed", name="p", kind="rule", region="us-east-1", result=result, failures=[failed]
        ),
        errors.DeploymentTimeoutError(
            "slow", name="p", kind="rule", region=None, timeout=5.0, last_result=result
        ),
    ]
    for err in samples:
        for clone in (pickle.loads(pickle.dumps(err)), copy.deepcopy(err)):
            assert type(clone) is type(err)
            assert str(clone) == str(err)
            assert clone.__dict__.keys() == err.__dict__.keys()
    clone = pickle.loads(pickle.dumps(samples[3]))
    assert isinstance(clone, errors.DeploymentFailedError)
    assert clone.failures == (failed,)
    assert clone.result == result


def test_api_error_text_skips_empty_parts() -> None:
    """str() leaves out what is unknown, and repr() shows the code."""
    assert str(errors.ApiError("boom")) == "boom"
    assert str(errors.ApiError("boom", code="X")) == "X: boom"
    assert str(errors.ApiError("boom", operation="Op")) == "Op: boom"
    assert repr(errors.NotFoundError("gone", code="NoSuchKey")) == (
        "NotFoundError(code='NoSuchKey', message='gone')"
    )


@pytest.mark.parametrize(
    ("service", "code", "cls"),
    [
        ("s3", "AccessDenied", errors.AccessDeniedError),
        ("s3", "NoSuchKey", errors.NotFoundError),
        ("organizations", "AccountNotFoundException", errors.NotFoundError),
        ("organizations", "AWSOrganizationsNotInUseException", errors.OrganizationNotReadyError),
        ("organizations", "TooManyRequestsException", errors.ThrottlingError),
        ("sts", "AccessDenied", errors.AccessDeniedError),
        ("config", "ThrottlingException", errors.ThrottlingError),
        ("config", "LimitExceededException", errors.ThrottlingError),
    ],
)
def test_registry_is_keyed_by_service_and_code(
    service: str, code: str, cls: type[errors.ApiError]
) -> None:
    """A code is looked up under its service first, then under the codes any service answers."""
    err = errors.from_client_error(_client_error(code), service=service)
    assert type(err) is cls
    assert err.service == service


def test_a_code_of_one_service_does_not_leak_into_another() -> None:
    """Config's codes mean nothing for S3: an unknown (service, code) is a plain ApiError."""
    assert errors.error_class_for("NoSuchOrganizationConfigRuleException", "s3") is errors.ApiError
    assert errors.error_class_for("LimitExceededException", "organizations") is errors.ApiError


def test_the_same_code_may_be_registered_for_two_services() -> None:
    """Registration is unique per (service, code), not per code."""
    keys = errors.registered_codes()
    assert keys[("s3", "AccessDenied")] is keys[("sts", "AccessDenied")]


def test_template_error_text_names_its_source() -> None:
    """str() of a TemplateError starts with the file or S3 URI it came from, once."""
    err = errors.TemplateError("line 3, column 1: bad", path="packs/s3.yaml")
    assert str(err) == "packs/s3.yaml: line 3, column 1: bad"
    named = errors.TemplateError(
        "The template file packs/s3.yaml does not exist", path="packs/s3.yaml"
    )
    assert str(named) == "The template file packs/s3.yaml does not exist"
    assert str(errors.TemplateError("bad")) == "bad"


@pytest.mark.parametrize(
    "code",
    [
        "IncompleteSignature",
        "InvalidSignature",
        "MissingAuthenticationToken",
        "SignatureDoesNotMatch",
        "RequestExpired",
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
    ],
)
def test_credential_failures_are_credentials_errors_with_the_remedy(code: str) -> None:
    """AWS refusing the credentials is a CredentialsError (an AccessDeniedError) with a remedy."""
    err = errors.from_client_error(_client_error(code), service="config")
    assert type(err) is errors.CredentialsError
    assert isinstance(err, errors.AccessDeniedError)
    assert "aws sts get-caller-identity" in str(err)


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("InternalServerException", 500, errors.ServiceUnavailableError),
        ("502", 502, errors.ServiceUnavailableError),
        ("BadGateway", 502, errors.ServiceUnavailableError),  # unknown code, 5xx status
        ("SlowDown", 503, errors.ThrottlingError),
        ("ThrottledException", 400, errors.ThrottlingError),
        ("SomethingNew", 429, errors.ThrottlingError),
        ("SomethingElse", 400, errors.ApiError),
    ],
)
def test_server_side_failures_are_transient(
    code: str, status: int, cls: type[errors.ApiError]
) -> None:
    """5xx answers and throttling, named or not, map to the classes waits treat as transient."""
    response: Any = {
        "Error": {"Code": code, "Message": "m"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    err = errors.from_client_error(ClientError(response, "Op"), service="s3")
    assert type(err) is cls
    assert isinstance(err, errors.TRANSIENT_ERRORS) == (cls is not errors.ApiError)
    assert errors.ServerError is errors.ServiceUnavailableError


def test_an_error_response_cannot_be_changed() -> None:
    """ApiError.response is a read-only copy: the error is a value."""
    err = errors.from_client_error(_client_error("ResourceInUseException"))
    with pytest.raises(TypeError):
        err.response["Error"]["Code"] = "x"  # the mutation tested
    with pytest.raises(TypeError):
        err.response["new"] = 1  # type: ignore[index]  # the mutation tested
    assert err.response["Error"]["Code"] == "ResourceInUseException"
