"""The AWS Config API's numbers, patterns and vocabularies: the one home of every limit.

The models (:mod:`orgconfig.models`), the template checks (:mod:`orgconfig.templates`) and the
sandbox (:mod:`orgconfig.testing`) import their limits from here; nothing else writes them.

Where each limit comes from is data, not prose: :data:`MODEL_SOURCES` names, for every limit
botocore's service model states, the shape, member and facet it states it in, and
``tests/test_limits.py`` reads botocore's model (``config`` 2014-11-12) and compares. Where the
SDK departs from the model on purpose, most often because the AWS Config API reference (what the
service does) says otherwise than the model, the departure is listed once in
:data:`DEVIATIONS`, with the model's value and the reason; a limit that differs from the model
without being listed there fails the test. Limits the model does not state (quotas from the
developer guide, S3's bucket rules) are listed in :data:`NOT_IN_MODEL` with their source.

Lengths count characters unless their name says bytes. Every string is at least 1 character
long unless a ``_MIN`` constant beside its ``_MAX`` says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, NamedTuple

__all__ = [
    "ACCOUNTS_MAX",
    "ACCOUNT_ID_PATTERN",
    "DELIVERY_BUCKET_MAX",
    "DELIVERY_BUCKET_MIN",
    "DELIVERY_BUCKET_PREFIX",
    "DELIVERY_BUCKET_RESERVED_SUFFIXES",
    "DELIVERY_PREFIX_MAX",
    "DELIVERY_PREFIX_MIN",
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "DEVIATIONS",
    "FREQUENCIES",
    "GUARD_RUNTIME",
    "IDENTIFIER_MAX",
    "INPUT_PARAMETERS_MAX",
    "LAMBDA_ARN_MAX",
    "LAMBDA_ARN_PATTERN",
    "LIST_TAGS_LIMIT_MAX",
    "MEMBER_ROLE_PATTERN",
    "MESSAGE_TYPES",
    "MODEL_SOURCES",
    "NOT_IN_MODEL",
    "PACK_ARN_MAX",
    "PACK_NAME_MAX",
    "PACK_NAME_PATTERN",
    "PACK_PARAMETERS_MAX",
    "PACK_PARAMETERS_MODEL_MAX",
    "PARAMETER_NAME_MAX",
    "PARAMETER_NAME_MIN",
    "PARAMETER_VALUE_MAX",
    "PARAMETER_VALUE_MIN",
    "POLICY_RUNTIME_MAX",
    "POLICY_RUNTIME_PATTERN",
    "POLICY_TEXT_MAX",
    "POLICY_TEXT_MIN",
    "POLICY_TRIGGER_TYPES",
    "REMEDIATION_PARAMETERS_MAX",
    "RESERVED_TAG_PREFIX",
    "RESOURCE_ID_MAX",
    "RESOURCE_TYPES_MAX",
    "RESOURCE_TYPE_MAX",
    "RULES_PER_PACK_MAX",
    "RULE_NAME_MAX",
    "RULE_NAME_PATTERN",
    "RULE_OWNERS",
    "SCHEDULED_TRIGGER",
    "SCOPE_TAG_KEY_MAX",
    "SCOPE_TAG_VALUE_MAX",
    "SOURCE_DETAILS_MAX",
    "STATUS_NAME_MAX",
    "STATUS_VALUES",
    "TAGS_MAX",
    "TAG_KEY_MAX",
    "TAG_VALUE_MAX",
    "TAG_VALUE_MIN",
    "TEMPLATE_BODY_MAX_BYTES",
    "TEMPLATE_RULE_NAME_MAX",
    "TEMPLATE_S3_MAX_BYTES",
    "TEMPLATE_S3_URI_MAX_LENGTH",
    "TEMPLATE_S3_URI_PATTERN",
    "TRIGGER_TYPES",
    "TRIGGER_TYPES_MAX",
    "Deviation",
    "Frequency",
    "ModelSource",
    "TriggerType",
]

# -- vocabularies ---------------------------------------------------------------------------------

Frequency = Literal["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]
"""How often a periodic rule runs at most."""

TriggerType = Literal[
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
    "ScheduledNotification",
]
"""What makes AWS Config evaluate a custom rule."""

FREQUENCIES: Final[tuple[Frequency, ...]] = (
    "One_Hour",
    "Three_Hours",
    "Six_Hours",
    "Twelve_Hours",
    "TwentyFour_Hours",
)
"""Every maximum execution frequency, shortest first."""

TRIGGER_TYPES: Final[tuple[TriggerType, ...]] = (
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
    "ScheduledNotification",
)
"""Every trigger type an organization custom rule may have."""

POLICY_TRIGGER_TYPES: Final[tuple[TriggerType, ...]] = TRIGGER_TYPES[:2]
"""The trigger types of a Guard (custom policy) rule: change triggers only."""

SCHEDULED_TRIGGER: Final[TriggerType] = "ScheduledNotification"
"""The periodic trigger type, the one that takes a maximum execution frequency."""

TRIGGER_TYPES_MAX: Final = 3
"""Most trigger types one rule lists (each at most once)."""

MESSAGE_TYPES: Final[tuple[str, ...]] = (
    "ConfigurationItemChangeNotification",
    "ConfigurationSnapshotDeliveryCompleted",
    "ScheduledNotification",
    "OversizedConfigurationItemChangeNotification",
)
"""The ``Source.SourceDetails[].MessageType`` values of a template's ``AWS::Config::ConfigRule``."""

RULE_OWNERS: Final[tuple[str, ...]] = ("AWS", "CUSTOM_LAMBDA", "CUSTOM_POLICY")
"""The ``Source.Owner`` values of a template's ``AWS::Config::ConfigRule``."""

STATUS_VALUES: Final[tuple[str, ...]] = (
    "CREATE_SUCCESSFUL",
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "DELETE_SUCCESSFUL",
    "DELETE_FAILED",
    "DELETE_IN_PROGRESS",
    "UPDATE_SUCCESSFUL",
    "UPDATE_IN_PROGRESS",
    "UPDATE_FAILED",
)
"""Every deployment state the service reports, aggregate or per account."""

GUARD_RUNTIME: Final = "guard-2.x.x"
"""The one policy runtime the API accepts for Guard (custom policy) rules."""

POLICY_RUNTIME_PATTERN: Final = r"guard\-2\.x\.x"
"""What a policy runtime must match in full."""

POLICY_RUNTIME_MAX: Final = 64
"""The longest policy runtime."""

POLICY_TEXT_MIN: Final = 0
"""The shortest Guard policy text."""

POLICY_TEXT_MAX: Final = 10_000
"""The longest Guard policy text, in characters."""

# -- conformance packs ------------------------------------------------------------------------

PACK_NAME_MAX: Final = 128
"""The longest organization conformance pack name."""

PACK_NAME_PATTERN: Final = r"[a-zA-Z][-a-zA-Z0-9]*"
"""What a conformance pack name must match in full."""

PACK_ARN_MAX: Final = 256
"""The longest organization conformance pack ARN."""

PACK_PARAMETERS_MAX: Final = 60
"""Most input parameters a conformance pack put takes (the API reference)."""

PACK_PARAMETERS_MODEL_MAX: Final = 330
"""Most input parameters botocore's model allows: what a pack read back may hold."""

PARAMETER_NAME_MIN: Final = 1
"""The shortest conformance pack parameter name."""

PARAMETER_NAME_MAX: Final = 255
"""The longest conformance pack parameter name."""

PARAMETER_VALUE_MIN: Final = 0
"""The shortest conformance pack parameter value."""

PARAMETER_VALUE_MAX: Final = 4096
"""The longest conformance pack parameter value."""

DELIVERY_BUCKET_MIN: Final = 3
"""The shortest delivery bucket name (S3's bucket naming rules)."""

DELIVERY_BUCKET_MAX: Final = 63
"""The longest delivery bucket name."""

DELIVERY_BUCKET_PREFIX: Final = "awsconfigconforms"
"""How the name of a conformance pack's delivery bucket must start."""

DELIVERY_BUCKET_RESERVED_SUFFIXES: Final[tuple[str, ...]] = (
    "-s3alias",
    "--ol-s3",
    ".mrap",
    "--x-s3",
    "--table-s3",
)
"""Bucket name endings S3 reserves."""

DELIVERY_PREFIX_MIN: Final = 1
"""The shortest delivery S3 key prefix (an empty one is no prefix)."""

DELIVERY_PREFIX_MAX: Final = 1024
"""The longest delivery S3 key prefix."""

TEMPLATE_BODY_MAX_BYTES: Final = 51_200
"""Largest template that can be sent inline as ``TemplateBody`` (UTF-8 bytes)."""

TEMPLATE_S3_MAX_BYTES: Final = 307_200
"""Largest template the service reads through ``TemplateS3Uri``: "max size: 300 KB"."""

TEMPLATE_S3_URI_MAX_LENGTH: Final = 1024
"""Longest ``TemplateS3Uri`` the API accepts (characters)."""

TEMPLATE_S3_URI_PATTERN: Final = r"s3://.*"
"""What a ``TemplateS3Uri`` must match in full."""

RULES_PER_PACK_MAX: Final = 130
"""Most ``AWS::Config::ConfigRule`` resources one conformance pack may hold."""

TEMPLATE_RULE_NAME_MAX: Final = 128
"""The longest ``ConfigRuleName`` of a template's rule (a Config rule, not an organization one)."""

SOURCE_DETAILS_MAX: Final = 25
"""Most ``Source.SourceDetails`` of a template rule."""

REMEDIATION_PARAMETERS_MAX: Final = 25
"""Most ``Parameters`` of a template's remediation configuration."""

# -- accounts and tags ------------------------------------------------------------------------

ACCOUNT_ID_PATTERN: Final = r"[0-9]{12}"
"""What an AWS account id must match in full."""

ACCOUNTS_MAX: Final = 1000
"""Most excluded accounts (and debug-log delivery accounts) of a pack or rule."""

TAGS_MAX: Final = 50
"""Most tags on a pack or rule."""

TAG_KEY_MAX: Final = 128
"""The longest tag key."""

TAG_VALUE_MIN: Final = 0
"""The shortest tag value."""

TAG_VALUE_MAX: Final = 256
"""The longest tag value."""

RESERVED_TAG_PREFIX: Final = "aws:"
"""The tag key prefix AWS reserves for itself (compared ignoring case)."""

LIST_TAGS_LIMIT_MAX: Final = 50
"""The largest page ``ListTagsForResource`` serves."""

# -- organization config rules ----------------------------------------------------------------

RULE_NAME_MAX: Final = 64
"""The longest organization config rule name."""

RULE_NAME_PATTERN: Final = r"[A-Za-z0-9_-]+"
"""What an organization config rule name must match in full."""

DESCRIPTION_MIN: Final = 0
"""The shortest rule description."""

DESCRIPTION_MAX: Final = 256
"""The longest rule description."""

INPUT_PARAMETERS_MAX: Final = 2048
"""The longest rule input parameters, as compact JSON text."""

IDENTIFIER_MAX: Final = 256
"""The longest managed rule identifier."""

LAMBDA_ARN_MAX: Final = 256
"""The longest Lambda function ARN."""

LAMBDA_ARN_PATTERN: Final = (
    r"arn:aws(?:-[a-z]+)*:lambda:[a-z]{2,}(?:-[a-z]+)+-[0-9]+:[0-9]{12}:function:"
    r"[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?"
)
"""What a custom rule's Lambda function ARN must match in full."""

RESOURCE_TYPES_MAX: Final = 100
"""Most resource types in a rule's scope."""

RESOURCE_TYPE_MAX: Final = 256
"""The longest resource type in a rule's scope."""

RESOURCE_ID_MAX: Final = 768
"""The longest resource id in a rule's scope."""

SCOPE_TAG_KEY_MAX: Final = 128
"""The longest tag key in a rule's scope."""

SCOPE_TAG_VALUE_MAX: Final = 256
"""The longest tag value in a rule's scope."""

MEMBER_ROLE_PATTERN: Final = r"(?:[A-Za-z0-9_+=,.@-]{1,512}/){0,16}[A-Za-z0-9_+=,.@-]{1,64}"
"""What the role orgconfig assumes in member accounts must match in full: an IAM role name
after an optional path."""

STATUS_NAME_MAX: Final = 256
"""The longest name a status record holds (a pack's, a rule's, or one a member account got)."""


# -- where each limit comes from --------------------------------------------------------------


class ModelSource(NamedTuple):
    """Where botocore's model states a limit: a facet of a member of a shape.

    ``path`` walks from ``shape`` through structure members joined by dots; ``[]`` steps into a
    list's member (``"ExcludedAccounts[]"`` is one account id). ``facet`` is ``"min"``, ``"max"``,
    ``"pattern"`` or ``"enum"``.
    """

    shape: str
    path: str
    facet: Literal["min", "max", "pattern", "enum"]


class Deviation(NamedTuple):
    """A limit the SDK sets apart from botocore's model on purpose: the model's value and why."""

    model: int | str
    reason: str


_PUT_PACK: Final = "PutOrganizationConformancePackRequest"
_PACK: Final = "OrganizationConformancePack"
_PUT_RULE: Final = "PutOrganizationConfigRuleRequest"
_METADATA: Final = (
    "OrganizationManagedRuleMetadata",
    "OrganizationCustomRuleMetadata",
    "OrganizationCustomPolicyRuleMetadata",
)
_POLICY: Final = "OrganizationCustomPolicyRuleMetadata"


def _pack(path: str, facet: Literal["min", "max", "pattern", "enum"]) -> tuple[ModelSource, ...]:
    return (ModelSource(_PUT_PACK, path, facet), ModelSource(_PACK, path, facet))


def _rules(path: str, facet: Literal["min", "max", "pattern", "enum"]) -> tuple[ModelSource, ...]:
    return tuple(ModelSource(_PUT_RULE, f"{m}.{path}", facet) for m in _METADATA)


MODEL_SOURCES: Final[Mapping[str, tuple[ModelSource, ...]]] = {
    "FREQUENCIES": (
        *_rules("MaximumExecutionFrequency", "enum"),
        ModelSource("ConfigRule", "Source.SourceDetails[].MaximumExecutionFrequency", "enum"),
    ),
    "TRIGGER_TYPES": (
        ModelSource(_PUT_RULE, f"{_METADATA[1]}.OrganizationConfigRuleTriggerTypes[]", "enum"),
    ),
    "POLICY_TRIGGER_TYPES": (
        ModelSource(_PUT_RULE, f"{_POLICY}.OrganizationConfigRuleTriggerTypes[]", "enum"),
    ),
    "MESSAGE_TYPES": (ModelSource("ConfigRule", "Source.SourceDetails[].MessageType", "enum"),),
    "RULE_OWNERS": (ModelSource("ConfigRule", "Source.Owner", "enum"),),
    "STATUS_VALUES": (
        ModelSource("OrganizationConformancePackStatus", "Status", "enum"),
        ModelSource("OrganizationConfigRuleStatus", "OrganizationRuleStatus", "enum"),
        ModelSource("OrganizationConformancePackDetailedStatus", "Status", "enum"),
        ModelSource("MemberAccountStatus", "MemberAccountRuleStatus", "enum"),
    ),
    "POLICY_RUNTIME_PATTERN": (ModelSource(_PUT_RULE, f"{_POLICY}.PolicyRuntime", "pattern"),),
    "POLICY_RUNTIME_MAX": (ModelSource(_PUT_RULE, f"{_POLICY}.PolicyRuntime", "max"),),
    "POLICY_TEXT_MAX": (
        ModelSource(_PUT_RULE, f"{_POLICY}.PolicyText", "max"),
        ModelSource("ConfigRule", "Source.CustomPolicyDetails.PolicyText", "max"),
    ),
    "PACK_NAME_MAX": _pack("OrganizationConformancePackName", "max"),
    "PACK_NAME_PATTERN": _pack("OrganizationConformancePackName", "pattern"),
    "PACK_ARN_MAX": (ModelSource(_PACK, "OrganizationConformancePackArn", "max"),),
    "PACK_PARAMETERS_MAX": (ModelSource(_PUT_PACK, "ConformancePackInputParameters", "max"),),
    "PACK_PARAMETERS_MODEL_MAX": (ModelSource(_PACK, "ConformancePackInputParameters", "max"),),
    "PARAMETER_NAME_MAX": _pack("ConformancePackInputParameters[].ParameterName", "max"),
    "PARAMETER_VALUE_MAX": _pack("ConformancePackInputParameters[].ParameterValue", "max"),
    "DELIVERY_BUCKET_MAX": _pack("DeliveryS3Bucket", "max"),
    "DELIVERY_PREFIX_MAX": _pack("DeliveryS3KeyPrefix", "max"),
    "TEMPLATE_BODY_MAX_BYTES": (ModelSource(_PUT_PACK, "TemplateBody", "max"),),
    "TEMPLATE_S3_URI_MAX_LENGTH": (ModelSource(_PUT_PACK, "TemplateS3Uri", "max"),),
    "TEMPLATE_S3_URI_PATTERN": (ModelSource(_PUT_PACK, "TemplateS3Uri", "pattern"),),
    "TEMPLATE_RULE_NAME_MAX": (ModelSource("ConfigRule", "ConfigRuleName", "max"),),
    "SOURCE_DETAILS_MAX": (ModelSource("ConfigRule", "Source.SourceDetails", "max"),),
    "REMEDIATION_PARAMETERS_MAX": (ModelSource("RemediationConfiguration", "Parameters", "max"),),
    "ACCOUNT_ID_PATTERN": (
        *_pack("ExcludedAccounts[]", "pattern"),
        ModelSource(_PUT_RULE, "ExcludedAccounts[]", "pattern"),
        ModelSource(_PUT_RULE, f"{_POLICY}.DebugLogDeliveryAccounts[]", "pattern"),
        ModelSource("MemberAccountStatus", "AccountId", "pattern"),
        ModelSource("OrganizationConformancePackDetailedStatus", "AccountId", "pattern"),
    ),
    "ACCOUNTS_MAX": (
        *_pack("ExcludedAccounts", "max"),
        ModelSource(_PUT_RULE, "ExcludedAccounts", "max"),
        ModelSource(_PUT_RULE, f"{_POLICY}.DebugLogDeliveryAccounts", "max"),
    ),
    "TAGS_MAX": (ModelSource(_PUT_PACK, "Tags", "max"), ModelSource(_PUT_RULE, "Tags", "max")),
    "TAG_KEY_MAX": (
        ModelSource(_PUT_PACK, "Tags[].Key", "max"),
        ModelSource(_PUT_RULE, "Tags[].Key", "max"),
    ),
    "TAG_VALUE_MAX": (
        ModelSource(_PUT_PACK, "Tags[].Value", "max"),
        ModelSource(_PUT_RULE, "Tags[].Value", "max"),
    ),
    "LIST_TAGS_LIMIT_MAX": (ModelSource("ListTagsForResourceRequest", "Limit", "max"),),
    "RULE_NAME_MAX": (ModelSource(_PUT_RULE, "OrganizationConfigRuleName", "max"),),
    "RULE_NAME_PATTERN": (ModelSource(_PUT_RULE, "OrganizationConfigRuleName", "pattern"),),
    "DESCRIPTION_MAX": (
        *_rules("Description", "max"),
        ModelSource("ConfigRule", "Description", "max"),
    ),
    "INPUT_PARAMETERS_MAX": _rules("InputParameters", "max"),
    "IDENTIFIER_MAX": (ModelSource(_PUT_RULE, f"{_METADATA[0]}.RuleIdentifier", "max"),),
    "LAMBDA_ARN_MAX": (ModelSource(_PUT_RULE, f"{_METADATA[1]}.LambdaFunctionArn", "max"),),
    "RESOURCE_TYPES_MAX": (
        *_rules("ResourceTypesScope", "max"),
        ModelSource("ConfigRule", "Scope.ComplianceResourceTypes", "max"),
    ),
    "RESOURCE_TYPE_MAX": (
        *_rules("ResourceTypesScope[]", "max"),
        ModelSource("ConfigRule", "Scope.ComplianceResourceTypes[]", "max"),
    ),
    "RESOURCE_ID_MAX": _rules("ResourceIdScope", "max"),
    "SCOPE_TAG_KEY_MAX": _rules("TagKeyScope", "max"),
    "SCOPE_TAG_VALUE_MAX": _rules("TagValueScope", "max"),
    "STATUS_NAME_MAX": (
        ModelSource("OrganizationConformancePackDetailedStatus", "ConformancePackName", "max"),
    ),
}
"""For each limit botocore's model states, where it states it (one or more places)."""

DEVIATIONS: Final[Mapping[str, Deviation]] = {
    "PACK_PARAMETERS_MAX": Deviation(
        330,
        "The API reference (PutOrganizationConformancePack, OrganizationConformancePack) and "
        "CloudFormation give 'Maximum number of 60 items'; a read-back pack is checked against "
        "PACK_PARAMETERS_MODEL_MAX, so whatever the service holds can be read.",
    ),
    "INPUT_PARAMETERS_MAX": Deviation(
        1024,
        "The API reference (OrganizationManagedRuleMetadata, OrganizationCustomRuleMetadata, "
        "OrganizationCustomPolicyRuleMetadata) gives InputParameters 'Maximum length of 2048'.",
    ),
    "LIST_TAGS_LIMIT_MAX": Deviation(100, "API_ListTagsForResource: 'The limit maximum is 50'."),
    "DELIVERY_BUCKET_MIN": Deviation(
        0,
        "S3 bucket names are 3 to 63 characters; an empty bucket is None in the models "
        "(and omitted from the request), never sent.",
    ),
    "ACCOUNT_ID_PATTERN": Deviation(
        r"\d{12}",
        "The same 12 digits: Python's \\d also matches non-ASCII digits, which AWS refuses.",
    ),
    "RULE_NAME_PATTERN": Deviation(
        "[A-Za-z0-9-_]+",
        "The same characters, the hyphen written last so that no reader takes 9-_ for a range.",
    ),
    "PARAMETER_NAME_MIN": Deviation(
        0, "CloudFormation parameter names are 1 to 255 alphanumeric characters."
    ),
    "DELIVERY_PREFIX_MIN": Deviation(
        0, "An empty key prefix is None in the models (and omitted from the request)."
    ),
}
"""The limits set apart from botocore's model on purpose, by constant name: model value, reason."""

NOT_IN_MODEL: Final[Mapping[str, str]] = {
    "GUARD_RUNTIME": "the one value POLICY_RUNTIME_PATTERN matches",
    "SCHEDULED_TRIGGER": "a member of TRIGGER_TYPES",
    "TRIGGER_TYPES_MAX": "the model sets no count; each of the 3 trigger types at most once",
    "DELIVERY_BUCKET_PREFIX": "the API reference, PutOrganizationConformancePack.DeliveryS3Bucket",
    "DELIVERY_BUCKET_RESERVED_SUFFIXES": "S3 user guide, bucket naming rules",
    "TEMPLATE_S3_MAX_BYTES": "the API reference, TemplateS3Uri: 'max size: 300 KB'",
    "RULES_PER_PACK_MAX": "Config developer guide, service limits: 130 rules per conformance pack",
    "RESERVED_TAG_PREFIX": "tagging best practices: the aws: prefix is reserved",
    "LAMBDA_ARN_PATTERN": "Lambda's ARN format (the model only bounds the length)",
    "MEMBER_ROLE_PATTERN": (
        "IAM API reference, CreateRole: RoleName [\\w+=,.@-]+ (ASCII), 1-64; a path"
    ),
}
"""Limits botocore's model does not state, by constant name: where they come from."""
