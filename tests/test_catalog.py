"""orgconfig._catalog: resource types and managed rule identifiers AWS Config knows."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import botocore.session
import pytest

from orgconfig import OrgConfigRule, Template
from orgconfig import _catalog as catalog
from orgconfig._warnings import UnknownNameWarning
from orgconfig.errors import ValidationError
from tests.conftest import corpus_dir


def unknown_names(build: Callable[[], object]) -> list[UnknownNameWarning]:
    """The UnknownNameWarnings issued while calling ``build``."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        build()
    return [w.message for w in seen if isinstance(w.message, UnknownNameWarning)]


def test_resource_types_are_botocores() -> None:
    """The resource types are exactly the ResourceType enum of botocore's Config model."""
    model = botocore.session.get_session().get_service_model("config")
    assert catalog.resource_types() == frozenset(model.shape_for("ResourceType").enum)  # type: ignore[attr-defined]  # a StringShape


def test_managed_rules_ship_in_the_package() -> None:
    """The shipped list is read from the package's data folder and holds the usual rules."""
    known = catalog.managed_rule_identifiers()
    assert len(known) >= 400
    assert {"S3_BUCKET_VERSIONING_ENABLED", "ACCESS_KEYS_ROTATED"} <= known
    assert not any(i.startswith("#") or i != i.strip() for i in known)


def test_misspelt_identifier_warns_with_the_closest() -> None:
    """An unknown identifier is a warning naming the field and the closest known identifier."""
    [warning] = unknown_names(lambda: OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLE"))
    assert warning.field == "identifier"
    assert warning.name == "S3_BUCKET_VERSIONING_ENABLE"
    assert warning.suggestion == "S3_BUCKET_VERSIONING_ENABLED"


def test_the_unknown_identifier_warning_says_where_it_fails() -> None:
    """The warning says AWS refuses the rule's put, and that a pack fails in each member."""
    [warning] = unknown_names(lambda: OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLE"))
    text = str(warning)
    assert text.startswith("identifier: 'S3_BUCKET_VERSIONING_ENABLE' is not an AWS managed rule")
    assert "refuses an organization rule with an unknown identifier at the put" in text
    assert "InvalidParameterValueException" in text
    assert "in a conformance pack template, it fails in each member account" in text
    assert "fails in every member account" not in text


def test_known_identifier_and_types_are_silent() -> None:
    """A known identifier with known resource types issues no warning."""
    assert not unknown_names(
        lambda: OrgConfigRule.managed(
            "r", "S3_BUCKET_VERSIONING_ENABLED", resource_types=["AWS::S3::Bucket"]
        )
    )


def test_unknown_but_well_shaped_type_warns() -> None:
    """A well-shaped type botocore's model lacks is a warning for its index, with a suggestion."""
    [warning] = unknown_names(
        lambda: OrgConfigRule.managed(
            "r",
            "S3_BUCKET_VERSIONING_ENABLED",
            resource_types=["AWS::S3::Bucket", "AWS::S3::Buckets"],
        )
    )
    assert warning.field == "resource_types[1]"
    assert warning.suggestion == "AWS::S3::Bucket"


@pytest.mark.parametrize(
    "bad", ["S3::Bucket", "AWS::S3", "AWS::S3::Bucket::Extra", "aws s3 bucket"]
)
def test_shapeless_type_is_an_error(bad: str) -> None:
    """A name that cannot be a resource type is a ValidationError naming resource_types[i]."""
    builds: list[Callable[[], OrgConfigRule]] = [
        lambda: OrgConfigRule.managed(
            "r", "ACCESS_KEYS_ROTATED", resource_types=["AWS::S3::Bucket", bad]
        ),
        lambda: OrgConfigRule.custom_policy(
            "g", "rule r { a exists }", resource_types=["AWS::S3::Bucket", bad]
        ),
        lambda: OrgConfigRule.custom_lambda(
            "l",
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            ["ConfigurationItemChangeNotification"],
            resource_types=["AWS::S3::Bucket", bad],
        ),
    ]
    for build in builds:
        with pytest.raises(ValidationError) as caught:
            build()
        assert caught.value.field == "resource_types[1]"


def test_missing_prefix_is_suggested() -> None:
    """S3::Bucket suggests AWS::S3::Bucket."""
    message = catalog.resource_type_shape("S3::Bucket")
    assert message is not None
    assert "'AWS::S3::Bucket'" in message


def test_warning_points_at_the_callers_line() -> None:
    """The warning is reported at the user's line, not inside orgconfig."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        OrgConfigRule.managed("r", "NOT_A_REAL_RULE_AT_ALL")
    [warning] = [w for w in seen if issubclass(w.category, UnknownNameWarning)]
    assert warning.filename == __file__


def test_template_rules_warn_too() -> None:
    """Rules converted from a template are checked the same way."""
    template = Template.from_string(
        "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
        "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLE}\n"
    )
    [warning] = unknown_names(lambda: OrgConfigRule.from_template_rule(template.rules[0]))
    assert warning.suggestion == "S3_BUCKET_VERSIONING_ENABLED"


def test_corpus_identifiers_all_pass() -> None:
    """Every literal AWS managed identifier of the corpus is known (skips without the corpus)."""
    folder: Path = corpus_dir()
    seen = 0
    for path in sorted(folder.rglob("*.yaml")):
        try:
            template = Template.from_file(path)
        except ValidationError:
            continue  # the corpus holds a negative case (a duplicate key)
        for rule in template.rules:
            if rule.owner == "AWS" and isinstance(rule.source_identifier, str):
                seen += 1
                assert catalog.unknown_identifier(rule.source_identifier) is None, path
    assert seen > 8000
