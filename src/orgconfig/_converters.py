"""The one cattrs converter between orgconfig's models and the AWS Config API's shapes.

The models (:mod:`orgconfig.models`) know nothing of the wire; this module does, in one place:

* field names become PascalCase (``error_code`` -> ``ErrorCode``) by a hook factory, with a small
  table for the names AWS spells irregularly (``last_update`` -> ``LastUpdateTime``, ``name`` ->
  ``OrganizationConformancePackName`` or ``OrganizationConfigRuleName`` depending on the shape);
* a few fields change form: parameters and tags are lists of pairs on the wire, rule input
  parameters are JSON text, a rule's fields sit in one of three metadata structures by kind;
* on the way out, fields that are None are omitted, collections are always sent (an empty
  ``ExcludedAccounts`` says "none" explicitly, which matters on an update);
* on the way in, unknown keys are ignored (AWS adds fields), datetimes are kept as the datetime
  objects boto3 gives, unknown status strings become ``Status.UNKNOWN`` with the text kept, and
  every model is built through its constructor, so its validators run: an answer that breaks a
  constraint raises :class:`~orgconfig.errors.ValidationError` instead of producing an invalid
  object.

The functions below are thin wrappers over hooks generated once, at import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

import attrs
import cattrs
from attrs import AttrsInstance
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from mypy_boto3_config.type_defs import (
    ConformancePackInputParameterTypeDef,
    MemberAccountStatusTypeDef,
    OrganizationConfigRuleStatusTypeDef,
    OrganizationConfigRuleTypeDef,
    OrganizationConformancePackDetailedStatusTypeDef,
    OrganizationConformancePackStatusTypeDef,
    OrganizationConformancePackTypeDef,
    PutOrganizationConfigRuleRequestTypeDef,
    PutOrganizationConformancePackRequestTypeDef,
    TagTypeDef,
)

from orgconfig.errors import ValidationError
from orgconfig.models import (
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    JsonValue,
    OrgConfigRule,
    RuleKind,
    Status,
    _json_text,
)

__all__ = [
    "config_rule",
    "conformance_pack_info",
    "conformance_pack_item",
    "pack_account_status",
    "pack_account_status_item",
    "pack_status",
    "pack_status_item",
    "put_config_rule_request",
    "put_conformance_pack_request",
    "rule_account_status",
    "rule_account_status_item",
    "rule_status",
    "rule_status_item",
    "tags_from_api",
    "tags_to_api",
]

_T = TypeVar("_T", bound=AttrsInstance)

# -- the names -----------------------------------------------------------------------------------

_IRREGULAR: dict[str, str] = {
    "last_update": "LastUpdateTime",
    "delivery_bucket": "DeliveryS3Bucket",
    "delivery_prefix": "DeliveryS3KeyPrefix",
    "parameters": "ConformancePackInputParameters",
    "identifier": "RuleIdentifier",
    "lambda_arn": "LambdaFunctionArn",
    "trigger_types": "OrganizationConfigRuleTriggerTypes",
    "resource_types": "ResourceTypesScope",
    "resource_id": "ResourceIdScope",
    "tag_key": "TagKeyScope",
    "tag_value": "TagValueScope",
    "max_frequency": "MaximumExecutionFrequency",
    "debug_log_accounts": "DebugLogDeliveryAccounts",
}
"""Field -> wire name, where PascalCase of the field is not the wire name, in every shape."""

_BY_SHAPE: dict[str, dict[str, str]] = {
    "PutOrganizationConformancePackRequest": {"name": "OrganizationConformancePackName"},
    "OrganizationConformancePack": {
        "name": "OrganizationConformancePackName",
        "arn": "OrganizationConformancePackArn",
    },
    "OrganizationConformancePackStatus": {"name": "OrganizationConformancePackName"},
    "OrganizationConfigRuleStatus": {
        "name": "OrganizationConfigRuleName",
        "status": "OrganizationRuleStatus",
    },
    "OrganizationConformancePackDetailedStatus": {"member_name": "ConformancePackName"},
    "MemberAccountStatus": {"member_name": "ConfigRuleName", "status": "MemberAccountRuleStatus"},
    "OrganizationConfigRule": {"name": "OrganizationConfigRuleName", "kind": "orgconfig:kind"},
}
"""Shape -> field -> wire name, for the names that depend on the shape.

``orgconfig:kind`` is not an AWS key: a rule's kind is carried by which metadata structure the
answer holds, and the rule hooks move it to and from that key.
"""


def _pascal(field: str) -> str:
    return "".join(part.capitalize() for part in field.split("_"))


def _wire_name(shape: str, field: str) -> str:
    return _BY_SHAPE[shape].get(field) or _IRREGULAR.get(field) or _pascal(field)


# -- the fields that change form -----------------------------------------------------------------


def tags_to_api(tags: Mapping[str, str]) -> list[TagTypeDef]:
    """Tags as the API's list of ``{"Key": ..., "Value": ...}``.

    Example::

        tags_to_api({"team": "security"})  # [{"Key": "team", "Value": "security"}]
    """
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_from_api(tags: Iterable[TagTypeDef] | Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Tags from the API's list of ``{"Key": ..., "Value": ...}`` (ListTagsForResource).

    A tag without a value has the value ``""``; an item without a key raises ValidationError.

    Example::

        tags_from_api([{"Key": "team", "Value": "security"}])  # {"team": "security"}
    """
    result: dict[str, str] = {}
    items: Iterable[Mapping[str, Any]] = tags
    for i, tag in enumerate(items):
        if "Key" not in tag:
            raise ValidationError(
                f"tags[{i}]: a tag in the answer has no Key: {tag!r}", field="tags"
            )
        result[tag["Key"]] = tag.get("Value", "")
    return result


def _tags_from_api(value: Iterable[Mapping[str, Any]], _: object) -> dict[str, str]:
    return tags_from_api(value)


def _parameters_to_api(parameters: Mapping[str, str]) -> list[ConformancePackInputParameterTypeDef]:
    return [{"ParameterName": k, "ParameterValue": v} for k, v in parameters.items()]


def _parameters_from_api(
    value: Iterable[ConformancePackInputParameterTypeDef], _: object
) -> dict[str, str]:
    return {item["ParameterName"]: item["ParameterValue"] for item in value}


def _input_parameters_to_api(parameters: Mapping[str, JsonValue]) -> str:
    return _json_text(parameters)


def _input_parameters_from_api(text: str, _: object) -> object:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as e:
        raise ValidationError(
            f"input_parameters: the answer's InputParameters is not JSON: {text!r:.80}",
            field="input_parameters",
        ) from e


def _unknown_status_from_api(text: str, _: object) -> str | None:
    return text if Status.parse(text) is Status.UNKNOWN else None


_UNSTRUCTURE_HOOKS: dict[str, Callable[[Any], Any]] = {
    "tags": tags_to_api,
    "parameters": _parameters_to_api,
    "input_parameters": _input_parameters_to_api,
}
_STRUCTURE_HOOKS: dict[str, Callable[[Any, Any], Any]] = {
    "tags": _tags_from_api,
    "parameters": _parameters_from_api,
    "input_parameters": _input_parameters_from_api,
    "status": lambda text, _: Status.parse(text),
    "unknown_status": _unknown_status_from_api,
}


def _as_is(value: object, _: object) -> object:
    """Structure hook for every other field: the model's converters and validators decide."""
    return value


# -- the converter ------------------------------------------------------------------------------

_converter = cattrs.Converter(detailed_validation=False, prefer_attrib_converters=True)
_converter.register_unstructure_hook(datetime, lambda value: value)
_converter.register_structure_hook(datetime, _as_is)
_converter.register_unstructure_hook(Status, lambda status: status.value)


@attrs.frozen
class _Shape(Generic[_T]):
    """One model class as one API shape: the generated hooks in both directions."""

    cls: type[_T]
    shape: str
    wire_names: Mapping[str, str]
    _structure: Callable[[Mapping[str, Any], Any], _T]
    _unstructure: Callable[[_T], dict[str, Any]]

    def structure(self, item: Mapping[str, Any]) -> _T:
        """Build the model from an answer's item; the model's validators run."""
        try:
            return self._structure(item, self.cls)
        except KeyError as e:
            field = next((f for f, w in self.wire_names.items() if w == e.args[0]), None)
            raise ValidationError(
                f"{field or e.args[0]}: the {self.shape} in the answer has no {e.args[0]}",
                field=field,
            ) from e

    def unstructure(self, obj: _T) -> dict[str, Any]:
        """The wire form of ``obj``, None fields omitted."""
        result = self._unstructure(obj)
        unknown = getattr(obj, "unknown_status", None)
        if unknown is not None:
            result[self.wire_names["status"]] = unknown
        return result


def _shape(cls: type[_T], shape: str, *, unsent: Iterable[str] = ()) -> _Shape[_T]:
    """Generate the hooks for ``cls`` as API ``shape``; fields in ``unsent`` are not written."""
    unsent = {*unsent, "unknown_status"}  # the status text is written by _Shape.unstructure
    fields = attrs.fields(cls)
    wire = {a.name: _wire_name(shape, a.name) for a in fields}
    if "unknown_status" in wire:  # the status text, when the status is unknown: same key
        wire["unknown_status"] = wire["status"]
    into = {
        a.name: override(rename=wire[a.name], struct_hook=_STRUCTURE_HOOKS.get(a.name, _as_is))
        for a in fields
    }
    out = {
        a.name: override(omit=True)
        if a.name in unsent
        else override(
            rename=wire[a.name],
            omit_if_default=a.default is None,
            unstruct_hook=_UNSTRUCTURE_HOOKS.get(a.name),
        )
        for a in fields
    }
    return _Shape(
        cls,
        shape,
        wire,
        make_dict_structure_fn(cls, _converter, **cast("dict[str, Any]", into)),
        make_dict_unstructure_fn(cls, _converter, **cast("dict[str, Any]", out)),
    )


_PUT_PACK = _shape(ConformancePack, "PutOrganizationConformancePackRequest", unsent=["template"])
_PACK_INFO = _shape(ConformancePackInfo, "OrganizationConformancePack")
_PACK_STATUS = _shape(DeploymentStatus, "OrganizationConformancePackStatus")
_RULE_STATUS = _shape(DeploymentStatus, "OrganizationConfigRuleStatus")
_PACK_ACCOUNT = _shape(AccountStatus, "OrganizationConformancePackDetailedStatus")
_RULE_ACCOUNT = _shape(AccountStatus, "MemberAccountStatus")
_RULE = _shape(OrgConfigRule, "OrganizationConfigRule", unsent=["kind"])

_RULE_METADATA: dict[RuleKind, str] = {
    RuleKind.MANAGED: "OrganizationManagedRuleMetadata",
    RuleKind.CUSTOM_LAMBDA: "OrganizationCustomRuleMetadata",
    RuleKind.CUSTOM_POLICY: "OrganizationCustomPolicyRuleMetadata",
}
_SCOPE = (
    "description",
    "input_parameters",
    "max_frequency",
    "resource_types",
    "resource_id",
    "tag_key",
    "tag_value",
)
_RULE_METADATA_FIELDS: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.MANAGED: ("identifier", *_SCOPE),
    RuleKind.CUSTOM_LAMBDA: ("lambda_arn", "trigger_types", *_SCOPE),
    RuleKind.CUSTOM_POLICY: (
        "policy_runtime",
        "policy_text",
        "trigger_types",
        "debug_log_accounts",
        *_SCOPE,
    ),
}
_RULE_METADATA_KEYS: dict[RuleKind, tuple[str, ...]] = {
    kind: tuple(_RULE.wire_names[f] for f in names) for kind, names in _RULE_METADATA_FIELDS.items()
}
_ALL_METADATA_KEYS = frozenset(k for keys in _RULE_METADATA_KEYS.values() for k in keys)
_KIND_KEY = _RULE.wire_names["kind"]


# -- conformance packs --------------------------------------------------------------------------


def put_conformance_pack_request(
    pack: ConformancePack,
) -> PutOrganizationConformancePackRequestTypeDef:
    """The PutOrganizationConformancePack parameters for ``pack``.

    The template goes as ``TemplateS3Uri`` when it was loaded from S3, else as ``TemplateBody``
    (whether the body fits a request is the caller's concern). None fields are omitted;
    parameters, excluded accounts and tags are always sent, even empty.

    Example::

        client.put_organization_conformance_pack(**put_conformance_pack_request(pack))
    """
    request = _PUT_PACK.unstructure(pack)
    if pack.template.s3_uri is not None:
        request["TemplateS3Uri"] = pack.template.s3_uri
    else:
        request["TemplateBody"] = pack.template.body
    return cast("PutOrganizationConformancePackRequestTypeDef", request)


def conformance_pack_info(
    item: OrganizationConformancePackTypeDef | Mapping[str, Any],
) -> ConformancePackInfo:
    """A :class:`~orgconfig.ConformancePackInfo` from a DescribeOrganizationConformancePacks item.

    Raises:
        ValidationError: the item breaks a constraint of the model, or lacks a required key.
    """
    return _PACK_INFO.structure(item)


def conformance_pack_item(info: ConformancePackInfo) -> OrganizationConformancePackTypeDef:
    """The DescribeOrganizationConformancePacks item for ``info`` (the inverse of the above)."""
    return cast("OrganizationConformancePackTypeDef", _PACK_INFO.unstructure(info))


# -- rules -------------------------------------------------------------------------------------


def put_config_rule_request(rule: OrgConfigRule) -> PutOrganizationConfigRuleRequestTypeDef:
    """The PutOrganizationConfigRule parameters for ``rule``.

    The rule's fields go into the metadata structure of its kind
    (``OrganizationManagedRuleMetadata``, ``OrganizationCustomRuleMetadata`` or
    ``OrganizationCustomPolicyRuleMetadata``); input parameters as compact JSON text.

    Example::

        client.put_organization_config_rule(**put_config_rule_request(rule))
    """
    flat = _RULE.unstructure(rule)
    request = {k: v for k, v in flat.items() if k not in _ALL_METADATA_KEYS}
    request[_RULE_METADATA[rule.kind]] = {
        k: flat[k] for k in _RULE_METADATA_KEYS[rule.kind] if k in flat
    }
    return cast("PutOrganizationConfigRuleRequestTypeDef", request)


def config_rule(
    item: OrganizationConfigRuleTypeDef | Mapping[str, Any],
    *,
    policy_text: str | None,
    tags: Mapping[str, str],
) -> OrgConfigRule:
    """An :class:`~orgconfig.OrgConfigRule` from a DescribeOrganizationConfigRules item.

    Describe gives a Guard rule without its policy: ``policy_text`` is GetOrganizationCustomRule
    Policy's answer (ignored for the other kinds). ``tags`` are ListTagsForResource's answer
    (see :func:`tags_from_api`). Keys of the metadata that do not belong to the rule's kind are
    ignored, like any key orgconfig does not know.

    Raises:
        ValidationError: the item holds no rule metadata, breaks a constraint of the model
            (a Guard rule without ``policy_text`` included), or lacks a required key.
    """
    answer: Mapping[str, Any] = item
    metadata: Mapping[str, Any] | None = None
    for kind, key in _RULE_METADATA.items():  # noqa: B007 - the loop finds the kind
        metadata = answer.get(key)
        if metadata is not None:
            break
    else:
        raise ValidationError(
            f"kind: the OrganizationConfigRule in the answer holds none of "
            f"{', '.join(_RULE_METADATA.values())}",
            field="kind",
        )
    flat: dict[str, Any] = {k: metadata[k] for k in _RULE_METADATA_KEYS[kind] if k in metadata}
    flat.update((k, v) for k, v in answer.items() if k not in _RULE_METADATA.values())
    flat[_KIND_KEY] = kind
    flat[_RULE.wire_names["tags"]] = tags_to_api(tags)
    if kind is RuleKind.CUSTOM_POLICY:
        flat[_RULE.wire_names["policy_text"]] = policy_text
    return _RULE.structure(flat)


# -- statuses ----------------------------------------------------------------------------------


def pack_status(
    item: OrganizationConformancePackStatusTypeDef | Mapping[str, Any],
) -> DeploymentStatus:
    """A :class:`~orgconfig.DeploymentStatus` from an OrganizationConformancePackStatuses item."""
    return _PACK_STATUS.structure(item)


def rule_status(item: OrganizationConfigRuleStatusTypeDef | Mapping[str, Any]) -> DeploymentStatus:
    """A :class:`~orgconfig.DeploymentStatus` from a DescribeOrganizationConfigRuleStatuses item."""
    return _RULE_STATUS.structure(item)


def pack_account_status(
    item: OrganizationConformancePackDetailedStatusTypeDef | Mapping[str, Any],
) -> AccountStatus:
    """An :class:`~orgconfig.AccountStatus` from a pack's detailed status item."""
    return _PACK_ACCOUNT.structure(item)


def rule_account_status(item: MemberAccountStatusTypeDef | Mapping[str, Any]) -> AccountStatus:
    """An :class:`~orgconfig.AccountStatus` from a GetOrganizationConfigRuleDetailedStatus item."""
    return _RULE_ACCOUNT.structure(item)


def pack_status_item(status: DeploymentStatus) -> OrganizationConformancePackStatusTypeDef:
    """The DescribeOrganizationConformancePackStatuses item for ``status``."""
    return cast("OrganizationConformancePackStatusTypeDef", _PACK_STATUS.unstructure(status))


def rule_status_item(status: DeploymentStatus) -> OrganizationConfigRuleStatusTypeDef:
    """The DescribeOrganizationConfigRuleStatuses item for ``status``."""
    return cast("OrganizationConfigRuleStatusTypeDef", _RULE_STATUS.unstructure(status))


def pack_account_status_item(
    status: AccountStatus,
) -> OrganizationConformancePackDetailedStatusTypeDef:
    """The GetOrganizationConformancePackDetailedStatus item for ``status``."""
    return cast(
        "OrganizationConformancePackDetailedStatusTypeDef", _PACK_ACCOUNT.unstructure(status)
    )


def rule_account_status_item(status: AccountStatus) -> MemberAccountStatusTypeDef:
    """The GetOrganizationConfigRuleDetailedStatus item for ``status``."""
    return cast("MemberAccountStatusTypeDef", _RULE_ACCOUNT.unstructure(status))
