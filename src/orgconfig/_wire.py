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

The functions below are thin wrappers over hooks generated once, on first use (so that importing
orgconfig does not pay for cattrs until something is converted); the :class:`Shape` constants hold
those hooks, both ways (the sandbox and the tests write answers with ``Shape.unstructure``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs
from attrs import AttrsInstance

from orgconfig._checks import json_text, parse_json
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
)

if TYPE_CHECKING:  # the stubs are for the type checker only: importing them takes 0.2 s
    import cattrs
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

__all__ = [
    "PACK_ACCOUNT",
    "PACK_INFO",
    "PACK_STATUS",
    "PUT_PACK",
    "RULE",
    "RULE_ACCOUNT",
    "RULE_STATUS",
    "Shape",
    "config_rule",
    "conformance_pack_info",
    "pack_account_status",
    "pack_status",
    "put_config_rule_request",
    "put_conformance_pack_request",
    "rule_account_status",
    "rule_status",
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
    "sensitive": "orgconfig:sensitive",
}
"""Field -> wire name, where PascalCase of the field is not the wire name, in every shape.

``orgconfig:sensitive`` is not an AWS key: the secret marks are never sent, and are given to a
model read back from what orgconfig knows (:func:`orgconfig.redaction.sensitive_names`).
"""

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
    "OrganizationConfigRule": {
        "name": "OrganizationConfigRuleName",
        "kind": "orgconfig:kind",
        "sensitive_inputs": "orgconfig:sensitive",
    },
}
"""Shape -> field -> wire name, for the names that depend on the shape.

``orgconfig:kind`` (like ``orgconfig:sensitive``) is not an AWS key: a rule's kind is carried by
which metadata structure the answer holds, and the rule hooks move it to and from that key.
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
    return json_text(parameters)


def _input_parameters_from_api(text: str, _: object) -> object:
    try:
        return parse_json(text, "input_parameters")
    except ValidationError as e:
        raise ValidationError(
            f"input_parameters: the answer's InputParameters is not JSON: {e}",
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


@functools.cache
def _converter() -> cattrs.Converter:
    import cattrs  # noqa: PLC0415  (imported on first conversion: see the module docstring)

    converter = cattrs.Converter(detailed_validation=False, prefer_attrib_converters=True)
    converter.register_unstructure_hook(datetime, lambda value: value)
    converter.register_structure_hook(datetime, _as_is)
    converter.register_unstructure_hook(Status, lambda status: status.value)
    return converter


class Shape(Generic[_T]):
    """One model class as one API shape: the hooks in both directions, generated on first use.

    Args:
        cls: the model class.
        shape: the API shape's name, such as ``"OrganizationConformancePackStatus"``.
        unsent: fields that are never written (read-only, or carried some other way).
    """

    def __init__(self, cls: type[_T], shape: str, *, unsent: Iterable[str] = ()) -> None:
        self.cls = cls
        self.shape = shape
        # the status text (see unstructure) and the secret marks are never written
        self._unsent = {*unsent, "unknown_status", "sensitive", "sensitive_inputs"}
        wire = {a.name: _wire_name(shape, a.name) for a in attrs.fields(cls)}
        if "unknown_status" in wire:  # the status text, when the status is unknown: same key
            wire["unknown_status"] = wire["status"]
        self.wire_names: Mapping[str, str] = wire
        self._hooks: tuple[Callable[[Mapping[str, Any], Any], _T], Callable[[_T], Any]] | None
        self._hooks = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Shape({self.cls.__name__}, {self.shape!r})"

    def _generated(
        self,
    ) -> tuple[Callable[[Mapping[str, Any], Any], _T], Callable[[_T], Any]]:
        with self._lock:
            if self._hooks is None:
                self._hooks = self._generate()
            return self._hooks

    def _generate(self) -> tuple[Callable[[Mapping[str, Any], Any], _T], Callable[[_T], Any]]:
        from cattrs.gen import (  # noqa: PLC0415  (see _converter)
            make_dict_structure_fn,
            make_dict_unstructure_fn,
            override,
        )

        fields = attrs.fields(self.cls)
        wire = self.wire_names
        into = {
            a.name: override(rename=wire[a.name], struct_hook=_STRUCTURE_HOOKS.get(a.name, _as_is))
            for a in fields
        }
        out = {
            a.name: override(omit=True)
            if a.name in self._unsent
            else override(
                rename=wire[a.name],
                omit_if_default=a.default is None,
                unstruct_hook=_UNSTRUCTURE_HOOKS.get(a.name),
            )
            for a in fields
        }
        converter = _converter()
        return (
            make_dict_structure_fn(self.cls, converter, **cast("dict[str, Any]", into)),
            make_dict_unstructure_fn(self.cls, converter, **cast("dict[str, Any]", out)),
        )

    def structure(self, item: Mapping[str, Any]) -> _T:
        """Build the model from an answer's item; the model's validators run."""
        structure, _ = self._generated()
        try:
            return structure(item, self.cls)
        except KeyError as e:
            field = next((f for f, w in self.wire_names.items() if w == e.args[0]), None)
            raise ValidationError(
                f"{field or e.args[0]}: the {self.shape} in the answer has no {e.args[0]}",
                field=field,
            ) from e

    def unstructure(self, obj: _T) -> dict[str, Any]:
        """The wire form of ``obj``, None fields omitted."""
        _, unstructure = self._generated()
        result: dict[str, Any] = unstructure(obj)
        unknown = getattr(obj, "unknown_status", None)
        if unknown is not None:
            result[self.wire_names["status"]] = unknown
        return result


PUT_PACK = Shape(ConformancePack, "PutOrganizationConformancePackRequest", unsent=["template"])
# The tags are not in the describe answer: ListTagsForResource's are added when read.
PACK_INFO = Shape(ConformancePackInfo, "OrganizationConformancePack", unsent=["tags"])
PACK_STATUS = Shape(DeploymentStatus, "OrganizationConformancePackStatus")
RULE_STATUS = Shape(DeploymentStatus, "OrganizationConfigRuleStatus")
_FROM_ORGANIZATIONS = ("account_name", "account_state")  # not AWS Config's: never on its wire
PACK_ACCOUNT = Shape(
    AccountStatus, "OrganizationConformancePackDetailedStatus", unsent=_FROM_ORGANIZATIONS
)
RULE_ACCOUNT = Shape(AccountStatus, "MemberAccountStatus", unsent=_FROM_ORGANIZATIONS)
RULE = Shape(OrgConfigRule, "OrganizationConfigRule", unsent=["kind"])

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
    kind: tuple(RULE.wire_names[f] for f in names) for kind, names in _RULE_METADATA_FIELDS.items()
}
_ALL_METADATA_KEYS = frozenset(k for keys in _RULE_METADATA_KEYS.values() for k in keys)
_KIND_KEY = RULE.wire_names["kind"]


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
    request = PUT_PACK.unstructure(pack)
    if pack.template.s3_uri is not None:
        request["TemplateS3Uri"] = pack.template.s3_uri
    else:
        request["TemplateBody"] = pack.template.body
    return cast("PutOrganizationConformancePackRequestTypeDef", request)


def conformance_pack_info(
    item: OrganizationConformancePackTypeDef | Mapping[str, Any],
    *,
    sensitive: Iterable[str] = (),
    tags: Mapping[str, str] | None = None,
) -> ConformancePackInfo:
    """A :class:`~orgconfig.ConformancePackInfo` from a DescribeOrganizationConformancePacks item.

    ``sensitive`` names the parameters to mask in it (those absent from the item are ignored);
    ``tags`` are ListTagsForResource's answer (see :func:`tags_from_api`), when read.

    Raises:
        ValidationError: the item breaks a constraint of the model, or lacks a required key.
    """
    marks = _present(sensitive, item.get(PACK_INFO.wire_names["parameters"]), "ParameterName")
    answer: dict[str, Any] = {**item, PACK_INFO.wire_names["sensitive"]: marks}
    if tags is not None:
        answer[PACK_INFO.wire_names["tags"]] = tags_to_api(tags)
    return PACK_INFO.structure(answer)


def _present(names: Iterable[str], given: object, key: str | None) -> frozenset[str]:
    """The names among ``names`` that ``given`` (a list of pairs, or a mapping) holds."""
    wanted = frozenset(names)
    if not wanted:
        return wanted
    if key is None:
        held = set(given) if isinstance(given, Mapping) else set()
    else:
        held = (
            {p.get(key) for p in given if isinstance(p, Mapping)}
            if isinstance(given, list)
            else set()
        )
    return wanted & held


# -- rules -------------------------------------------------------------------------------------


def put_config_rule_request(rule: OrgConfigRule) -> PutOrganizationConfigRuleRequestTypeDef:
    """The PutOrganizationConfigRule parameters for ``rule``.

    The rule's fields go into the metadata structure of its kind
    (``OrganizationManagedRuleMetadata``, ``OrganizationCustomRuleMetadata`` or
    ``OrganizationCustomPolicyRuleMetadata``); input parameters as compact JSON text.

    Example::

        client.put_organization_config_rule(**put_config_rule_request(rule))
    """
    flat = RULE.unstructure(rule)
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
    sensitive_inputs: Iterable[str] = (),
) -> OrgConfigRule:
    """An :class:`~orgconfig.OrgConfigRule` from a DescribeOrganizationConfigRules item.

    Describe gives a Guard rule without its policy: ``policy_text`` is GetOrganizationCustomRule
    Policy's answer (ignored for the other kinds). ``tags`` are ListTagsForResource's answer
    (see :func:`tags_from_api`). Keys of the metadata that do not belong to the rule's kind are
    ignored, like any key orgconfig does not know. ``sensitive_inputs`` names the inputs to
    mask (those absent from the item are ignored).

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
    flat[RULE.wire_names["tags"]] = tags_to_api(tags)
    if kind is RuleKind.CUSTOM_POLICY:
        flat[RULE.wire_names["policy_text"]] = policy_text
    if sensitive_inputs:
        inputs = flat.get(RULE.wire_names["input_parameters"])
        held = _input_names(inputs)
        flat[RULE.wire_names["sensitive_inputs"]] = _present(sensitive_inputs, held, None)
    return RULE.structure(flat)


def _input_names(text: object) -> Mapping[str, object]:
    try:
        parsed = parse_json(text, "input_parameters")
    except ValidationError:
        return {}  # the structure reports it
    return parsed if isinstance(parsed, Mapping) else {}


# -- statuses ----------------------------------------------------------------------------------


def pack_status(
    item: OrganizationConformancePackStatusTypeDef | Mapping[str, Any],
) -> DeploymentStatus:
    """A :class:`~orgconfig.DeploymentStatus` from an OrganizationConformancePackStatuses item."""
    return PACK_STATUS.structure(item)


def rule_status(item: OrganizationConfigRuleStatusTypeDef | Mapping[str, Any]) -> DeploymentStatus:
    """A :class:`~orgconfig.DeploymentStatus` from a DescribeOrganizationConfigRuleStatuses item."""
    return RULE_STATUS.structure(item)


def pack_account_status(
    item: OrganizationConformancePackDetailedStatusTypeDef | Mapping[str, Any],
) -> AccountStatus:
    """An :class:`~orgconfig.AccountStatus` from a pack's detailed status item."""
    return PACK_ACCOUNT.structure(item)


def rule_account_status(item: MemberAccountStatusTypeDef | Mapping[str, Any]) -> AccountStatus:
    """An :class:`~orgconfig.AccountStatus` from a GetOrganizationConfigRuleDetailedStatus item."""
    return RULE_ACCOUNT.structure(item)
