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

from collections.abc import Mapping
from datetime import datetime

import attrs

from orgconfig import _checks as checks
from orgconfig import _fields
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
        {k: checks.parameter_text(x, f"parameters[{k!r}]") for k, x in frozen.items()}
    )


_DELIVERY_PREFIX = checks.text(limits.DELIVERY_PREFIX_MIN, limits.DELIVERY_PREFIX_MAX)


# -- conformance packs --------------------------------------------------------------------------

_PACK_NAME = checks.text(
    1, limits.PACK_NAME_MAX, limits.PACK_NAME_PATTERN, "a letter, then letters, digits and hyphens"
)
_PARAMETER_NAME = checks.key(*checks.text(limits.PARAMETER_NAME_MIN, limits.PARAMETER_NAME_MAX))
_PARAMETER_VALUE = checks.text(limits.PARAMETER_VALUE_MIN, limits.PARAMETER_VALUE_MAX)


@attrs.frozen
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

    Example::

        pack = ConformancePack(
            "s3-baseline",
            Template.from_file("s3.yaml"),
            parameters={"MaxAccessKeyAge": 90},
            excluded_accounts=["111122223333"],
            tags={"team": "security"},
        )
    """

    name: str = attrs.field(validator=checks.field(*_PACK_NAME))
    template: Template = attrs.field(validator=checks.field(checks.is_a(Template, "a Template")))
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

    def __attrs_post_init__(self) -> None:
        declared = self.template.parameters
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


@attrs.frozen
class ConformancePackInfo:
    """What the service knows of a deployed conformance pack: what ``get(name)`` returns.

    The service does not return the template, so this is not a :class:`ConformancePack`.
    Parameters are checked against the botocore model's limit (330), not the documented 60,
    so that whatever the service holds can be read.

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
