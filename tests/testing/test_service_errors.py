"""Every error code of every organization operation, from a real boto3 call to the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from botocore.exceptions import ClientError

from orgconfig.testing import Quotas, Sandbox

pytestmark = pytest.mark.org_sandbox(quotas=Quotas(conformance_packs=1, config_rules=1))

TEMPLATE = """\
Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}
"""
MANAGED: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
GUARD: Any = {"PolicyRuntime": "guard-2.x.x", "PolicyText": "rule x { true }"}

NO_PACK = (
    "One or more organization conformance packs with specified names are not present. Ensure "
    "your names are correct and try your request again later."
)
NO_RULE = (
    "One or more organization Config rules with specified names are not present. Ensure your "
    "names are correct and try your request again later."
)
BAD_TOKEN = "The nextToken provided is invalid"
BAD_LIMIT = (
    "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member "
    "must have value less than or equal to 100"
)
NOT_ADMIN = (
    "This action can only be performed if you are a registered delegated administrator for AWS "
    "Config with permissions to call ListDelegatedAdministrators API."
)
NOT_IN_ORG = "This action can only be made by accounts in an AWS Organization"
NO_ORG_ON_PUT = (
    "Organization is not available. This action can only be made by accounts in an AWS "
    "Organization."
)
NOT_ALL_FEATURES = (
    "Config resource cannot be created because your organization does not have all features "
    "enabled."
)
PACK_IN_USE = (
    "The organization conformance pack existing is being created. Try your request again later."
)
RULE_IN_USE = (
    "The organization Config rule existing is being created. Try your request again later."
)
PACK_QUOTA = (
    "You have reached the limit (1) of the number of organization conformance packs you can "
    "create in an account."
)
RULE_QUOTA = (
    "You have reached the limit (1) of the number of organization Config rules you can create."
)
ONE_METADATA = (
    "Specify exactly one of OrganizationManagedRuleMetadata, OrganizationCustomRuleMetadata, "
    "OrganizationCustomPolicyRuleMetadata; the request has OrganizationManagedRuleMetadata and "
    "OrganizationCustomPolicyRuleMetadata."
)
BAD_PACK_NAME = (
    "1 validation error detected: Value 'bad name' at 'organizationConformancePackName' failed "
    "to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
)
BAD_RULE_NAME = (
    "1 validation error detected: Value 'bad name' at 'organizationConfigRuleName' failed to "
    "satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9-_]+"
)
BAD_TEMPLATE = (
    "Invalid conformance pack template provided. Errors found: [Resources.X.Type: "
    "'AWS::S3::Bucket' cannot be used in a conformance pack; only AWS::Config::ConfigRule and "
    "AWS::Config::RemediationConfiguration resources can]. Fix your template and try again."
)

Setup = Callable[[Any], object]


class Case(NamedTuple):
    """One error: the call, its preparation, who calls, and the expected code and message."""

    method: str
    kwargs: dict[str, Any]
    setup: Setup
    who: str
    code: str
    message: str


def nothing(config: Any) -> None:
    """No preparation."""


def a_pack(config: Any) -> None:
    """An organization conformance pack named 'existing', still being created."""
    config.put_organization_conformance_pack(
        OrganizationConformancePackName="existing", TemplateBody=TEMPLATE
    )


def a_rule(config: Any) -> None:
    """An organization rule named 'existing', still being created."""
    config.put_organization_config_rule(
        OrganizationConfigRuleName="existing", OrganizationManagedRuleMetadata=MANAGED
    )


def put_pack(name: str = "new", **kwargs: Any) -> dict[str, Any]:
    """Arguments of a conformance pack put."""
    return {"OrganizationConformancePackName": name, "TemplateBody": TEMPLATE, **kwargs}


def put_rule(name: str = "new", **kwargs: Any) -> dict[str, Any]:
    """Arguments of a managed rule put."""
    return {
        "OrganizationConfigRuleName": name,
        "OrganizationManagedRuleMetadata": MANAGED,
        **kwargs,
    }


PACK_READS = [
    ("describe_organization_conformance_packs", "OrganizationConformancePackNames"),
    ("describe_organization_conformance_pack_statuses", "OrganizationConformancePackNames"),
]
RULE_READS = [
    ("describe_organization_config_rules", "OrganizationConfigRuleNames"),
    ("describe_organization_config_rule_statuses", "OrganizationConfigRuleNames"),
]
PACK_DETAILED = (
    "get_organization_conformance_pack_detailed_status",
    {"OrganizationConformancePackName": "existing"},
)
RULE_DETAILED = (
    "get_organization_config_rule_detailed_status",
    {"OrganizationConfigRuleName": "existing"},
)


def cases() -> list[Any]:
    """A case for every error of every operation."""
    table: list[Any] = []

    def case(*fields: Any) -> None:
        spec = Case(*fields)
        table.append(pytest.param(spec, id=f"{spec.method}-{spec.code}-{spec.who}"))

    # Conformance packs ------------------------------------------------------------------------
    put = "put_organization_conformance_pack"
    case(
        put,
        put_pack("second"),
        a_pack,
        "management",
        "MaxNumberOfOrganizationConformancePacksExceededException",
        PACK_QUOTA,
    )
    case(put, put_pack("existing"), a_pack, "management", "ResourceInUseException", PACK_IN_USE)
    case(put, put_pack("bad name"), nothing, "management", "ValidationException", BAD_PACK_NAME)
    case(
        put,
        put_pack(TemplateBody="Resources: {X: {Type: AWS::S3::Bucket}}"),
        nothing,
        "management",
        "OrganizationConformancePackTemplateValidationException",
        BAD_TEMPLATE,
    )
    case(put, put_pack(), nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
    case(put, put_pack(), nothing, "outsider", "NoAvailableOrganizationException", NO_ORG_ON_PUT)
    for method, names in PACK_READS:
        case(
            method,
            {names: ["missing"]},
            nothing,
            "management",
            "NoSuchOrganizationConformancePackException",
            NO_PACK,
        )
        case(
            method,
            {"NextToken": "bogus"},
            nothing,
            "management",
            "InvalidNextTokenException",
            BAD_TOKEN,
        )
        case(method, {"Limit": 101}, nothing, "management", "InvalidLimitException", BAD_LIMIT)
        case(method, {}, nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
        case(method, {}, nothing, "outsider", "OrganizationAccessDeniedException", NOT_IN_ORG)
    method, existing = PACK_DETAILED
    case(
        method,
        {"OrganizationConformancePackName": "missing"},
        nothing,
        "management",
        "NoSuchOrganizationConformancePackException",
        NO_PACK,
    )
    case(
        method,
        {**existing, "NextToken": "bogus"},
        a_pack,
        "management",
        "InvalidNextTokenException",
        BAD_TOKEN,
    )
    case(
        method, {**existing, "Limit": 101}, a_pack, "management", "InvalidLimitException", BAD_LIMIT
    )
    case(method, existing, nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
    case(method, existing, nothing, "outsider", "OrganizationAccessDeniedException", NOT_IN_ORG)
    delete = "delete_organization_conformance_pack"
    case(
        delete,
        {"OrganizationConformancePackName": "missing"},
        nothing,
        "management",
        "NoSuchOrganizationConformancePackException",
        NO_PACK,
    )
    case(
        delete,
        {"OrganizationConformancePackName": "existing"},
        a_pack,
        "management",
        "ResourceInUseException",
        PACK_IN_USE,
    )
    case(
        delete,
        {"OrganizationConformancePackName": "existing"},
        nothing,
        "member",
        "OrganizationAccessDeniedException",
        NOT_ADMIN,
    )
    case(
        delete,
        {"OrganizationConformancePackName": "existing"},
        nothing,
        "outsider",
        "OrganizationAccessDeniedException",
        NOT_IN_ORG,
    )

    # Rules ------------------------------------------------------------------------------------
    put = "put_organization_config_rule"
    case(
        put,
        put_rule("second"),
        a_rule,
        "management",
        "MaxNumberOfOrganizationConfigRulesExceededException",
        RULE_QUOTA,
    )
    case(put, put_rule("existing"), a_rule, "management", "ResourceInUseException", RULE_IN_USE)
    case(
        put,
        put_rule(OrganizationCustomPolicyRuleMetadata=GUARD),
        nothing,
        "management",
        "InvalidParameterValueException",
        ONE_METADATA,
    )
    case(put, put_rule("bad name"), nothing, "management", "ValidationException", BAD_RULE_NAME)
    case(put, put_rule(), nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
    case(put, put_rule(), nothing, "outsider", "NoAvailableOrganizationException", NO_ORG_ON_PUT)
    for method, names in RULE_READS:
        case(
            method,
            {names: ["missing"]},
            nothing,
            "management",
            "NoSuchOrganizationConfigRuleException",
            NO_RULE,
        )
        case(
            method,
            {"NextToken": "bogus"},
            nothing,
            "management",
            "InvalidNextTokenException",
            BAD_TOKEN,
        )
        case(method, {"Limit": 101}, nothing, "management", "InvalidLimitException", BAD_LIMIT)
        case(method, {}, nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
        case(method, {}, nothing, "outsider", "OrganizationAccessDeniedException", NOT_IN_ORG)
    method, existing = RULE_DETAILED
    case(
        method,
        {"OrganizationConfigRuleName": "missing"},
        nothing,
        "management",
        "NoSuchOrganizationConfigRuleException",
        NO_RULE,
    )
    case(
        method,
        {**existing, "NextToken": "bogus"},
        a_rule,
        "management",
        "InvalidNextTokenException",
        BAD_TOKEN,
    )
    case(
        method, {**existing, "Limit": 101}, a_rule, "management", "InvalidLimitException", BAD_LIMIT
    )
    case(method, existing, nothing, "member", "OrganizationAccessDeniedException", NOT_ADMIN)
    case(method, existing, nothing, "outsider", "OrganizationAccessDeniedException", NOT_IN_ORG)
    delete = "delete_organization_config_rule"
    case(
        delete,
        {"OrganizationConfigRuleName": "missing"},
        nothing,
        "management",
        "NoSuchOrganizationConfigRuleException",
        NO_RULE,
    )
    case(
        delete,
        {"OrganizationConfigRuleName": "existing"},
        a_rule,
        "management",
        "ResourceInUseException",
        RULE_IN_USE,
    )
    case(
        delete,
        {"OrganizationConfigRuleName": "existing"},
        nothing,
        "member",
        "OrganizationAccessDeniedException",
        NOT_ADMIN,
    )
    case(
        delete,
        {"OrganizationConfigRuleName": "existing"},
        nothing,
        "outsider",
        "OrganizationAccessDeniedException",
        NOT_IN_ORG,
    )
    policy = "get_organization_custom_rule_policy"
    case(
        policy,
        {"OrganizationConfigRuleName": "missing"},
        nothing,
        "management",
        "NoSuchOrganizationConfigRuleException",
        NO_RULE,
    )
    case(
        policy,
        {"OrganizationConfigRuleName": "existing"},
        nothing,
        "member",
        "OrganizationAccessDeniedException",
        NOT_ADMIN,
    )
    case(
        policy,
        {"OrganizationConfigRuleName": "existing"},
        nothing,
        "outsider",
        "OrganizationAccessDeniedException",
        NOT_IN_ORG,
    )
    return table


def caller(sb: Sandbox, who: str) -> Any:
    """A config client acting as the management account, a plain member, or an outsider."""
    account = {
        "management": sb.management_account_id,
        "member": sb.member_account_ids[0],
        "outsider": "999999999999",
    }[who]
    return sb.client("config", account_id=account)


@pytest.mark.parametrize("case", cases())
def test_error(org_sandbox: Sandbox, case: Case) -> None:
    """The operation answers the documented error code with its message."""
    case.setup(org_sandbox.client("config"))
    with pytest.raises(ClientError) as caught:
        getattr(caller(org_sandbox, case.who), case.method)(**case.kwargs)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (case.code, case.message)
    assert caught.value.operation_name == "".join(p.title() for p in case.method.split("_"))


def test_every_operation_has_its_declared_errors_covered() -> None:
    """Each of the eleven operations has a case for every error the sandbox can give it."""
    covered: dict[str, set[str]] = {}
    for param in cases():
        case = param.values[0]
        assert isinstance(case, Case)
        covered.setdefault(case.method, set()).add(case.code)
    assert len(covered) == 11
    assert covered["put_organization_conformance_pack"] >= {
        "MaxNumberOfOrganizationConformancePacksExceededException",
        "ResourceInUseException",
        "ValidationException",
        "OrganizationAccessDeniedException",
        "OrganizationConformancePackTemplateValidationException",
        "NoAvailableOrganizationException",
    }


@pytest.mark.org_sandbox(feature_set="CONSOLIDATED_BILLING")
@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("put_organization_conformance_pack", put_pack()),
        ("put_organization_config_rule", put_rule()),
    ],
)
def test_puts_need_all_features(org_sandbox: Sandbox, method: str, kwargs: dict[str, Any]) -> None:
    """In an organization with consolidated billing only, puts give the all-features error."""
    with pytest.raises(ClientError) as caught:
        getattr(org_sandbox.client("config"), method)(**kwargs)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "OrganizationAllFeaturesNotEnabledException",
        NOT_ALL_FEATURES,
    )


@pytest.mark.org_sandbox(feature_set="CONSOLIDATED_BILLING")
def test_reads_work_with_consolidated_billing(org_sandbox: Sandbox) -> None:
    """The management account of a consolidated-billing organization can still read (nothing)."""
    config = org_sandbox.client("config")
    assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []


@pytest.mark.org_sandbox(accounts=0, feature_set=None)
@pytest.mark.parametrize(
    ("method", "kwargs", "code", "message"),
    [
        (
            "put_organization_config_rule",
            put_rule(),
            "NoAvailableOrganizationException",
            NO_ORG_ON_PUT,
        ),
        (
            "describe_organization_conformance_packs",
            {},
            "OrganizationAccessDeniedException",
            NOT_IN_ORG,
        ),
    ],
)
def test_without_an_organization(
    org_sandbox: Sandbox, method: str, kwargs: dict[str, Any], code: str, message: str
) -> None:
    """A sandbox without an organization answers as AWS does for a standalone account."""
    with pytest.raises(ClientError) as caught:
        getattr(org_sandbox.client("config"), method)(**kwargs)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, message)
