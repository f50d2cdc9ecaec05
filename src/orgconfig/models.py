"""The domain model: conformance packs, organization config rules and their deployment states.

Every class is a frozen attrs class that checks itself on construction against the limits the AWS
Config API enforces, so that a bad value fails here, with the offending field named, rather than in
the service after a round trip. Every failure raises :class:`~orgconfig.errors.ValidationError`,
whose ``field`` names the field in orgconfig's terms (``"name"``, ``"parameters['Foo']"``,
``"excluded_accounts[2]"``) and whose message states the value, the rule and the limit.

Collections are stored immutable: sequences as tuples, mappings as read-only mappings that hash
and compare by content. Every instance is therefore hashable and equal by value.

The models know nothing of the wire format: ``orgconfig._wire`` translates them to and from the
API's requests and answers. The limits live in ``orgconfig._limits`` (checked there against
botocore's model), the field checks in ``orgconfig._checks``. The conformance packs are defined
here; the deployment states in ``orgconfig._status`` and the organization config rules in
``orgconfig._rules``, re-exported here and reporting this module as theirs.

Limits, as checked here (botocore's config model 2014-11-12 and the AWS Config API reference):

=====================================  ============================================================
conformance pack name                  1-128, ``[a-zA-Z][-a-zA-Z0-9]*``
conformance pack parameters            at most 60 (the documented limit; the botocore model says
                                       330, which :class:`ConformancePackInfo` accepts); names
                                       1-255, values 0-4,096 characters
delivery bucket / key prefix           an S3 bucket name starting ``awsconfigconforms`` / 1-1,024
excluded / debug-log accounts          at most 1,000 unique 12-digit account ids
tags                                   at most 50; key 1-128 without the reserved ``aws:`` prefix;
                                       value 0-256
rule name                              1-64, ``[A-Za-z0-9-_]+``
rule description                       0-256
rule input parameters                  compact JSON of at most 2,048 characters (the API reference;
                                       botocore's model still says 1,024)
rule resource scope                    at most 100 resource types of 1-256; resource id 1-768;
                                       tag key 1-128; tag value 1-256
managed rule identifier                1-256
Lambda function ARN                    1-256, ``arn:<partition>:lambda:...:function:...`` where
                                       the partition is aws or aws-<name> (aws-cn, ...)
trigger types                          1-3 of ConfigurationItemChangeNotification,
                                       OversizedConfigurationItemChangeNotification,
                                       ScheduledNotification (no ScheduledNotification for Guard)
Guard policy runtime / text            ``guard-2.x.x`` / 0-10,000 characters
=====================================  ============================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from orgconfig import _checks as checks
from orgconfig import _fields, redaction
from orgconfig import _limits as limits
from orgconfig._checks import JsonValue, ParameterValue
from orgconfig._frozen import FrozenDict
from orgconfig._limits import (
    FREQUENCIES,
    GUARD_RUNTIME,
    TRIGGER_TYPES,
    Frequency,
    TriggerType,
)
from orgconfig._recorded import TEMPLATE_SHA256_TAG
from orgconfig._rules import OrgConfigRule, RuleKind
from orgconfig._status import AccountStatus, DeploymentStatus, Status
from orgconfig.templates import Template

__all__ = [
    "FREQUENCIES",
    "GUARD_RUNTIME",
    "TRIGGER_TYPES",
    "AccountStatus",
    "ConformancePack",
    "ConformancePackInfo",
    "DeploymentStatus",
    "Frequency",
    "JsonValue",
    "OrgConfigRule",
    "ParameterValue",
    "RuleKind",
    "Status",
    "TriggerType",
]

# Defined in private modules; they report this, their public module, in reprs, docs and pickles.
# Their annotations are strings that typing.get_type_hints() resolves here, so the names they use
# (Mapping, datetime, Frequency, JsonValue, RuleKind, Status, TriggerType) must stay importable
# from this module.
for _cls in (AccountStatus, DeploymentStatus, OrgConfigRule, RuleKind, Status):
    _cls.__module__ = __name__
del _cls


# -- converters of the packs' fields ------------------------------------------------------------


def _parameters(value: Mapping[str, ParameterValue]) -> Mapping[str, str]:
    most, documented = limits.PACK_PARAMETERS_MODEL_MAX, limits.PACK_PARAMETERS_MAX
    if isinstance(value, Mapping) and len(value) > most:
        # Refuse before converting a huge mapping entry by entry (the validator gives the
        # exact limit, 60 for a ConformancePack, for anything smaller).
        raise checks.fail(
            "parameters",
            f"{len(value):,} parameters given; at most {most} "
            f"(and a ConformancePack takes at most {documented})",
        )
    frozen = checks.mapping_of(value, "parameters")
    return FrozenDict(
        {
            k: checks.parameter_text(x, f"parameters[{checks.subscript(k)}]")
            for k, x in frozen.items()
        }
    )


def _parameter_names(value: Iterable[str]) -> frozenset[str]:
    return _fields.names_set(value, "sensitive", _PARAMETER_NAME_TEXT)


def _fields_repr(instance: attrs.AttrsInstance, masked: Mapping[str, object]) -> str:
    """The attrs-style repr of ``instance``, with ``masked`` shown instead of some fields."""
    parts = []
    for field in attrs.fields(type(instance)):
        if field.name == "sensitive":
            continue
        value = masked.get(field.name, getattr(instance, field.name))
        parts.append(f"{field.name}={value!r}")
    names: frozenset[str] = getattr(instance, "sensitive", frozenset())
    if names:
        parts.append(f"sensitive={sorted(names)!r}")
    return f"{type(instance).__name__}({', '.join(parts)})"


def _secret_arguments(arguments: Mapping[str, Any]) -> list[str]:
    """The secret texts among a pack's constructor arguments (for its error messages)."""
    given = arguments.get("parameters")
    if not isinstance(given, Mapping):
        return []
    marked = arguments.get("sensitive", ())
    names = set(marked) if isinstance(marked, (list, tuple, set, frozenset)) else set()
    template = arguments.get("template")
    if isinstance(template, Template):
        names |= redaction.no_echo_parameters(template)
    return [t for n in names if n in given for t in redaction.secret_texts(given[n])]


_DELIVERY_PREFIX = checks.text(limits.DELIVERY_PREFIX_MIN, limits.DELIVERY_PREFIX_MAX)


# -- conformance packs --------------------------------------------------------------------------

_PACK_NAME = checks.text(
    1, limits.PACK_NAME_MAX, limits.PACK_NAME_PATTERN, "a letter, then letters, digits and hyphens"
)
_PARAMETER_NAME_TEXT = checks.text(limits.PARAMETER_NAME_MIN, limits.PARAMETER_NAME_MAX)
_PARAMETER_NAME = checks.key(*_PARAMETER_NAME_TEXT)
_PARAMETER_VALUE = checks.text(limits.PARAMETER_VALUE_MIN, limits.PARAMETER_VALUE_MAX)


@attrs.frozen(repr=False)
class ConformancePack:
    """A conformance pack to deploy to every account of the organization.

    Checked on construction: the name; the parameters (at most 60, names 1-255 and values up to
    4,096 characters; every parameter the template requires given, and none it does not declare);
    the excluded accounts; the delivery bucket and prefix; the tags. Parameter values may be
    given as ``str``, ``int``, ``float`` or ``bool``; they are stored as the strings CloudFormation
    receives (``True`` becomes ``"true"``, ``90`` becomes ``"90"``).

    An empty ``delivery_bucket`` or ``delivery_prefix`` is the same as None. A template too big
    for a request body (``template.needs_s3``) is accepted here; deploying it needs the template
    loaded from S3.

    Secrets: the parameters the template declares ``NoEcho: true``, and those named in
    ``sensitive`` (which must be declared by the template), are :attr:`secret_parameters`:
    their values show as ``'***'`` in ``repr()``, in error messages and in orgconfig's logs
    (and in botocore's, with :mod:`orgconfig.redaction`'s filter). ``sensitive`` takes no part
    in equality, and the request carries the real values.

    Example::

        pack = ConformancePack(
            "s3-baseline",
            Template.from_file("s3.yaml"),
            parameters={"MaxAccessKeyAge": 90},
            excluded_accounts=["111122223333"],
            tags={"team": "security"},
            sensitive=["DbPassword"],
        )
    """

    name: str = attrs.field(validator=checks.field(*_PACK_NAME))
    template: Template = attrs.field(validator=checks.field(checks.is_a(Template, "a Template")))
    sensitive: frozenset[str] = attrs.field(
        default=frozenset(), converter=_parameter_names, eq=False, kw_only=True
    )
    parameters: Mapping[str, str] = attrs.field(
        default=checks.EMPTY,
        converter=_parameters,
        validator=checks.entries(
            _PARAMETER_NAME, _PARAMETER_VALUE, limit=limits.PACK_PARAMETERS_MAX, noun="parameter"
        ),
    )
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(),
        converter=_fields.excluded_accounts,
        validator=checks.accounts(),
        eq=checks.as_set,
    )
    delivery_bucket: str | None = attrs.field(
        default=None, converter=checks.none_if_empty, validator=checks.optional(*checks.BUCKET)
    )
    delivery_prefix: str | None = attrs.field(
        default=None, converter=checks.none_if_empty, validator=checks.optional(*_DELIVERY_PREFIX)
    )
    tags: Mapping[str, str] = attrs.field(
        default=checks.EMPTY, converter=_fields.tags, validator=checks.tags()
    )

    @property
    def secret_parameters(self) -> frozenset[str]:
        """The parameters whose values are hidden: ``sensitive`` and the template's ``NoEcho``."""
        return self.sensitive | redaction.no_echo_parameters(self.template)

    def __repr__(self) -> str:
        return _fields_repr(
            self, {"parameters": redaction.mask(self.parameters, self.secret_parameters)}
        )

    def __attrs_post_init__(self) -> None:
        declared = self.template.parameters
        for i, name in enumerate(sorted(self.sensitive)):
            if name not in declared:
                near = checks.closest(name, declared)
                hint = f"; did you mean {near!r}?" if near else ""
                raise checks.fail(
                    f"sensitive[{i}]", f"the template has no parameter {name!r} to hide{hint}"
                )
        for name in self.parameters:
            if name not in declared:
                label = f"parameters[{name!r}]"
                closest = checks.closest(name, declared)
                hint = f"; did you mean {closest!r}?" if closest else ""
                known = (
                    f" (declared: {checks.names(declared)})"
                    if declared
                    else " (it declares no parameters)"
                )
                raise checks.fail(label, f"the template has no parameter {name!r}{hint}{known}")
        missing = sorted(self.template.required_parameters - self.parameters.keys())
        if missing:
            raise checks.fail(
                f"parameters[{missing[0]!r}]",
                f"the template requires a value for {checks.names(missing)} "
                "(no Default in the template)",
            )
        if self.delivery_prefix is not None and self.delivery_bucket is None:
            raise checks.fail("delivery_prefix", "a delivery key prefix needs a delivery_bucket")
        secret = self.secret_parameters
        if secret:
            redaction.remember("conformance_pack", self.name, secret)
            redaction.register(self, [v for k, v in self.parameters.items() if k in secret])


@attrs.frozen(repr=False)
class ConformancePackInfo:
    """What the service knows of a deployed conformance pack: what ``get(name)`` returns.

    The service does not return the template, so this is not a :class:`ConformancePack`;
    ``tags`` (from ListTagsForResource) hold what orgconfig recorded at put time, such as the
    template's SHA-256 (:attr:`template_sha256`) and the targets (``orgconfig:targets``).
    Parameters are checked against the botocore model's limit (330), not the documented 60,
    so that whatever the service holds can be read. The parameters named in ``sensitive``
    show as ``'***'`` in ``repr()``: ``get()`` and ``list()`` fill it with the names known
    secret in this process (see :mod:`orgconfig.redaction` for what AWS returns).

    Example::

        info = org.conformance_packs.get("s3-baseline")
        print(info.arn, info.parameters, info.last_update)
    """

    name: str = attrs.field(validator=checks.field(*_PACK_NAME))
    arn: str = attrs.field(validator=checks.field(*checks.text(1, limits.PACK_ARN_MAX)))
    parameters: Mapping[str, str] = attrs.field(
        default=checks.EMPTY,
        converter=_parameters,
        validator=checks.entries(
            _PARAMETER_NAME,
            _PARAMETER_VALUE,
            limit=limits.PACK_PARAMETERS_MODEL_MAX,
            noun="parameter",
        ),
    )
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(),
        converter=_fields.excluded_accounts,
        validator=checks.accounts(),
        eq=checks.as_set,
    )
    delivery_bucket: str | None = attrs.field(
        default=None, converter=checks.none_if_empty, validator=checks.optional(*checks.BUCKET)
    )
    delivery_prefix: str | None = attrs.field(
        default=None, converter=checks.none_if_empty, validator=checks.optional(*_DELIVERY_PREFIX)
    )
    last_update: datetime | None = attrs.field(default=None, validator=checks.last_update())
    sensitive: frozenset[str] = attrs.field(
        default=frozenset(), converter=_parameter_names, eq=False, kw_only=True
    )
    tags: Mapping[str, str] = attrs.field(
        default=checks.EMPTY, converter=_fields.tags, validator=checks.tags(), kw_only=True
    )

    @property
    def template_sha256(self) -> str | None:
        """The SHA-256 of the template recorded when the pack was put (None if not recorded).

        orgconfig records it on every put in the tag ``orgconfig:template-sha256``, hashed
        with LF line endings (see :mod:`orgconfig.plan`).
        """
        return self.tags.get(TEMPLATE_SHA256_TAG)

    def __repr__(self) -> str:
        return _fields_repr(self, {"parameters": redaction.mask(self.parameters, self.sensitive)})

    def __attrs_post_init__(self) -> None:
        if self.sensitive:
            given = [v for k, v in self.parameters.items() if k in self.sensitive]
            redaction.register(self, given)


def _info_secrets(arguments: Mapping[str, Any]) -> list[str]:
    given = arguments.get("parameters")
    marked = arguments.get("sensitive", ())
    if not isinstance(given, Mapping) or not isinstance(marked, (list, tuple, set, frozenset)):
        return []
    return [t for n in marked if n in given for t in redaction.secret_texts(given[n])]


redaction.hide_in_errors(ConformancePack, _secret_arguments)
redaction.hide_in_errors(ConformancePackInfo, _info_secrets)
