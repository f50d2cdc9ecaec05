"""Tests for orgconfig._limits: each limit against botocore's model, and the models enforcing it."""

from __future__ import annotations

import contextlib
import typing
from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from botocore.model import ListShape, ServiceModel, Shape, StringShape, StructureShape

from orgconfig import _limits
from orgconfig._limits import DEVIATIONS, MODEL_SOURCES, NOT_IN_MODEL, ModelSource
from orgconfig._warnings import UnknownNameWarning
from orgconfig.errors import ValidationError
from orgconfig.models import (
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    Status,
)
from orgconfig.templates import Template


@pytest.fixture(scope="module")
def model() -> ServiceModel:
    """Botocore's model of the AWS Config service."""
    return botocore.session.get_session().get_service_model("config")


def _shape_at(model: ServiceModel, source: ModelSource) -> Shape:
    shape = model.shape_for(source.shape)
    for step in source.path.split("."):
        name, _, rest = step.partition("[]")
        assert isinstance(shape, StructureShape)
        shape = shape.members[name]
        if step.endswith("[]"):
            assert isinstance(shape, ListShape)
            shape = shape.member
        assert not rest
    return shape


def _model_value(model: ServiceModel, source: ModelSource) -> Any:
    shape = _shape_at(model, source)
    if source.facet == "enum":
        assert isinstance(shape, StringShape)
        return frozenset(shape.enum)
    return shape.metadata.get(source.facet)


def _ours(name: str) -> Any:
    value = getattr(_limits, name)
    return frozenset(value) if isinstance(value, tuple) else value


_CASES = [(name, s) for name, sources in MODEL_SOURCES.items() for s in sources]


_OLDER_MODELS = {("PACK_PARAMETERS_MAX", 60), ("PACK_PARAMETERS_MODEL_MAX", 60)}
"""(limit, model value) pairs of older botocore releases: the declared floor, 1.43.40, gives 60
pack parameters where newer models give 330. The newest release is held to DEVIATIONS."""


@pytest.mark.parametrize(
    ("name", "source"), _CASES, ids=[f"{n}-{s.shape}.{s.path}" for n, s in _CASES]
)
def test_limit_matches_the_model_or_is_a_listed_deviation(
    model: ServiceModel, name: str, source: ModelSource
) -> None:
    """Each limit equals botocore's model where the model states it, unless listed in DEVIATIONS."""
    found = _model_value(model, source)
    if (name, found) in _OLDER_MODELS:
        return  # the declared botocore floor still has the older figure (nox -s minimums)
    if name in DEVIATIONS:
        assert found == DEVIATIONS[name].model, f"{name}: the model changed; review the deviation"
        assert _ours(name) != found, f"{name}: no longer deviates; remove it from DEVIATIONS"
    else:
        assert _ours(name) == found, f"{name} drifted from botocore's model at {source}"


_STRING_MAXIMA = [
    (name, s) for name, s in _CASES if s.facet == "max" and name.endswith(("_MAX", "_MAX_LENGTH"))
]


@pytest.mark.parametrize(
    ("name", "source"), _STRING_MAXIMA, ids=[f"{n}-{s.path}" for n, s in _STRING_MAXIMA]
)
def test_string_minimum_matches_the_model(
    model: ServiceModel, name: str, source: ModelSource
) -> None:
    """A string's minimum is its _MIN constant (else 1), or a listed deviation from the model."""
    shape = _shape_at(model, source)
    if shape.type_name != "string":
        return
    stem = name.removesuffix("_MAX_LENGTH").removesuffix("_MAX")
    ours = getattr(_limits, f"{stem}_MIN", 1)
    found = shape.metadata.get("min", 0)
    deviation = DEVIATIONS.get(f"{stem}_MIN")
    if deviation is not None:
        assert found == deviation.model
        assert ours != found
    else:
        assert ours == found, f"{stem}_MIN drifted from botocore's model at {source}"


def test_every_limit_is_sourced() -> None:
    """Every public constant is either found in the model or says where else it comes from."""
    constants = {n for n in _limits.__all__ if n.isupper()} - {
        "DEVIATIONS",
        "MODEL_SOURCES",
        "NOT_IN_MODEL",
    }
    minima = {n for n in constants if n.endswith("_MIN")}
    assert constants - minima == set(MODEL_SOURCES) | set(NOT_IN_MODEL)
    assert not set(MODEL_SOURCES) & set(NOT_IN_MODEL)
    assert set(DEVIATIONS) <= constants


def test_every_deviation_has_a_reason() -> None:
    """A deviation states why the SDK departs from the model."""
    assert all(d.reason for d in DEVIATIONS.values())


def test_vocabulary_types_match_their_tuples() -> None:
    """The Literal types list exactly the values of their tuples."""
    assert typing.get_args(_limits.Frequency) == _limits.FREQUENCIES
    assert typing.get_args(_limits.TriggerType) == _limits.TRIGGER_TYPES


def test_status_members_are_the_models_states() -> None:
    """Status has one member per state the service reports, plus UNKNOWN."""
    assert {s.value for s in Status} - {"UNKNOWN"} == set(_limits.STATUS_VALUES)


def test_trigger_count_is_every_trigger_type_once() -> None:
    """A rule lists at most each trigger type once."""
    assert len(_limits.TRIGGER_TYPES) == _limits.TRIGGER_TYPES_MAX


# -- the models enforce the limits: one past each one is refused, naming the field ------------

_TEMPLATE = Template.from_string(
    "Parameters:\n  P:\n    Type: String\n    Default: x\n"
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)
_ARN = "arn:aws:config:us-east-1:111122223333:organization-conformance-pack/p"


def _pack(**kw: Any) -> object:
    if "delivery_prefix" in kw:
        kw["delivery_bucket"] = "awsconfigconforms-bucket"
    return ConformancePack(kw.pop("name", "pack"), _TEMPLATE, **kw)


def _info(**kw: Any) -> object:
    return ConformancePackInfo(kw.pop("name", "pack"), kw.pop("arn", _ARN), **kw)


def _managed(**kw: Any) -> object:
    if "tag_value" in kw:
        kw["tag_key"] = "k"
    identifier = kw.pop("identifier", "S3_BUCKET_VERSIONING_ENABLED")
    return OrgConfigRule.managed(kw.pop("name", "rule"), identifier, **kw)


def _guard(**kw: Any) -> object:
    return OrgConfigRule.custom_policy(
        kw.pop("name", "rule"), kw.pop("policy_text", "rule x { a exists }"), **kw
    )


def _lambda(**kw: Any) -> object:
    arn = kw.pop("lambda_arn", "arn:aws:lambda:us-east-1:111122223333:function:f")
    return OrgConfigRule.custom_lambda("rule", arn, ["ScheduledNotification"], **kw)


def _status(**kw: Any) -> object:
    return DeploymentStatus(kw.pop("name", "x"), "CREATE_SUCCESSFUL")


def _account(**kw: Any) -> object:
    return AccountStatus("111122223333", "CREATE_SUCCESSFUL", kw.pop("member_name", "x"))


def _accounts(n: int) -> list[str]:
    return [f"{i:012d}" for i in range(n)]


_Build = Callable[..., object]
_PAST_THE_LIMIT: list[tuple[str, _Build, str, Callable[[int], Any], int]] = [
    # (field reported, constructor, keyword, value of a given size, the limit)
    ("name", _pack, "name", lambda n: "p" * n, _limits.PACK_NAME_MAX),
    ("arn", _info, "arn", lambda n: "a" * n, _limits.PACK_ARN_MAX),
    (
        "parameters",
        _info,
        "parameters",
        lambda n: {f"P{i}": "v" for i in range(n)},
        _limits.PACK_PARAMETERS_MODEL_MAX,
    ),
    (
        "delivery_bucket",
        _pack,
        "delivery_bucket",
        lambda n: "awsconfigconforms" + "b" * (n - 17),
        _limits.DELIVERY_BUCKET_MAX,
    ),
    ("delivery_prefix", _pack, "delivery_prefix", lambda n: "k" * n, _limits.DELIVERY_PREFIX_MAX),
    ("excluded_accounts", _pack, "excluded_accounts", _accounts, _limits.ACCOUNTS_MAX),
    ("tags", _pack, "tags", lambda n: {f"k{i}": "v" for i in range(n)}, _limits.TAGS_MAX),
    ("tags['kkk", _pack, "tags", lambda n: {"k" * n: "v"}, _limits.TAG_KEY_MAX),
    ("tags['k']", _pack, "tags", lambda n: {"k": "v" * n}, _limits.TAG_VALUE_MAX),
    ("name", _managed, "name", lambda n: "r" * n, _limits.RULE_NAME_MAX),
    ("identifier", _managed, "identifier", lambda n: "I" * n, _limits.IDENTIFIER_MAX),
    ("description", _managed, "description", lambda n: "d" * n, _limits.DESCRIPTION_MAX),
    (
        "input_parameters",
        _managed,
        "input_parameters",
        lambda n: {"k": "v" * (n - 8)},  # {"k":""} is 8 characters
        _limits.INPUT_PARAMETERS_MAX,
    ),
    (
        "resource_types",
        _managed,
        "resource_types",
        lambda n: ["AWS::S3::Bucket"] * n,
        _limits.RESOURCE_TYPES_MAX,
    ),
    (
        "resource_types[0]",
        _managed,
        "resource_types",
        lambda n: ["AWS::S3::" + "T" * (n - 9)],  # well shaped: AWS::Service::Type
        _limits.RESOURCE_TYPE_MAX,
    ),
    ("tag_key", _managed, "tag_key", lambda n: "k" * n, _limits.SCOPE_TAG_KEY_MAX),
    ("tag_value", _managed, "tag_value", lambda n: "v" * n, _limits.SCOPE_TAG_VALUE_MAX),
    ("policy_text", _guard, "policy_text", lambda n: "#" * n, _limits.POLICY_TEXT_MAX),
    ("debug_log_accounts", _guard, "debug_log_accounts", _accounts, _limits.ACCOUNTS_MAX),
    ("name", _status, "name", lambda n: "s" * n, _limits.STATUS_NAME_MAX),
    ("member_name", _account, "member_name", lambda n: "m" * n, _limits.STATUS_NAME_MAX),
]
_UNKNOWN_AT_THE_LIMIT = frozenset({"identifier", "resource_types[0]"})
"""The fields whose value at the limit is made up: no AWS name is that long, so it warns."""


@pytest.mark.parametrize(
    ("field", "build", "keyword", "make", "limit"),
    _PAST_THE_LIMIT,
    ids=[f"{b.__name__}-{k}" for _, b, k, _, _ in _PAST_THE_LIMIT],
)
def test_models_enforce_the_limit(
    field: str, build: _Build, keyword: str, make: Callable[[int], Any], limit: int
) -> None:
    """A value at the limit is accepted; one past it raises ValidationError naming the field."""
    unknown = field in _UNKNOWN_AT_THE_LIMIT
    with pytest.warns(UnknownNameWarning) if unknown else contextlib.nullcontext():
        build(**{keyword: make(limit)})
    with pytest.raises(ValidationError) as caught:
        build(**{keyword: make(limit + 1)})
    assert caught.value.field is not None
    assert caught.value.field.startswith(field)


def test_pack_parameters_limit_is_the_documented_one() -> None:
    """A ConformancePack takes the documented 60 parameters, not the model's 330."""
    names = "".join(f"  P{i}:\n    Type: String\n    Default: x\n" for i in range(61))
    template = Template.from_string(
        f"Parameters:\n{names}Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n"
        "    Properties:\n      Source: {Owner: AWS, SourceIdentifier: X}\n"
    )
    params = {f"P{i}": "v" for i in range(_limits.PACK_PARAMETERS_MAX)}
    ConformancePack("pack", template, parameters=params)
    with pytest.raises(ValidationError) as caught:
        ConformancePack("pack", template, parameters={**params, "P60": "v"})
    assert caught.value.field == "parameters"


def test_lambda_arn_length_is_enforced() -> None:
    """A Lambda ARN past its length limit is refused for lambda_arn."""
    with pytest.raises(ValidationError) as caught:
        _lambda(lambda_arn="arn:aws:lambda:us-east-1:111122223333:function:" + "f" * 250)
    assert caught.value.field == "lambda_arn"


@pytest.mark.parametrize(
    ("build", "keyword", "value", "field"),
    [
        (_pack, "name", "1pack", "name"),
        (_managed, "name", "rule name", "name"),
        (_pack, "excluded_accounts", ["١١١١٢٢٢٢٣٣٣٣"], "excluded_accounts[0]"),
        (_guard, "runtime", "guard-3.x.x", "policy_runtime"),
        (_managed, "max_frequency", "Two_Hours", "max_frequency"),
        (_lambda, "max_frequency", "Daily", "max_frequency"),
    ],
)
def test_models_enforce_patterns_and_vocabularies(
    build: _Build, keyword: str, value: object, field: str
) -> None:
    """A value outside a pattern or vocabulary raises ValidationError naming the field."""
    with pytest.raises(ValidationError) as caught:
        build(**{keyword: value})
    assert caught.value.field == field
