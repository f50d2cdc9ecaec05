"""Organization config rules: :class:`OrgConfigRule`, one shape for three kinds (:class:`RuleKind`).

A rule is built by a named constructor per kind and checks itself on construction (the limits
are listed in :mod:`orgconfig.models`, which re-exports these classes; they report it as their
module).
"""

# The annotations stay strings, as they were when these classes lived in orgconfig.models (readable
# signatures in help() and the docs). The classes report that module as theirs, so
# typing.get_type_hints() resolves the strings there: it imports every name they use.
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

import attrs

from orgconfig import _checks as checks
from orgconfig import _fields, guard, redaction
from orgconfig import _limits as limits
from orgconfig._checks import JsonValue, ParameterValue
from orgconfig._limits import (
    FREQUENCIES,
    GUARD_RUNTIME,
    TRIGGER_TYPES,
    Frequency,
    TriggerType,
)
from orgconfig.guard import GuardEvaluation
from orgconfig.templates import Template, TemplateRule
from orgconfig.templates._resolve import rule_fields

__all__ = ["OrgConfigRule", "RuleKind"]


class RuleKind(str, enum.Enum):
    """The three kinds of organization config rule.

    Example::

        if rule.kind is RuleKind.CUSTOM_POLICY:
            print(rule.policy_text)
    """

    MANAGED = "managed"
    """An AWS managed rule, named by its identifier (``S3_BUCKET_VERSIONING_ENABLED``)."""
    CUSTOM_LAMBDA = "custom_lambda"
    """A custom rule evaluated by a Lambda function."""
    CUSTOM_POLICY = "custom_policy"
    """A custom rule written in Guard (a "custom policy" rule)."""

    def __str__(self) -> str:
        return self.value


# -- converters and checks of the rule's fields -------------------------------------------------


def _rule_kind(value: RuleKind | str) -> RuleKind:
    if isinstance(value, RuleKind):
        return value
    try:
        return RuleKind(value)
    except ValueError:
        raise checks.fail(
            "kind",
            f"{checks.show(value)} is not a rule kind; use one of {', '.join(RuleKind)}",
        ) from None


_ONLY_FOR: dict[str, tuple[RuleKind, ...]] = {
    "identifier": (RuleKind.MANAGED,),
    "lambda_arn": (RuleKind.CUSTOM_LAMBDA,),
    "trigger_types": (RuleKind.CUSTOM_LAMBDA, RuleKind.CUSTOM_POLICY),
    "policy_text": (RuleKind.CUSTOM_POLICY,),
    "policy_runtime": (RuleKind.CUSTOM_POLICY,),
    "debug_log_accounts": (RuleKind.CUSTOM_POLICY,),
}
_REQUIRED_FOR: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.MANAGED: ("identifier",),
    RuleKind.CUSTOM_LAMBDA: ("lambda_arn",),
    RuleKind.CUSTOM_POLICY: ("policy_text", "policy_runtime"),
}


@attrs.frozen(kw_only=True, repr=False)
class OrgConfigRule:
    """An AWS Config rule deployed to every account of the organization.

    Build one with a named constructor: :meth:`managed`, :meth:`custom_lambda`,
    :meth:`custom_policy`, :meth:`custom_policy_from_file` or :meth:`from_template_rule`.
    ``kind`` says which; the fields of the other kinds are None or empty.

    ``input_parameters`` is stored frozen (JSON arrays as tuples, objects as read-only
    mappings); the API receives it as compact JSON (:attr:`input_parameters_json`, keys in the
    order given), which may be at most 2,048 characters long. An empty mapping is the same as
    none.

    Execution frequency: a managed rule may carry one (the service applies it when the managed
    rule is periodic); a Lambda rule only with ``ScheduledNotification`` among its trigger
    types; a Guard rule never, since AWS Config Custom Policy rules are initiated by
    configuration changes only (Config developer guide, "AWS Config Custom Policy Rules").

    Secrets: every constructor takes ``sensitive_inputs``, names of input parameters whose
    values show as ``'***'`` in ``repr()``, in error messages and in orgconfig's logs (and in
    botocore's, with :mod:`orgconfig.redaction`'s filter). It takes no part in equality, and
    the request carries the real values.

    Example::

        rule = OrgConfigRule.managed(
            "access-keys-rotated",
            "ACCESS_KEYS_ROTATED",
            input_parameters={"maxAccessKeyAge": "90"},
            max_frequency="TwentyFour_Hours",
        )
        hook = OrgConfigRule.custom_lambda(
            "notify",
            "arn:aws:lambda:us-east-1:111122223333:function:notify",
            ["ConfigurationItemChangeNotification"],
            input_parameters={"apiKey": "s3cr3t-value"},
            sensitive_inputs=["apiKey"],
        )
        assert "s3cr3t" not in repr(hook)
    """

    name: str = attrs.field(validator=checks.field(*_fields.RULE_NAME))
    kind: RuleKind = attrs.field(converter=_rule_kind)
    identifier: str | None = attrs.field(
        default=None, validator=checks.optional(*checks.text(1, limits.IDENTIFIER_MAX))
    )
    lambda_arn: str | None = attrs.field(
        default=None,
        validator=checks.optional(
            *checks.text(1, limits.LAMBDA_ARN_MAX),
            checks.matches(
                limits.LAMBDA_ARN_PATTERN,
                "is not a Lambda function ARN (arn:<aws partition>:lambda:<region>:"
                "<12-digit account>:function:<name>[:<version or alias>])",
            ),
        ),
    )
    policy_text: str | None = attrs.field(
        default=None,
        validator=checks.optional(*checks.text(limits.POLICY_TEXT_MIN, limits.POLICY_TEXT_MAX)),
        repr=_fields.policy_repr,
    )
    policy_runtime: str | None = attrs.field(
        default=None,
        validator=checks.optional(
            *checks.text(
                1,
                limits.POLICY_RUNTIME_MAX,
                limits.POLICY_RUNTIME_PATTERN,
                f"the runtime is {GUARD_RUNTIME}",
            )
        ),
    )
    trigger_types: tuple[TriggerType, ...] = attrs.field(
        default=(),
        converter=_fields.trigger_types,
        validator=checks.items(
            checks.one_of(TRIGGER_TYPES, "trigger type"),
            limit=limits.TRIGGER_TYPES_MAX,
            noun="trigger type",
            unique=True,
        ),
    )
    description: str | None = attrs.field(
        default=None,
        validator=checks.optional(*checks.text(limits.DESCRIPTION_MIN, limits.DESCRIPTION_MAX)),
    )
    input_parameters: Mapping[str, JsonValue] | None = attrs.field(
        default=None, converter=_fields.input_parameters, validator=_fields.check_input_parameters
    )
    max_frequency: Frequency | None = attrs.field(
        default=None, validator=checks.optional(checks.one_of(FREQUENCIES, "execution frequency"))
    )
    resource_types: tuple[str, ...] = attrs.field(
        default=(),
        converter=_fields.resource_types,
        validator=checks.items(
            *_fields.resource_types_check,
            limit=limits.RESOURCE_TYPES_MAX,
            noun="resource type",
            unique=False,
        ),
    )
    resource_id: str | None = attrs.field(
        default=None, validator=checks.optional(*checks.text(1, limits.RESOURCE_ID_MAX))
    )
    tag_key: str | None = attrs.field(
        default=None, validator=checks.optional(*checks.text(1, limits.SCOPE_TAG_KEY_MAX))
    )
    tag_value: str | None = attrs.field(
        default=None, validator=checks.optional(*checks.text(1, limits.SCOPE_TAG_VALUE_MAX))
    )
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(),
        converter=_fields.excluded_accounts,
        validator=checks.accounts(),
        eq=checks.as_set,
    )
    debug_log_accounts: tuple[str, ...] = attrs.field(
        default=(),
        converter=_fields.debug_log_accounts,
        validator=checks.items(
            *checks.ACCOUNT, limit=limits.ACCOUNTS_MAX, noun="account", unique=True
        ),
        eq=checks.as_set,
    )
    tags: Mapping[str, str] = attrs.field(
        default=checks.EMPTY, converter=_fields.tags, validator=checks.tags()
    )
    sensitive_inputs: frozenset[str] = attrs.field(
        default=frozenset(), converter=_fields.sensitive_inputs, eq=False
    )

    def __repr__(self) -> str:
        """Show the name, the kind and only the fields that are set (policy text by length)."""
        shown = []
        for field in attrs.fields(type(self)):
            if field.name in ("name", "kind"):
                continue
            value = getattr(self, field.name)
            if value is None or (isinstance(value, tuple | Mapping | frozenset) and not value):
                continue
            if field.name == "input_parameters":
                value = redaction.mask(value, self.sensitive_inputs)
            elif field.name == "sensitive_inputs":
                value = sorted(value)
            text = _fields.policy_repr(value) if field.name == "policy_text" else repr(value)
            shown.append(f"{field.name}={text}")
        head = f"OrgConfigRule.{self.kind.value}({self.name!r}"
        return head + "".join(f", {part}" for part in shown) + ")"

    def __attrs_post_init__(self) -> None:
        self._check_sensitive_inputs()
        self._check_kind_fields()
        _fields.check_triggers(self.kind, self.trigger_types, self.max_frequency)
        if self.policy_text is not None:
            _fields.check_policy_text(self.policy_text)
        if self.resource_id is not None and len(self.resource_types) != 1:
            raise checks.fail(
                "resource_id",
                f"a resource_id scope needs exactly one resource type; "
                f"{len(self.resource_types)} given",
            )
        if self.tag_value is not None and self.tag_key is None:
            raise checks.fail("tag_value", "a tag_value scope needs a tag_key")
        if self.tag_key is not None and (self.resource_types or self.resource_id is not None):
            raise checks.fail(
                "tag_key",
                "a scope is either resources (resource_types, resource_id) or a tag "
                "(tag_key, tag_value), not both",
            )
        _fields.check_names(self.identifier, self.resource_types)

    def _check_sensitive_inputs(self) -> None:
        """Each name marked sensitive is an input; their values are registered as secrets."""
        if not self.sensitive_inputs:
            return
        given = self.input_parameters or {}
        for i, name in enumerate(sorted(self.sensitive_inputs)):
            if name not in given:
                near = checks.closest(name, given)
                hint = f"; did you mean {near!r}?" if near else ""
                raise checks.fail(
                    f"sensitive_inputs[{i}]", f"there is no input parameter {name!r} to hide{hint}"
                )
        redaction.remember("rule", self.name, self.sensitive_inputs)
        redaction.register(
            self, [t for n in self.sensitive_inputs for t in redaction.secret_texts(given[n])]
        )

    def _check_kind_fields(self) -> None:
        """Each kind has its own required fields, and no field of another kind."""
        kind = self.kind
        for field in _REQUIRED_FOR[kind]:
            if getattr(self, field) is None:
                raise checks.fail(field, f"a {kind} rule needs {field}")
        for field, kinds in _ONLY_FOR.items():
            if kind not in kinds and getattr(self, field) not in (None, ()):
                allowed = " and ".join(str(k) for k in kinds)
                raise checks.fail(
                    field, f"only {allowed} rules take {field}; this is a {kind} rule"
                )

    def evaluate(self, configuration_item: Mapping[str, Any]) -> GuardEvaluation:
        """Run this Guard rule against one configuration item locally, as AWS Config would.

        An item outside the rule's ``resource_types`` is ``NOT_APPLICABLE``, as AWS Config
        never evaluates it; otherwise the policy decides (see :func:`orgconfig.guard.evaluate`
        for the item's form). Raises :class:`~orgconfig.guard.GuardUnavailableError` without
        the ``orgconfig[guard]`` extra, and :class:`~orgconfig.errors.ValidationError` (field
        ``kind``) for a rule that is not a Guard rule.

        Example::

            result = rule.evaluate({"resourceType": "AWS::S3::Bucket", "configuration": {}})
            assert not result.compliant, result.reasons
        """
        if self.policy_text is None:
            raise checks.fail(
                "kind",
                f"only custom_policy (Guard) rules can be evaluated "
                f"locally; this is a {self.kind} rule",
            )
        kind = (
            configuration_item.get("resourceType")
            if isinstance(configuration_item, Mapping)
            else None
        )
        if self.resource_types and isinstance(kind, str) and kind not in self.resource_types:
            guard.evaluate(self.policy_text, {})  # the extra and the policy are still checked
            return GuardEvaluation(compliance="NOT_APPLICABLE")
        return guard.evaluate(self.policy_text, configuration_item)

    @property
    def input_parameters_json(self) -> str | None:
        """The input parameters as compact JSON, the form the API limits to 2,048 characters."""
        return None if self.input_parameters is None else checks.json_text(self.input_parameters)

    # -- named constructors ----------------------------------------------------------------------

    @classmethod
    def managed(
        cls,
        name: str,
        identifier: str,
        *,
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = checks.EMPTY,
        sensitive_inputs: Iterable[str] = (),
    ) -> OrgConfigRule:
        """An AWS managed rule, named by its ``identifier``.

        Example::

            OrgConfigRule.managed(
                "s3-versioning",
                "S3_BUCKET_VERSIONING_ENABLED",
                resource_types=["AWS::S3::Bucket"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.MANAGED,
            identifier=identifier,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
            sensitive_inputs=sensitive_inputs,
        )

    @classmethod
    def custom_lambda(
        cls,
        name: str,
        lambda_arn: str,
        trigger_types: Iterable[TriggerType],
        *,
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = checks.EMPTY,
        sensitive_inputs: Iterable[str] = (),
    ) -> OrgConfigRule:
        """A custom rule evaluated by the Lambda function ``lambda_arn``.

        ``max_frequency`` needs ``"ScheduledNotification"`` among ``trigger_types``.

        Example::

            OrgConfigRule.custom_lambda(
                "tagged-instances",
                "arn:aws:lambda:us-east-1:111122223333:function:check-tags",
                ["ConfigurationItemChangeNotification"],
                resource_types=["AWS::EC2::Instance"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.CUSTOM_LAMBDA,
            lambda_arn=lambda_arn,
            trigger_types=trigger_types,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
            sensitive_inputs=sensitive_inputs,
        )

    @classmethod
    def custom_policy(
        cls,
        name: str,
        policy_text: str,
        *,
        runtime: str = GUARD_RUNTIME,
        trigger_types: Iterable[TriggerType] = limits.POLICY_TRIGGER_TYPES,
        debug_log_accounts: Iterable[str] = (),
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = checks.EMPTY,
        sensitive_inputs: Iterable[str] = (),
    ) -> OrgConfigRule:
        """A custom rule written in Guard (``policy_text``, at most 10,000 characters).

        Guard rules are change-triggered: ``ScheduledNotification`` and ``max_frequency`` are
        refused (``max_frequency`` is accepted as a parameter only so that every constructor
        takes the same options). ``debug_log_accounts`` lists the accounts whose evaluations
        deliver debug logs.

        Example::

            OrgConfigRule.custom_policy(
                "dynamodb-pitr",
                'rule pitr when resourceType == "AWS::DynamoDB::Table" { ... }',
                resource_types=["AWS::DynamoDB::Table"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.CUSTOM_POLICY,
            policy_text=policy_text,
            policy_runtime=runtime,
            trigger_types=trigger_types,
            debug_log_accounts=debug_log_accounts,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
            sensitive_inputs=sensitive_inputs,
        )

    @classmethod
    def custom_policy_from_file(
        cls,
        name: str,
        path: str | PathLike[str],
        *,
        runtime: str = GUARD_RUNTIME,
        trigger_types: Iterable[TriggerType] = limits.POLICY_TRIGGER_TYPES,
        debug_log_accounts: Iterable[str] = (),
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = checks.EMPTY,
        sensitive_inputs: Iterable[str] = (),
    ) -> OrgConfigRule:
        """A Guard rule whose policy is read from a ``.guard`` file (UTF-8).

        Takes the same options as :meth:`custom_policy`. A file that cannot be read raises
        :class:`~orgconfig.errors.ValidationError` for ``policy_text``.

        Example::

            OrgConfigRule.custom_policy_from_file("dynamodb-pitr", "rules/pitr.guard")
        """
        checks.run(_fields.RULE_NAME, name, "name")
        text = _fields.read_policy(path)
        return cls.custom_policy(
            name,
            text,
            runtime=runtime,
            trigger_types=trigger_types,
            debug_log_accounts=debug_log_accounts,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
            sensitive_inputs=sensitive_inputs,
        )

    @classmethod
    def from_template_rule(
        cls,
        rule: TemplateRule,
        *,
        name: str | None = None,
        parameters: Mapping[str, ParameterValue] = checks.EMPTY,
        template: Template | None = None,
        sensitive_inputs: Iterable[str] = (),
    ) -> OrgConfigRule:
        """Turn a rule of a conformance pack template into an organization config rule.

        The rule's kind follows its owner (``AWS``, ``CUSTOM_LAMBDA``, ``CUSTOM_POLICY``); its
        name is ``name``, else its ``ConfigRuleName``, else its logical id. ``{"Ref": P}``
        values are resolved from ``parameters``, then from the defaults of ``template`` (the
        template the rule comes from, when given); ``{"Ref": "AWS::NoValue"}`` removes the
        value. Anything else CloudFormation would compute (``Fn::If``, ``Fn::Sub``, other
        pseudo parameters such as ``AWS::AccountId``, which differ per member account) cannot
        be resolved here and raises :class:`~orgconfig.errors.ValidationError` naming the
        field. Not carried over: the resource's ``Condition`` (the rule is converted as if it
        holds) and a Guard rule's ``EnableDebugLogDelivery`` (an organization rule lists
        ``debug_log_accounts`` instead).

        The inputs named in ``sensitive_inputs``, and those whose value refers to a parameter
        ``template`` declares ``NoEcho: true``, are the rule's ``sensitive_inputs``.

        Example::

            template = Template.from_file("Operational-Best-Practices-for-Amazon-S3.yaml")
            rules = [
                OrgConfigRule.from_template_rule(r, template=template, parameters={"A": "1"})
                for r in template.rules
            ]
        """
        checks.run(
            (checks.is_a(TemplateRule, "a TemplateRule (from Template.rules)"),), rule, "rule"
        )
        checks.run((checks.is_a(str, "a string"),), rule.logical_id, "rule")
        if name is not None:
            checks.run(_fields.RULE_NAME, name, "name")
        if template is not None:
            checks.run((checks.is_a(Template, "a Template"),), template, "template")
        given = checks.mapping_of(parameters, "parameters")
        values: dict[str, str] = {}
        for key, value in given.items():
            label = f"parameters[{checks.subscript(key)}]"
            checks.run((checks.is_a(str, "a string"),), key, label)
            text = checks.parameter_text(value, label)
            checks.run((checks.is_a(str, "a string, number or bool"),), text, label)
            values[key] = text
        marked = _fields.sensitive_inputs(sensitive_inputs)
        fields = rule_fields(rule, name=name, parameters=values, template=template)
        inputs = fields.get("input_parameters")
        fields["sensitive_inputs"] = marked | (
            fields.pop("secret_inputs") & (set(inputs) if isinstance(inputs, Mapping) else set())
        )
        return cls(**fields)


redaction.hide_in_errors(OrgConfigRule, _fields.secret_arguments)
