"""Tests for orgconfig.models: construction, normalisation and every validation rule."""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.model import StringShape

from orgconfig import _checks
from orgconfig._frozen import FrozenDict
from orgconfig._warnings import UnknownNameWarning
from orgconfig.errors import ValidationError
from orgconfig.models import (
    FREQUENCIES,
    GUARD_RUNTIME,
    TRIGGER_TYPES,
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    RuleKind,
    Status,
)
from orgconfig.templates import Template, TemplateRule

TEMPLATE = """\
Parameters:
  MaxAccessKeyAge:
    Type: String
  LogRetentionDays:
    Type: String
    Default: "365"
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters:
        maxAccessKeyAge:
          Ref: MaxAccessKeyAge
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
  LogGroupRetention:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        MinRetentionTime:
          Ref: LogRetentionDays
      Source:
        Owner: AWS
        SourceIdentifier: CW_LOGGROUP_RETENTION_PERIOD_CHECK
"""

ACCOUNT = "111122223333"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:111122223333:function:check-tags"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
IDENTIFIER = "S3_BUCKET_VERSIONING_ENABLED"
"""An AWS managed rule identifier (of orgconfig's list)."""
GUARD_POLICY = "rule x { a exists }"
"""A Guard policy that parses."""


def _resource_types() -> frozenset[str]:
    shape = botocore.session.get_session().get_service_model("config").shape_for("ResourceType")
    assert isinstance(shape, StringShape)
    return frozenset(shape.enum)


RESOURCE_TYPES = _resource_types()
"""The resource types of botocore's AWS Config model (its ResourceType enum)."""


def guard_policy(length: int) -> str:
    """A Guard policy that parses, ``length`` characters long: a comment, then a rule."""
    return "#" * (length - len(GUARD_POLICY) - 1) + "\n" + GUARD_POLICY


@pytest.fixture(scope="module")
def template() -> Template:
    """A small template with one required and one defaulted parameter."""
    return Template.from_string(TEMPLATE, source="inline.yaml")


def accounts(n: int) -> list[str]:
    """Return ``n`` distinct, valid account ids."""
    return [f"{i:012d}" for i in range(1, n + 1)]


@contextlib.contextmanager
def invalid(field: str | None, *fragments: str) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """Expect a ValidationError for ``field`` whose message holds every fragment."""
    with pytest.raises(ValidationError) as info:
        yield info
    assert info.value.field == field, str(info.value)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def pack(template: Template, **kwargs: Any) -> ConformancePack:
    """Build a valid pack, with ``kwargs`` overriding the defaults."""
    fields: dict[str, Any] = {
        "name": "s3-baseline",
        "template": template,
        "parameters": {"MaxAccessKeyAge": "90"},
    }
    fields.update(kwargs)
    return ConformancePack(**fields)


def many_parameters_template(n: int) -> Template:
    """A template declaring ``n`` parameters P0..P{n-1}, each with a Default."""
    lines = ["Parameters:"] if n else []
    lines += [f"  P{i}:\n    Type: String\n    Default: x" for i in range(n)]
    lines.append("Resources:")
    lines.append("  R:\n    Type: AWS::Config::ConfigRule\n    Properties:")
    lines.append("      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}")
    if n:
        lines.append("      InputParameters:")
        lines += [f"        p{i}: {{Ref: P{i}}}" for i in range(n)]
    return Template.from_string("\n".join(lines) + "\n")


# -- ConformancePack --------------------------------------------------------------------------


class TestConformancePack:
    def test_minimal_pack(self, template: Template) -> None:
        """A pack with a name, a template and its required parameter is valid."""
        p = pack(template)
        assert p.parameters == {"MaxAccessKeyAge": "90"}
        assert p.excluded_accounts == ()
        assert p.delivery_bucket is None
        assert p.delivery_prefix is None
        assert p.tags == {}

    def test_full_pack_normalises_collections(self, template: Template) -> None:
        """Lists become tuples and dicts become read-only mappings, copied from the input."""
        params = {"MaxAccessKeyAge": "90", "LogRetentionDays": "30"}
        tags = {"team": "security"}
        excluded = [ACCOUNT]
        p = pack(
            template,
            parameters=params,
            excluded_accounts=excluded,
            delivery_bucket="awsconfigconforms-audit",
            delivery_prefix="packs/",
            tags=tags,
        )
        params["X"] = "changed"
        tags["other"] = "changed"
        excluded.append("999999999999")
        assert p.parameters == {"MaxAccessKeyAge": "90", "LogRetentionDays": "30"}
        assert p.tags == {"team": "security"}
        assert p.excluded_accounts == (ACCOUNT,)
        assert isinstance(p.parameters, Mapping)
        with pytest.raises(TypeError):
            p.parameters["X"] = "y"  # type: ignore[index]  # proving the mapping is read-only

    def test_equal_by_value_and_hashable(self, template: Template) -> None:
        """Two packs built from equal values are equal and hash alike."""
        a = pack(template, tags={"a": "1", "b": "2"}, excluded_accounts=[ACCOUNT])
        b = pack(template, tags={"b": "2", "a": "1"}, excluded_accounts=(ACCOUNT,))
        assert a == b
        assert hash(a) == hash(b)
        assert len({a, b}) == 1
        assert a != pack(template, tags={"a": "1"})

    def test_frozen(self, template: Template) -> None:
        """A pack cannot be changed after construction."""
        p = pack(template)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.name = "other"  # type: ignore[misc]  # proving the class is frozen

    def test_parameter_values_converted_to_text(self, template: Template) -> None:
        """int, float and bool parameter values are stored as the strings CloudFormation reads."""
        p = pack(template, parameters={"MaxAccessKeyAge": 90, "LogRetentionDays": True})
        assert p.parameters == {"MaxAccessKeyAge": "90", "LogRetentionDays": "true"}
        p = pack(template, parameters={"MaxAccessKeyAge": 1.5, "LogRetentionDays": False})
        assert p.parameters == {"MaxAccessKeyAge": "1.5", "LogRetentionDays": "false"}

    @pytest.mark.parametrize("value", [math.nan, math.inf])
    def test_non_finite_parameter_value_rejected(self, template: Template, value: float) -> None:
        """NaN and infinity are not parameter values."""
        with invalid("parameters['MaxAccessKeyAge']", "not a usable parameter value"):
            pack(template, parameters={"MaxAccessKeyAge": value})

    def test_parameter_value_of_wrong_type_rejected(self, template: Template) -> None:
        """A parameter value that is not text, a number or a bool is rejected."""
        with invalid("parameters['MaxAccessKeyAge']", "must be a string", "list"):
            pack(template, parameters={"MaxAccessKeyAge": [1]})

    def test_parameters_not_a_mapping_rejected(self, template: Template) -> None:
        """Parameters given as a list are rejected."""
        with invalid("parameters", "expected a mapping", "list"):
            pack(template, parameters=[("MaxAccessKeyAge", "1")])

    def test_repr_is_compact(self, template: Template) -> None:
        """The repr shows the template's summary, not its body."""
        text = repr(pack(template))
        assert "Template(source='inline.yaml'" in text
        assert "AccessKeysRotated" not in text

    # name

    def test_name_at_limit(self, template: Template) -> None:
        """A 128-character name is accepted."""
        assert pack(template, name="a" * 128).name == "a" * 128

    def test_name_over_limit(self, template: Template) -> None:
        """A 129-character name is rejected with its length and the limit."""
        with invalid("name", "129 characters", "limit is 128"):
            pack(template, name="a" * 129)

    def test_name_empty(self, template: Template) -> None:
        """An empty name is rejected."""
        with invalid("name", "must not be empty"):
            pack(template, name="")

    @pytest.mark.parametrize("name", ["1pack", "-pack", "my_pack", "my pack", "pack!"])
    def test_name_pattern(self, template: Template, name: str) -> None:
        """A name must start with a letter and hold only letters, digits and hyphens."""
        with invalid("name", repr(name), "does not match [a-zA-Z][-a-zA-Z0-9]*"):
            pack(template, name=name)

    def test_name_not_a_string(self, template: Template) -> None:
        """A name that is not a string is rejected naming its type."""
        with invalid("name", "must be a string, not int 5"):
            pack(template, name=5)

    def test_template_must_be_a_template(self) -> None:
        """The template must be a Template, not its text."""
        with invalid("template", "must be a Template, not str"):
            ConformancePack("p", TEMPLATE)  # type: ignore[arg-type]  # proving the runtime check

    # parameters

    def test_sixty_parameters_accepted(self) -> None:
        """Sixty parameters, the documented limit, are accepted."""
        t = many_parameters_template(61)
        p = ConformancePack("p", t, parameters={f"P{i}": "v" for i in range(60)})
        assert len(p.parameters) == 60

    def test_sixty_one_parameters_rejected(self) -> None:
        """Sixty-one parameters are rejected with the count and the limit."""
        t = many_parameters_template(61)
        with invalid("parameters", "61 parameters given", "at most 60"):
            ConformancePack("p", t, parameters={f"P{i}": "v" for i in range(61)})

    def test_parameter_name_over_limit(self, template: Template) -> None:
        """A parameter name over 255 characters is rejected before the template is consulted."""
        name = "P" * 256
        with invalid(f"parameters[{name!r}]", "the key", "256 characters", "limit is 255"):
            pack(template, parameters={"MaxAccessKeyAge": "1", name: "x"})

    def test_parameter_name_empty(self, template: Template) -> None:
        """An empty parameter name is rejected."""
        with invalid("parameters['']", "the key must not be empty"):
            pack(template, parameters={"MaxAccessKeyAge": "1", "": "x"})

    def test_parameter_value_at_limit(self, template: Template) -> None:
        """A 4,096-character value is accepted, and so is an empty one."""
        assert len(pack(template, parameters={"MaxAccessKeyAge": "v" * 4096}).parameters) == 1
        assert (
            pack(template, parameters={"MaxAccessKeyAge": ""}).parameters["MaxAccessKeyAge"] == ""
        )

    def test_parameter_value_over_limit(self, template: Template) -> None:
        """A 4,097-character value is rejected with its length and the limit."""
        with invalid("parameters['MaxAccessKeyAge']", "4,097 characters", "limit is 4,096"):
            pack(template, parameters={"MaxAccessKeyAge": "v" * 4097})

    def test_unknown_parameter_suggests_closest(self, template: Template) -> None:
        """A parameter the template does not declare names the closest declared one."""
        with invalid(
            "parameters['MaxAccesKeyAge']",
            "the template has no parameter 'MaxAccesKeyAge'",
            "did you mean 'MaxAccessKeyAge'?",
            "declared: LogRetentionDays, MaxAccessKeyAge",
        ):
            pack(template, parameters={"MaxAccessKeyAge": "1", "MaxAccesKeyAge": "1"})

    def test_unknown_parameter_suggestion_ignores_case(self, template: Template) -> None:
        """The suggestion is found whatever the case of the typo."""
        with invalid("parameters['logretentiondays']", "did you mean 'LogRetentionDays'?"):
            pack(template, parameters={"MaxAccessKeyAge": "1", "logretentiondays": "1"})

    def test_unknown_parameter_without_close_match(self, template: Template) -> None:
        """A parameter like nothing declared gets no suggestion but the declared names."""
        with invalid("parameters['Zzz']", "no parameter 'Zzz' (declared:") as info:
            pack(template, parameters={"MaxAccessKeyAge": "1", "Zzz": "1"})
        assert "did you mean" not in str(info.value)

    def test_parameter_for_template_without_parameters(self) -> None:
        """A parameter given to a template that declares none says so."""
        t = many_parameters_template(0)
        with invalid("parameters['A']", "it declares no parameters"):
            ConformancePack("p", t, parameters={"A": "1"})

    def test_missing_required_parameter(self, template: Template) -> None:
        """A template parameter without a Default must be given."""
        with invalid("parameters['MaxAccessKeyAge']", "requires a value for MaxAccessKeyAge"):
            pack(template, parameters={})

    def test_defaulted_parameter_may_be_omitted(self, template: Template) -> None:
        """A template parameter with a Default need not be given."""
        assert "LogRetentionDays" not in pack(template).parameters

    # excluded accounts

    def test_excluded_accounts_at_limit(self, template: Template) -> None:
        """A thousand unique accounts are accepted."""
        assert len(pack(template, excluded_accounts=accounts(1000)).excluded_accounts) == 1000

    def test_excluded_accounts_over_limit(self, template: Template) -> None:
        """A thousand and one accounts are rejected with the count and the limit."""
        with invalid("excluded_accounts", "1,001 accounts given", "at most 1,000"):
            pack(template, excluded_accounts=accounts(1001))

    @pytest.mark.parametrize(
        "account", ["11112222333", "1111222233334", "11112222333a", "١١١١٢٢٢٢٣٣٣٣"]
    )
    def test_excluded_account_must_be_twelve_digits(self, template: Template, account: str) -> None:
        """An account id that is not twelve ASCII digits is rejected, naming its index."""
        with invalid("excluded_accounts[1]", repr(account), "not an AWS account id (12 digits)"):
            pack(template, excluded_accounts=[ACCOUNT, account])

    def test_excluded_account_not_a_string(self, template: Template) -> None:
        """An account id given as a number is rejected."""
        with invalid("excluded_accounts[0]", "must be a string, not int"):
            pack(template, excluded_accounts=[111122223333])

    def test_excluded_accounts_unique(self, template: Template) -> None:
        """An account listed twice is rejected, naming both places."""
        with invalid("excluded_accounts[2]", "listed twice", "excluded_accounts[0]"):
            pack(template, excluded_accounts=[ACCOUNT, "999999999999", ACCOUNT])

    def test_excluded_accounts_as_string_rejected(self, template: Template) -> None:
        """A single account id given as a string, not a list, is rejected."""
        with invalid("excluded_accounts", "expected a list of strings, not str"):
            pack(template, excluded_accounts=ACCOUNT)

    def test_excluded_accounts_not_iterable(self, template: Template) -> None:
        """An excluded_accounts value that is not a list is rejected."""
        with invalid("excluded_accounts", "expected a list of strings, not int"):
            pack(template, excluded_accounts=5)

    # delivery bucket and prefix

    @pytest.mark.parametrize(
        "bucket",
        ["awsconfigconforms", "awsconfigconforms-audit.logs-1", "awsconfigconforms" + "a" * 46],
    )
    def test_delivery_bucket_valid(self, template: Template, bucket: str) -> None:
        """Bucket names with the required prefix, up to 63 characters, are accepted."""
        assert pack(template, delivery_bucket=bucket).delivery_bucket == bucket

    @pytest.mark.parametrize(
        ("bucket", "fragment"),
        [
            ("awsconfigconforms" + "a" * 47, "64 characters long; the limit is 63"),
            ("my-bucket", "does not start with 'awsconfigconforms'"),
            ("awsconfigconformsAudit", "lowercase letters, digits, '.' and '-' only"),
            ("awsconfigconforms_audit", "lowercase letters, digits, '.' and '-' only"),
            ("awsconfigconforms-", "must end with a letter or digit"),
            ("awsconfigconforms..a", "two adjacent periods"),
            ("awsconfigconforms-s3alias", "ends with a suffix S3 reserves"),
            ("awsconfigconforms--x-s3", "ends with a suffix S3 reserves"),
        ],
    )
    def test_delivery_bucket_invalid(self, template: Template, bucket: str, fragment: str) -> None:
        """A bucket name that breaks an S3 rule or lacks the prefix is rejected, saying why."""
        with invalid("delivery_bucket", repr(bucket)[:20], fragment):
            pack(template, delivery_bucket=bucket)

    def test_empty_delivery_bucket_and_prefix_mean_none(self, template: Template) -> None:
        """Empty strings for the bucket and the prefix are the same as leaving them out."""
        p = pack(template, delivery_bucket="", delivery_prefix="")
        assert p.delivery_bucket is None
        assert p.delivery_prefix is None

    def test_delivery_prefix_at_limit(self, template: Template) -> None:
        """A 1,024-character key prefix is accepted."""
        p = pack(template, delivery_bucket="awsconfigconforms-a", delivery_prefix="k" * 1024)
        assert p.delivery_prefix == "k" * 1024

    def test_delivery_prefix_over_limit(self, template: Template) -> None:
        """A 1,025-character key prefix is rejected."""
        with invalid("delivery_prefix", "1,025 characters", "limit is 1,024"):
            pack(template, delivery_bucket="awsconfigconforms-a", delivery_prefix="k" * 1025)

    def test_delivery_prefix_needs_bucket(self, template: Template) -> None:
        """A key prefix without a bucket is rejected."""
        with invalid("delivery_prefix", "needs a delivery_bucket"):
            pack(template, delivery_prefix="packs/")

    # tags

    def test_tags_at_limits(self, template: Template) -> None:
        """Fifty tags, 128-character keys and 256-character (or empty) values are accepted."""
        tags = {f"k{i}": "v" for i in range(48)} | {"k" * 128: "v" * 256, "empty": ""}
        assert len(pack(template, tags=tags).tags) == 50

    def test_too_many_tags(self, template: Template) -> None:
        """Fifty-one tags are rejected."""
        with invalid("tags", "51 tags given", "at most 50"):
            pack(template, tags={f"k{i}": "v" for i in range(51)})

    def test_tag_key_over_limit(self, template: Template) -> None:
        """A 129-character tag key is rejected."""
        key = "k" * 129
        with invalid(f"tags[{key!r}]", "the key", "129 characters", "limit is 128"):
            pack(template, tags={key: "v"})

    def test_tag_key_empty(self, template: Template) -> None:
        """An empty tag key is rejected."""
        with invalid("tags['']", "the key must not be empty"):
            pack(template, tags={"": "v"})

    @pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:x"])
    def test_tag_key_reserved_prefix(self, template: Template, key: str) -> None:
        """A tag key starting with aws: in any case is rejected."""
        with invalid(f"tags[{key!r}]", "reserved for AWS"):
            pack(template, tags={key: "v"})

    def test_tag_key_with_aws_elsewhere(self, template: Template) -> None:
        """A tag key containing aws: after the start is accepted."""
        assert pack(template, tags={"my-aws:key": "v"}).tags == {"my-aws:key": "v"}

    def test_tag_value_over_limit(self, template: Template) -> None:
        """A 257-character tag value is rejected."""
        with invalid("tags['k']", "257 characters", "limit is 256"):
            pack(template, tags={"k": "v" * 257})

    def test_tag_value_not_a_string(self, template: Template) -> None:
        """A tag value that is not a string is rejected."""
        with invalid("tags['k']", "must be a string, not int"):
            pack(template, tags={"k": 1})

    def test_tags_not_a_mapping(self, template: Template) -> None:
        """Tags given as a list of pairs are rejected."""
        with invalid("tags", "expected a mapping, not list"):
            pack(template, tags=[("k", "v")])


# -- ConformancePackInfo ------------------------------------------------------------------------


class TestConformancePackInfo:
    def test_valid(self) -> None:
        """An info with every field set keeps them, datetime included."""
        info = ConformancePackInfo(
            "s3-baseline",
            "arn:aws:config:us-east-1:111122223333:organization-conformance-pack/s3-baseline-x",
            parameters={"A": "1"},
            excluded_accounts=[ACCOUNT],
            delivery_bucket="awsconfigconforms-a",
            delivery_prefix="p",
            last_update=NOW,
        )
        assert info.last_update is NOW
        assert info.excluded_accounts == (ACCOUNT,)
        assert hash(info) == hash(attrs.evolve(info))

    def test_model_limit_of_parameters(self) -> None:
        """Info accepts the model's 330 parameters (what the service may hold), not 331."""
        assert (
            len(ConformancePackInfo("p", "arn", {f"P{i}": "v" for i in range(330)}).parameters)
            == 330
        )
        with invalid("parameters", "331 parameters given", "at most 330"):
            ConformancePackInfo("p", "arn", {f"P{i}": "v" for i in range(331)})

    def test_arn_limits(self) -> None:
        """The ARN is 1 to 256 characters."""
        assert ConformancePackInfo("p", "a" * 256).arn == "a" * 256
        with invalid("arn", "257 characters", "limit is 256"):
            ConformancePackInfo("p", "a" * 257)
        with invalid("arn", "must not be empty"):
            ConformancePackInfo("p", "")

    def test_name_checked(self) -> None:
        """The name follows the conformance pack name rule."""
        with invalid("name", "does not match"):
            ConformancePackInfo("9p", "arn")

    def test_last_update_must_be_datetime(self) -> None:
        """A last_update that is not a datetime is rejected."""
        with invalid("last_update", "must be a datetime, not str"):
            ConformancePackInfo("p", "arn", last_update="2026-01-01")  # type: ignore[arg-type]  # proving the runtime check

    def test_prefix_without_bucket_is_read_as_given(self) -> None:
        """Info reports what the service holds and does not apply the prefix-needs-bucket rule."""
        assert ConformancePackInfo("p", "arn", delivery_prefix="x").delivery_prefix == "x"


# -- Status ------------------------------------------------------------------------------------

KNOWN = [s for s in Status if s is not Status.UNKNOWN]


class TestStatus:
    def test_nine_known_states(self) -> None:
        """Three actions times three outcomes, plus UNKNOWN."""
        assert len(KNOWN) == 9
        assert {s.action for s in KNOWN} == {"create", "update", "delete"}

    @pytest.mark.parametrize("status", KNOWN)
    def test_properties(self, status: Status) -> None:
        """Each known state is in progress, succeeded or failed, and its prefix is its action."""
        action, _, outcome = status.value.partition("_")
        assert status.in_progress == (outcome == "IN_PROGRESS")
        assert status.succeeded == (outcome == "SUCCESSFUL")
        assert status.failed == (outcome == "FAILED")
        assert status.finished == (outcome != "IN_PROGRESS")
        assert [status.in_progress, status.succeeded, status.failed].count(True) == 1
        assert status.action == action.lower()

    def test_unknown(self) -> None:
        """UNKNOWN is neither in progress nor finished and has no action."""
        s = Status.UNKNOWN
        assert [s.in_progress, s.succeeded, s.failed, s.finished] == [False] * 4
        assert s.action is None

    def test_parse(self) -> None:
        """parse gives the member for a known text and UNKNOWN otherwise."""
        assert Status.parse("UPDATE_FAILED") is Status.UPDATE_FAILED
        assert Status.parse("CREATE_PENDING") is Status.UNKNOWN
        with pytest.raises(ValueError, match="CREATE_PENDING"):
            Status("CREATE_PENDING")

    def test_str_is_value(self) -> None:
        """str() of a status is its value, on every Python version."""
        assert str(Status.DELETE_SUCCESSFUL) == "DELETE_SUCCESSFUL"
        assert f"{Status.CREATE_FAILED}" == "CREATE_FAILED"


# -- DeploymentStatus and AccountStatus --------------------------------------------------------


class TestDeploymentStatus:
    def test_valid(self) -> None:
        """A status with every field keeps them; a status text is converted to the member."""
        s = DeploymentStatus("p", "CREATE_FAILED", "Err", "boom", NOW)
        assert s.status is Status.CREATE_FAILED
        assert (s.error_code, s.error_message, s.last_update) == ("Err", "boom", NOW)
        assert s.unknown_status is None

    def test_invalid_status_text(self) -> None:
        """A status text that is not a state is rejected, listing the states."""
        with invalid("status", "'DONE' is not a status", "CREATE_IN_PROGRESS"):
            DeploymentStatus("p", "DONE")

    def test_unknown_status_kept_with_unknown(self) -> None:
        """The service's text is kept while the status is UNKNOWN."""
        s = DeploymentStatus("p", Status.UNKNOWN, unknown_status="CREATE_PENDING")
        assert s.unknown_status == "CREATE_PENDING"

    def test_unknown_status_dropped_when_known(self) -> None:
        """Evolving an UNKNOWN status to a known one drops the stale text."""
        s = DeploymentStatus("p", Status.UNKNOWN, unknown_status="X")
        known = attrs.evolve(s, status=Status.DELETE_SUCCESSFUL)
        assert known.unknown_status is None
        assert known == DeploymentStatus("p", Status.DELETE_SUCCESSFUL)

    def test_unknown_status_text_checked(self) -> None:
        """The kept status text is 1 to 256 characters."""
        with invalid("unknown_status", "must not be empty"):
            DeploymentStatus("p", Status.UNKNOWN, unknown_status="")
        with invalid("unknown_status", "257 characters"):
            DeploymentStatus("p", Status.UNKNOWN, unknown_status="S" * 257)

    def test_name_limits(self) -> None:
        """The name is 1 to 256 characters."""
        with invalid("name", "must not be empty"):
            DeploymentStatus("", Status.CREATE_SUCCESSFUL)
        with invalid("name", "257 characters"):
            DeploymentStatus("n" * 257, Status.CREATE_SUCCESSFUL)

    def test_error_fields_must_be_text(self) -> None:
        """Error code and message are strings or None."""
        with invalid("error_code", "must be a string, not int"):
            DeploymentStatus("p", Status.CREATE_FAILED, error_code=1)  # type: ignore[arg-type]  # proving the runtime check
        with invalid("error_message", "must be a string"):
            DeploymentStatus("p", Status.CREATE_FAILED, error_message=b"x")  # type: ignore[arg-type]  # proving the runtime check

    def test_last_update_must_be_datetime(self) -> None:
        """last_update is a datetime or None."""
        with invalid("last_update", "must be a datetime"):
            DeploymentStatus("p", Status.CREATE_FAILED, last_update=0)  # type: ignore[arg-type]  # proving the runtime check


class TestAccountStatus:
    def test_valid(self) -> None:
        """An account status keeps the member-side name."""
        a = AccountStatus(ACCOUNT, Status.CREATE_SUCCESSFUL, "OrgConformsPack-p-abc")
        assert a.member_name == "OrgConformsPack-p-abc"
        assert a.status.succeeded

    def test_account_id_checked(self) -> None:
        """The account id is twelve digits."""
        with invalid("account_id", "not an AWS account id"):
            AccountStatus("123", Status.CREATE_SUCCESSFUL, "m")

    def test_member_name_limits(self) -> None:
        """The member-side name is 1 to 256 characters."""
        assert AccountStatus(ACCOUNT, "CREATE_FAILED", "m" * 256).member_name == "m" * 256
        with invalid("member_name", "257 characters"):
            AccountStatus(ACCOUNT, "CREATE_FAILED", "m" * 257)
        with invalid("member_name", "must not be empty"):
            AccountStatus(ACCOUNT, "CREATE_FAILED", "")

    def test_evolve_drops_unknown_text(self) -> None:
        """evolve to a known status (as deployments do) keeps the record valid."""
        a = AccountStatus(ACCOUNT, Status.UNKNOWN, "m", unknown_status="NEW_STATE")
        assert attrs.evolve(a, status=Status.DELETE_SUCCESSFUL).unknown_status is None


# -- OrgConfigRule ----------------------------------------------------------------------------


def managed(**kwargs: Any) -> OrgConfigRule:
    """A managed rule with ``kwargs`` overriding the defaults."""
    fields: dict[str, Any] = {"name": "s3-versioning", "identifier": "S3_BUCKET_VERSIONING_ENABLED"}
    fields.update(kwargs)
    return OrgConfigRule.managed(**fields)


def custom_lambda(**kwargs: Any) -> OrgConfigRule:
    """A Lambda rule with ``kwargs`` overriding the defaults."""
    fields: dict[str, Any] = {
        "name": "tagged",
        "lambda_arn": LAMBDA_ARN,
        "trigger_types": ["ConfigurationItemChangeNotification"],
    }
    fields.update(kwargs)
    return OrgConfigRule.custom_lambda(**fields)


def custom_policy(**kwargs: Any) -> OrgConfigRule:
    """A Guard rule with ``kwargs`` overriding the defaults."""
    fields: dict[str, Any] = {"name": "pitr", "policy_text": "rule pitr { x == 1 }"}
    fields.update(kwargs)
    return OrgConfigRule.custom_policy(**fields)


class TestOrgConfigRuleKinds:
    def test_managed(self) -> None:
        """A managed rule carries its identifier and no custom fields."""
        r = managed(description="d", max_frequency="Six_Hours", excluded_accounts=[ACCOUNT])
        assert r.kind is RuleKind.MANAGED
        assert r.identifier == "S3_BUCKET_VERSIONING_ENABLED"
        assert (r.lambda_arn, r.policy_text, r.policy_runtime) == (None, None, None)
        assert r.trigger_types == ()
        assert r.max_frequency == "Six_Hours"
        assert r.excluded_accounts == (ACCOUNT,)

    def test_custom_lambda(self) -> None:
        """A Lambda rule carries its ARN and trigger types."""
        r = custom_lambda(
            trigger_types=["ScheduledNotification", "ConfigurationItemChangeNotification"],
            max_frequency="One_Hour",
        )
        assert r.kind is RuleKind.CUSTOM_LAMBDA
        assert r.lambda_arn == LAMBDA_ARN
        assert r.trigger_types == ("ScheduledNotification", "ConfigurationItemChangeNotification")

    def test_custom_policy_defaults(self) -> None:
        """A Guard rule defaults to guard-2.x.x and both change triggers."""
        r = custom_policy(debug_log_accounts=[ACCOUNT])
        assert r.kind is RuleKind.CUSTOM_POLICY
        assert r.policy_runtime == GUARD_RUNTIME
        assert r.trigger_types == TRIGGER_TYPES[:2]
        assert r.debug_log_accounts == (ACCOUNT,)

    def test_custom_policy_without_triggers(self) -> None:
        """A Guard rule may have no trigger types, as the API allows."""
        assert custom_policy(trigger_types=[]).trigger_types == ()

    def test_equal_by_value_and_hashable(self) -> None:
        """Rules with equal values, nested input parameters included, are equal and hash alike."""
        a = managed(input_parameters={"a": [1, {"b": None}], "c": "d"}, tags={"t": "1"})
        b = managed(input_parameters={"a": (1, {"b": None}), "c": "d"}, tags={"t": "1"})
        assert a == b
        assert hash(a) == hash(b)
        assert a != managed(input_parameters={"a": [1, {"b": 0}], "c": "d"}, tags={"t": "1"})
        assert attrs.evolve(a) == a
        assert attrs.evolve(a, description="d").description == "d"

    def test_repr_hides_policy_text(self) -> None:
        """The repr shows the policy's length, not its text."""
        text = repr(custom_policy(policy_text="rule secret_policy { x == 1 }" * 10))
        assert "secret_policy" not in text
        assert "<290 characters>" in text

    def test_kind_from_text(self) -> None:
        """The raw constructor takes the kind as text too."""
        r = OrgConfigRule(name="r", kind="managed", identifier=IDENTIFIER)
        assert r.kind is RuleKind.MANAGED
        assert str(r.kind) == "managed"

    def test_invalid_kind(self) -> None:
        """An unknown kind is rejected, listing the kinds."""
        with invalid("kind", "'guard' is not a rule kind", "custom_policy"):
            OrgConfigRule(name="r", kind="guard", identifier="X")

    @pytest.mark.parametrize(
        ("kind", "field"),
        [(RuleKind.MANAGED, "identifier"), (RuleKind.CUSTOM_LAMBDA, "lambda_arn")],
    )
    def test_required_field_per_kind(self, kind: RuleKind, field: str) -> None:
        """Each kind needs its own source field."""
        with invalid(field, f"a {kind} rule needs {field}"):
            OrgConfigRule(name="r", kind=kind)

    def test_guard_needs_policy_text(self) -> None:
        """A Guard rule needs its policy text (e.g. when Describe gives none)."""
        with invalid("policy_text", "a custom_policy rule needs policy_text"):
            OrgConfigRule(name="r", kind=RuleKind.CUSTOM_POLICY, policy_runtime=GUARD_RUNTIME)

    @pytest.mark.parametrize(
        ("kind", "fields", "bad"),
        [
            (RuleKind.MANAGED, {"identifier": "X"}, {"lambda_arn": LAMBDA_ARN}),
            (RuleKind.MANAGED, {"identifier": "X"}, {"policy_text": "x"}),
            (RuleKind.MANAGED, {"identifier": "X"}, {"trigger_types": TRIGGER_TYPES[:1]}),
            (RuleKind.MANAGED, {"identifier": "X"}, {"debug_log_accounts": [ACCOUNT]}),
            (
                RuleKind.CUSTOM_LAMBDA,
                {"lambda_arn": LAMBDA_ARN, "trigger_types": TRIGGER_TYPES[:1]},
                {"identifier": "X"},
            ),
            (
                RuleKind.CUSTOM_LAMBDA,
                {"lambda_arn": LAMBDA_ARN, "trigger_types": TRIGGER_TYPES[:1]},
                {"policy_runtime": GUARD_RUNTIME},
            ),
            (
                RuleKind.CUSTOM_POLICY,
                {"policy_text": "x", "policy_runtime": GUARD_RUNTIME},
                {"lambda_arn": LAMBDA_ARN},
            ),
        ],
    )
    def test_fields_of_other_kinds_rejected(
        self, kind: RuleKind, fields: dict[str, Any], bad: dict[str, Any]
    ) -> None:
        """A field that belongs to another kind of rule is rejected, naming the kind."""
        (field,) = bad
        with invalid(field, f"rules take {field}; this is a {kind} rule"):
            OrgConfigRule(name="r", kind=kind, **fields, **bad)


class TestOrgConfigRuleFields:
    def test_name_limits(self) -> None:
        """A rule name is 1 to 64 characters."""
        assert managed(name="n" * 64).name == "n" * 64
        with invalid("name", "65 characters", "limit is 64"):
            managed(name="n" * 65)
        with invalid("name", "must not be empty"):
            managed(name="")

    def test_name_pattern(self) -> None:
        """A rule name holds letters, digits, hyphens and underscores only."""
        assert managed(name="My_rule-1").name == "My_rule-1"
        with invalid("name", "'my.rule' does not match [A-Za-z0-9_-]+"):
            managed(name="my.rule")

    def test_identifier_limits(self) -> None:
        """A managed rule identifier is 1 to 256 characters."""
        with pytest.warns(UnknownNameWarning):  # no AWS identifier is that long
            assert managed(identifier="I" * 256).identifier == "I" * 256
        with invalid("identifier", "257 characters", "limit is 256"):
            managed(identifier="I" * 257)
        with invalid("identifier", "must not be empty"):
            managed(identifier="")

    def test_description_limits(self) -> None:
        """A description is 0 to 256 characters."""
        assert managed(description="").description == ""
        assert managed(description="d" * 256).description == "d" * 256
        with invalid("description", "257 characters", "limit is 256"):
            managed(description="d" * 257)

    def test_frequencies(self) -> None:
        """Every documented frequency is accepted for a managed rule, anything else is not."""
        for frequency in FREQUENCIES:
            assert managed(max_frequency=frequency).max_frequency == frequency
        with invalid("max_frequency", "'Daily' is not a valid execution frequency", "One_Hour"):
            managed(max_frequency="Daily")

    def test_resource_types_limits(self) -> None:
        """A hundred resource types of up to 256 characters are accepted; 101 are not."""
        known = sorted(RESOURCE_TYPES)[:101]
        longest = "AWS::S3::" + "T" * (256 - len("AWS::S3::"))  # well shaped, so only a warning
        types = [*known[:99], longest]
        with pytest.warns(UnknownNameWarning):  # no AWS resource type is that long
            assert len(managed(resource_types=types).resource_types) == 100
        with invalid("resource_types", "101 resource types given", "at most 100"):
            managed(resource_types=known)

    def test_resource_type_item_limits(self) -> None:
        """Each resource type is 1 to 256 characters, named by its index."""
        with invalid("resource_types[1]", "257 characters"):
            managed(resource_types=["AWS::S3::Bucket", "T" * 257])
        with invalid("resource_types[0]", "must not be empty"):
            managed(resource_types=[""])

    def test_resource_id_limits(self) -> None:
        """A resource id is 1 to 768 characters."""
        one = ["AWS::EC2::Instance"]
        assert managed(resource_types=one, resource_id="i" * 768).resource_id == "i" * 768
        with invalid("resource_id", "769 characters", "limit is 768"):
            managed(resource_types=one, resource_id="i" * 769)

    @pytest.mark.parametrize("types", [[], ["AWS::EC2::Instance", "AWS::S3::Bucket"]])
    def test_resource_id_needs_one_type(self, types: list[str]) -> None:
        """A resource id needs exactly one resource type."""
        with invalid("resource_id", "needs exactly one resource type", f"{len(types)} given"):
            managed(resource_types=types, resource_id="i-1")

    def test_tag_scope_limits(self) -> None:
        """Tag key 1-128 and tag value 1-256 are accepted; one past is not."""
        r = managed(tag_key="k" * 128, tag_value="v" * 256)
        assert (len(r.tag_key or ""), len(r.tag_value or "")) == (128, 256)
        with invalid("tag_key", "129 characters"):
            managed(tag_key="k" * 129)
        with invalid("tag_value", "257 characters"):
            managed(tag_key="k", tag_value="v" * 257)
        with invalid("tag_value", "must not be empty"):
            managed(tag_key="k", tag_value="")

    def test_tag_value_needs_tag_key(self) -> None:
        """A tag value scope without a tag key is rejected; a key alone is fine."""
        assert managed(tag_key="env").tag_value is None
        with invalid("tag_value", "needs a tag_key"):
            managed(tag_value="prod")

    def test_excluded_accounts(self) -> None:
        """Excluded accounts follow the same rules as for packs."""
        assert len(managed(excluded_accounts=accounts(1000)).excluded_accounts) == 1000
        with invalid("excluded_accounts", "1,001 accounts"):
            managed(excluded_accounts=accounts(1001))
        with invalid("excluded_accounts[0]", "not an AWS account id"):
            managed(excluded_accounts=["x"])

    def test_tags(self) -> None:
        """Tags follow the same rules as for packs."""
        assert managed(tags={"k": "v"}).tags == {"k": "v"}
        with invalid("tags['aws:k']", "reserved for AWS"):
            managed(tags={"aws:k": "v"})


class TestInputParameters:
    def test_stored_frozen(self) -> None:
        """Nested lists become tuples and mappings become read-only mappings."""
        r = managed(input_parameters={"a": [1, {"b": [True, None]}], "c": 1.5})
        params = r.input_parameters
        assert params is not None
        assert params["a"] == (1, {"b": (True, None)})
        with pytest.raises(TypeError):
            params["a"] = 1  # type: ignore[index]  # proving the mapping is read-only

    def test_json_is_compact_and_ordered(self) -> None:
        """The JSON keeps the given key order, has no spaces and keeps non-ASCII text."""
        r = managed(input_parameters={"z": "é", "a": [1, 2]})
        assert r.input_parameters_json == '{"z":"é","a":[1,2]}'

    def test_empty_means_none(self) -> None:
        """An empty mapping is the same as no parameters."""
        assert managed(input_parameters={}).input_parameters is None
        assert managed().input_parameters_json is None

    def test_json_length_at_limit(self) -> None:
        """Parameters whose JSON is 2,048 characters are accepted."""
        r = managed(input_parameters={"a": "x" * 2040})
        assert len(r.input_parameters_json or "") == 2048

    def test_json_length_over_limit(self) -> None:
        """Parameters whose JSON is 2,049 characters are rejected with the serialised length."""
        with invalid("input_parameters", "compact JSON they are 2,049 characters", "2,048"):
            managed(input_parameters={"a": "x" * 2041})

    def test_text_rejected_with_hint(self) -> None:
        """JSON text instead of a mapping is rejected, suggesting json.loads."""
        with invalid("input_parameters", "expected a mapping", "json.loads"):
            managed(input_parameters='{"a": "1"}')

    def test_value_not_json(self) -> None:
        """A value JSON cannot carry is rejected, naming its path."""
        with invalid("input_parameters['a'][1]", "set", "cannot be written as JSON"):
            managed(input_parameters={"a": [1, {2}]})

    def test_non_finite_number(self) -> None:
        """NaN cannot be written as JSON."""
        with invalid("input_parameters['a']", "no NaN or infinity"):
            managed(input_parameters={"a": math.nan})

    def test_non_string_key(self) -> None:
        """JSON object keys must be strings, at any depth."""
        with invalid("input_parameters['a']", "the key 1 is not a string"):
            managed(input_parameters={"a": {1: "x"}})


class TestLambdaRule:
    @pytest.mark.parametrize(
        "arn",
        [
            LAMBDA_ARN,
            "arn:aws-cn:lambda:cn-north-1:111122223333:function:f",
            "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:f_1",
            "arn:aws:lambda:eu-central-1:111122223333:function:f:$LATEST",
            "arn:aws:lambda:ap-southeast-2:111122223333:function:f:12",
            "arn:aws:lambda:il-central-1:111122223333:function:f:prod-alias",
            "arn:aws-iso:lambda:us-iso-east-1:111122223333:function:f",
            "arn:aws-iso-b:lambda:us-isob-east-1:111122223333:function:f",
            "arn:aws-eusc:lambda:eusc-de-east-1:111122223333:function:f",
        ],
    )
    def test_valid_arns(self, arn: str) -> None:
        """Function ARNs in every partition, with or without a version or alias, pass."""
        assert custom_lambda(lambda_arn=arn).lambda_arn == arn

    @pytest.mark.parametrize(
        "arn",
        [
            "arn:azure:lambda:us-east-1:111122223333:function:f",
            "arn:aws:lambda:us-east-1:11112222333:function:f",
            "arn:aws:lambda:us-east-1:111122223333:layer:f",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:useast1:111122223333:function:f",
            "arn:aws:lambda:us-east-1:111122223333:function:f.g",
            "check-tags",
        ],
    )
    def test_invalid_arns(self, arn: str) -> None:
        """Anything but a Lambda function ARN in an AWS partition is rejected."""
        with invalid("lambda_arn", "is not a Lambda function ARN"):
            custom_lambda(lambda_arn=arn)

    def test_arn_length_limit(self) -> None:
        """The ARN is at most 256 characters, however well formed."""
        region = "us-" + "a" * 100 + "-1"
        arn = f"arn:aws:lambda:{region}:111122223333:function:" + "f" * 64 + ":" + "a" * 128
        assert len(arn) > 256
        with invalid("lambda_arn", "limit is 256"):
            custom_lambda(lambda_arn=arn)

    def test_trigger_types_count(self) -> None:
        """One to three trigger types are accepted; none is rejected."""
        assert len(custom_lambda(trigger_types=TRIGGER_TYPES).trigger_types) == 3
        with invalid("trigger_types", "needs 1 to 3 trigger types"):
            custom_lambda(trigger_types=[])

    def test_more_than_three_trigger_types(self) -> None:
        """Four trigger types are rejected with the count and the limit."""
        with invalid("trigger_types", "4 trigger types given", "at most 3"):
            custom_lambda(trigger_types=[*TRIGGER_TYPES, TRIGGER_TYPES[0]])

    def test_trigger_types_unique(self) -> None:
        """A trigger type listed twice is rejected."""
        first = TRIGGER_TYPES[0]
        with invalid("trigger_types[1]", "listed twice"):
            custom_lambda(trigger_types=[first, first])

    def test_unknown_trigger_type(self) -> None:
        """A trigger type not in the enum is rejected, listing the valid ones."""
        with invalid("trigger_types[0]", "'Periodic' is not a valid trigger type", "Scheduled"):
            custom_lambda(trigger_types=["Periodic"])

    def test_trigger_types_as_string(self) -> None:
        """A single trigger type given as a string, not a list, is rejected."""
        with invalid("trigger_types", "expected a list of strings, not str"):
            custom_lambda(trigger_types="ScheduledNotification")

    def test_frequency_needs_scheduled_trigger(self) -> None:
        """A frequency needs ScheduledNotification among the trigger types."""
        with invalid("max_frequency", "'One_Hour' needs ScheduledNotification"):
            custom_lambda(max_frequency="One_Hour")
        r = custom_lambda(trigger_types=["ScheduledNotification"], max_frequency="One_Hour")
        assert r.max_frequency == "One_Hour"

    def test_scheduled_without_frequency(self) -> None:
        """A periodic Lambda rule without a frequency is accepted (the service uses 24 hours)."""
        assert custom_lambda(trigger_types=["ScheduledNotification"]).max_frequency is None

    def test_scope_on_change_triggered_rule(self) -> None:
        """A change-triggered Lambda rule accepts a resource scope, or a tag scope."""
        r = custom_lambda(resource_types=["AWS::EC2::Instance"], resource_id="i-1")
        assert r.resource_id == "i-1"
        assert custom_lambda(tag_key="k").tag_key == "k"


class TestGuardRule:
    def test_policy_text_limits(self) -> None:
        """A policy of 10,000 characters is accepted, 10,001 is not; empty is refused."""
        assert len(custom_policy(policy_text=guard_policy(10_000)).policy_text or "") == 10_000
        with invalid("policy_text", "must not be empty"):
            custom_policy(policy_text="")
        with invalid("policy_text", "10,001 characters", "limit is 10,000"):
            custom_policy(policy_text=guard_policy(10_001))

    @pytest.mark.parametrize("runtime", ["guard-3.x.x", "guard-2.0.0", "lambda"])
    def test_runtime_pattern(self, runtime: str) -> None:
        """Only guard-2.x.x is a policy runtime."""
        with invalid("policy_runtime", "does not match guard\\-2\\.x\\.x"):
            custom_policy(runtime=runtime)

    def test_runtime_length(self) -> None:
        """A runtime over 64 characters is rejected on length first."""
        with invalid("policy_runtime", "65 characters", "limit is 64"):
            custom_policy(runtime="g" * 65)

    def test_no_scheduled_trigger(self) -> None:
        """A Guard rule with ScheduledNotification is rejected, naming its index."""
        with invalid(
            "trigger_types[1]", "change-triggered", "ScheduledNotification is not allowed"
        ):
            custom_policy(
                trigger_types=["ConfigurationItemChangeNotification", "ScheduledNotification"]
            )

    def test_no_frequency(self) -> None:
        """A Guard rule takes no execution frequency."""
        with invalid("max_frequency", "take no execution frequency", "'Six_Hours'"):
            custom_policy(max_frequency="Six_Hours")

    def test_scope_allowed(self) -> None:
        """A Guard rule accepts a resource scope, or a tag scope."""
        assert custom_policy(resource_types=["AWS::DynamoDB::Table"]).resource_types
        r = custom_policy(tag_key="env", tag_value="p")
        assert r.tag_value == "p"

    def test_debug_log_accounts_limits(self) -> None:
        """Up to a thousand unique twelve-digit accounts receive debug logs."""
        assert len(custom_policy(debug_log_accounts=accounts(1000)).debug_log_accounts) == 1000
        with invalid("debug_log_accounts", "1,001 accounts"):
            custom_policy(debug_log_accounts=accounts(1001))
        with invalid("debug_log_accounts[0]", "not an AWS account id"):
            custom_policy(debug_log_accounts=["1"])
        with invalid("debug_log_accounts[1]", "listed twice"):
            custom_policy(debug_log_accounts=[ACCOUNT, ACCOUNT])

    def test_from_file(self, tmp_path: Path) -> None:
        """The policy is read from a UTF-8 .guard file, options passed through."""
        path = tmp_path / "pitr.guard"
        path.write_text('rule pitr { x == "é" }\n', encoding="utf-8")
        r = OrgConfigRule.custom_policy_from_file("pitr", path, description="d", tags={"k": "v"})
        assert r.policy_text == 'rule pitr { x == "é" }\n'
        assert (r.description, r.tags) == ("d", {"k": "v"})
        assert r == OrgConfigRule.custom_policy_from_file(
            "pitr", str(path), description="d", tags={"k": "v"}
        )

    def test_from_missing_file(self, tmp_path: Path) -> None:
        """A missing policy file is a ValidationError naming the file."""
        path = tmp_path / "missing.guard"
        with invalid("policy_text", "cannot read the policy file", "missing.guard") as info:
            OrgConfigRule.custom_policy_from_file("pitr", path)
        assert isinstance(info.value.__cause__, FileNotFoundError)

    def test_from_file_not_utf8(self, tmp_path: Path) -> None:
        """A policy file that is not UTF-8 is a ValidationError."""
        path = tmp_path / "latin1.guard"
        path.write_bytes("rule é".encode("latin-1"))
        with invalid("policy_text", "cannot read the policy file"):
            OrgConfigRule.custom_policy_from_file("pitr", path)

    def test_from_file_checks_like_custom_policy(self, tmp_path: Path) -> None:
        """A policy read from a file is checked like any other."""
        path = tmp_path / "big.guard"
        path.write_text("p" * 10_001, encoding="utf-8")
        with invalid("policy_text", "limit is 10,000"):
            OrgConfigRule.custom_policy_from_file("pitr", path)


# -- from_template_rule ---------------------------------------------------------------------------

RULES_TEMPLATE = """\
Parameters:
  MaxAge:
    Type: String
    Default: "90"
  LambdaArn:
    Type: String
  Frequency:
    Type: String
    Default: Six_Hours
Resources:
  KeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Description: Checks key age.
      InputParameters:
        maxAccessKeyAge: {Ref: MaxAge}
        unused: {Ref: AWS::NoValue}
        literal: 7
      MaximumExecutionFrequency: {Ref: Frequency}
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
  Tagged:
    Type: AWS::Config::ConfigRule
    Properties:
      Scope:
        TagKey: env
        TagValue: prod
      Source:
        Owner: CUSTOM_LAMBDA
        SourceIdentifier: {Ref: LambdaArn}
        SourceDetails:
          - {EventSource: aws.config, MessageType: ConfigurationItemChangeNotification}
          - EventSource: aws.config
            MessageType: ScheduledNotification
            MaximumExecutionFrequency: Three_Hours
  Pitr:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: dynamodb-pitr
      Scope:
        ComplianceResourceTypes: [{Ref: TableType}]
      Source:
        Owner: CUSTOM_POLICY
        CustomPolicyDetails:
          PolicyRuntime: guard-2.x.x
          PolicyText: "rule pitr { x == 1 }"
          EnableDebugLogDelivery: true
        SourceDetails:
          - {EventSource: aws.config, MessageType: ConfigurationItemChangeNotification}
  Conditional:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        port:
          Fn::If: [HasPort, {Ref: MaxAge}, {Ref: AWS::NoValue}]
      Source: {Owner: AWS, SourceIdentifier: RESTRICTED_INCOMING_TRAFFIC}
  Regional:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        region: {Ref: AWS::Region}
      Source: {Owner: AWS, SourceIdentifier: X}
Conditions:
  HasPort: {"Fn::Not": [{"Fn::Equals": ["", {Ref: MaxAge}]}]}
"""


@pytest.fixture(scope="module")
def rules_template() -> Template:
    """A template with a managed, a Lambda and a Guard rule, and some unresolvable ones."""
    text = RULES_TEMPLATE.replace(
        "Parameters:\n",
        "Parameters:\n  TableType:\n    Type: String\n    Default: AWS::DynamoDB::Table\n",
        1,
    )
    return Template.from_string(text)


def template_rule(template: Template, logical_id: str) -> Any:
    """The rule ``logical_id`` of ``template``."""
    return next(r for r in template.rules if r.logical_id == logical_id)


class TestFromTemplateRule:
    def test_managed_rule_with_defaults(self, rules_template: Template) -> None:
        """A managed rule resolves Refs from the template's defaults and drops AWS::NoValue."""
        rule = template_rule(rules_template, "KeysRotated")
        r = OrgConfigRule.from_template_rule(rule, template=rules_template)
        assert r == OrgConfigRule.managed(
            "access-keys-rotated",
            "ACCESS_KEYS_ROTATED",
            description="Checks key age.",
            input_parameters={"maxAccessKeyAge": "90", "literal": 7},
            max_frequency="Six_Hours",
        )

    def test_parameters_override_defaults(self, rules_template: Template) -> None:
        """Given parameter values win over the template's defaults; numbers become text."""
        rule = template_rule(rules_template, "KeysRotated")
        r = OrgConfigRule.from_template_rule(
            rule, name="keys", template=rules_template, parameters={"MaxAge": 30}
        )
        assert r.name == "keys"
        assert r.input_parameters == {"maxAccessKeyAge": "30", "literal": 7}

    def test_lambda_rule(self, rules_template: Template) -> None:
        """A Lambda rule gets its ARN from a parameter, triggers and period from SourceDetails."""
        rule = template_rule(rules_template, "Tagged")
        r = OrgConfigRule.from_template_rule(
            rule, template=rules_template, parameters={"LambdaArn": LAMBDA_ARN}
        )
        assert r == OrgConfigRule.custom_lambda(
            "Tagged",
            LAMBDA_ARN,
            ["ConfigurationItemChangeNotification", "ScheduledNotification"],
            max_frequency="Three_Hours",
            tag_key="env",
            tag_value="prod",
        )

    def test_guard_rule(self, rules_template: Template) -> None:
        """A Guard rule keeps its policy, runtime and triggers; Refs in the scope list resolve."""
        rule = template_rule(rules_template, "Pitr")
        r = OrgConfigRule.from_template_rule(rule, template=rules_template)
        assert r == OrgConfigRule.custom_policy(
            "dynamodb-pitr",
            "rule pitr { x == 1 }",
            trigger_types=["ConfigurationItemChangeNotification"],
            resource_types=["AWS::DynamoDB::Table"],
        )

    def test_parameter_without_default(self, rules_template: Template) -> None:
        """A Ref to a parameter with no Default and no given value is rejected."""
        rule = template_rule(rules_template, "Tagged")
        with invalid("lambda_arn", "parameter 'LambdaArn', which has no Default"):
            OrgConfigRule.from_template_rule(rule, template=rules_template)

    def test_without_template_defaults_are_unknown(self, rules_template: Template) -> None:
        """Without the template, a Ref that parameters do not cover is rejected."""
        rule = template_rule(rules_template, "KeysRotated")
        with invalid("input_parameters['maxAccessKeyAge']", "'MaxAge', which has no value"):
            OrgConfigRule.from_template_rule(rule)

    def test_unknown_parameter_suggestion(self) -> None:
        """A Ref to a parameter nothing gives suggests the closest known name."""
        rule = TemplateRule(
            logical_id="Unknown",
            name=None,
            owner="AWS",
            source_identifier="X",
            input_parameters={"age": {"Ref": "MaxAges"}},
        )
        with invalid("input_parameters['age']", "'MaxAges', which has no value", "'MaxAge'?"):
            OrgConfigRule.from_template_rule(rule, parameters={"MaxAge": "1"})

    def test_ref_to_non_name(self) -> None:
        """A Ref whose target is not a name is rejected."""
        rule = TemplateRule(
            logical_id="R", name=None, owner="AWS", source_identifier={"Ref": ["A", "B"]}
        )
        with invalid("identifier", "has a Ref to ('A', 'B')"):
            OrgConfigRule.from_template_rule(rule)

    def test_unknown_owner(self) -> None:
        """A template rule whose owner is not one of the three kinds is rejected."""
        rule = TemplateRule(logical_id="R", name=None, owner="OTHER", source_identifier="X")
        with invalid("kind", "owner 'OTHER'"):
            OrgConfigRule.from_template_rule(rule)

    def test_non_text_scalar(self) -> None:
        """A scalar field that resolves to something other than text is rejected."""
        rule = TemplateRule(logical_id="R", name=None, owner="AWS", source_identifier=["X"])  # type: ignore[arg-type]  # a malformed rule
        with invalid("identifier", "gives ['X'], not a string"):
            OrgConfigRule.from_template_rule(rule)

    def test_fn_if_unresolvable(self, rules_template: Template) -> None:
        """A rule still holding Fn::If is rejected, naming where."""
        rule = template_rule(rules_template, "Conditional")
        with invalid("input_parameters['port']", "uses Fn::If", "only CloudFormation"):
            OrgConfigRule.from_template_rule(rule, template=rules_template)

    def test_pseudo_parameter_unresolvable(self, rules_template: Template) -> None:
        """A Ref to a pseudo parameter such as AWS::Region is rejected."""
        rule = template_rule(rules_template, "Regional")
        with invalid("input_parameters['region']", "pseudo parameter AWS::Region"):
            OrgConfigRule.from_template_rule(rule, template=rules_template)

    def test_resolved_rule_is_validated(self, rules_template: Template) -> None:
        """The resolved rule goes through the usual checks (here the Lambda ARN)."""
        rule = template_rule(rules_template, "Tagged")
        with invalid("lambda_arn", "is not a Lambda function ARN"):
            OrgConfigRule.from_template_rule(rule, parameters={"LambdaArn": "nope"})

    def test_name_falls_back_to_logical_id(self, rules_template: Template) -> None:
        """A rule without ConfigRuleName is named after its logical id."""
        rule = template_rule(rules_template, "Tagged")
        r = OrgConfigRule.from_template_rule(rule, parameters={"LambdaArn": LAMBDA_ARN})
        assert r.name == "Tagged"


CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def test_corpus_rules_convert_or_name_the_intrinsic() -> None:
    """Real corpus rules convert, or fail only on Fn::If, which only CloudFormation evaluates."""
    packs = sorted((CORPUS / "conformance-packs").glob("*.y*ml"))
    if not packs:
        pytest.skip(f"the template corpus is not at {CORPUS}")
    converted = 0
    failures: list[str] = []
    for path in packs[::6]:
        template = Template.from_file(path)
        values = dict.fromkeys(template.required_parameters, "1")
        for rule in template.rules:
            try:
                OrgConfigRule.from_template_rule(rule, template=template, parameters=values)
            except ValidationError as e:
                failures.append(str(e))
            else:
                converted += 1
    assert converted > 500
    assert [f for f in failures if "uses Fn::If" not in f] == []


def test_account_lists_compare_as_sets() -> None:
    """Excluded and debug-log accounts in another order are the same rule (and hash alike)."""
    a, b = "111111111111", "222222222222"
    one = OrgConfigRule.custom_policy(
        "r", GUARD_POLICY, excluded_accounts=[a, b], debug_log_accounts=[b, a]
    )
    two = OrgConfigRule.custom_policy(
        "r", GUARD_POLICY, excluded_accounts=[b, a], debug_log_accounts=[a, b]
    )
    assert one == two
    assert hash(one) == hash(two)
    assert one.excluded_accounts == (a, b)  # the order given is kept for the request


def test_scope_is_resources_or_a_tag_not_both() -> None:
    """A tag scope with resource types is refused, naming tag_key; each alone is fine."""
    with pytest.raises(ValidationError, match=r"either resources .* or a tag") as info:
        OrgConfigRule.managed("r", IDENTIFIER, resource_types=["AWS::S3::Bucket"], tag_key="env")
    assert info.value.field == "tag_key"
    assert (
        OrgConfigRule.managed("r", IDENTIFIER, resource_types=["AWS::S3::Bucket"]).tag_key is None
    )
    assert OrgConfigRule.managed("r", IDENTIFIER, tag_key="env", tag_value="prod").tag_key == "env"


def test_models_pickle_copy_and_serialise(template: Template) -> None:
    """Packs (with their template) and rules pickle, deep-copy, and their mappings dump as JSON."""
    import copy
    import json
    import pickle

    pack = ConformancePack(
        "p", template, parameters=dict.fromkeys(template.required_parameters, "v"), tags={"k": "v"}
    )
    rule = OrgConfigRule.managed(
        "r", IDENTIFIER, input_parameters={"a": [1, {"b": 2}]}, tags={"t": "1"}
    )
    for obj in (pack, rule, template):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
    assert json.loads(json.dumps(pack.tags)) == {"k": "v"}
    assert json.loads(json.dumps(rule.input_parameters)) == {"a": [1, {"b": 2}]}
    with pytest.raises(TypeError, match="read-only"):
        rule.tags["t"] = "2"  # type: ignore[index]  # the point: it is read-only


def test_template_rules_are_read_only_and_hashable(template: Template) -> None:
    """A template's rules cannot be changed behind the template's back, and they hash."""
    rule = template.rules[0]
    with pytest.raises(TypeError, match="read-only"):
        rule.properties["Source"]["Owner"] = "CUSTOM_LAMBDA"
    assert hash(rule) == hash(template.rules[0])
    assert len(set(template.rules)) == len(template.rules)


def test_huge_inputs_are_refused_before_conversion() -> None:
    """A million parameters or input values, or deep nesting, fail fast with ValidationError."""
    import time

    many = {f"k{i}": "v" for i in range(1_000_000)}
    start = time.perf_counter()
    with invalid("parameters", "1,000,000 parameters given; at most 330"):
        ConformancePackInfo("p", "arn:aws:config:us-east-1:111122223333:x", parameters=many)
    with invalid("input_parameters", "too many values to fit in 2,048 characters"):
        OrgConfigRule.managed("r", IDENTIFIER, input_parameters=many)
    took = time.perf_counter() - start
    deep: dict[str, object] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]  # building a deep dict
    with invalid("input_parameters", "nested deeper than 64 levels"):
        OrgConfigRule.managed("r", IDENTIFIER, input_parameters=deep)
    print(f"\nrefusing two million-entry inputs took {took:.3f}s")


def test_rule_repr_shows_only_what_is_set() -> None:
    """A rule's repr names its kind and the fields set; the policy text shows as a length."""
    assert repr(OrgConfigRule.managed("s3", "S3_BUCKET_VERSIONING_ENABLED", tags={"a": "b"})) == (
        "OrgConfigRule.managed('s3', identifier='S3_BUCKET_VERSIONING_ENABLED', tags={'a': 'b'})"
    )
    guard = OrgConfigRule.custom_policy("g", guard_policy(10_000), trigger_types=())
    assert repr(guard) == (
        "OrgConfigRule.custom_policy('g', policy_text=<10,000 characters>, "
        "policy_runtime='guard-2.x.x')"
    )


class TestFrozenDict:
    """FrozenDict: every way to derive one gives a FrozenDict, and none changes it."""

    def test_copy_is_a_frozen_dict(self) -> None:
        """copy() returns a FrozenDict equal to the original."""
        frozen = FrozenDict({"a": 1})
        assert type(frozen.copy()) is FrozenDict
        assert frozen.copy() == {"a": 1}
        assert type(copy.copy(frozen)) is FrozenDict
        assert type(copy.deepcopy(frozen)) is FrozenDict

    def test_union_is_a_frozen_dict_either_side(self) -> None:
        """| returns a FrozenDict, whichever side the FrozenDict is on; the operands stay."""
        frozen = FrozenDict({"a": 1})
        plain = {"b": 2}
        assert type(frozen | plain) is FrozenDict
        assert type(plain | frozen) is FrozenDict
        assert frozen | plain == {"a": 1, "b": 2}
        assert frozen == {"a": 1}
        assert plain == {"b": 2}

    def test_in_place_union_is_refused(self) -> None:
        """|= raises and leaves the FrozenDict as it was."""
        frozen = FrozenDict({"a": 1})
        with pytest.raises(TypeError, match="read-only"):
            frozen |= {"b": 2}
        assert frozen == {"a": 1}

    def test_fromkeys_gives_a_frozen_dict(self) -> None:
        """fromkeys works and returns a FrozenDict."""
        made = FrozenDict.fromkeys(["a", "b"], 0)
        assert type(made) is FrozenDict
        assert made == {"a": 0, "b": 0}

    def test_init_cannot_refill(self) -> None:
        """Calling __init__ again on a FrozenDict raises and changes nothing."""
        frozen = FrozenDict({"a": 1})
        with pytest.raises(TypeError, match="read-only"):
            FrozenDict.__init__(frozen, {"b": 2})
        assert frozen == {"a": 1}

    def test_every_mutator_is_refused(self) -> None:
        """Each dict method that would change it raises TypeError, and nothing changes."""
        frozen = FrozenDict({"a": 1})
        mutations: list[Callable[[], object]] = [
            lambda: frozen.__setitem__("b", 2),
            lambda: frozen.__delitem__("a"),
            frozen.clear,
            lambda: frozen.pop("a"),
            frozen.popitem,
            lambda: frozen.setdefault("b", 2),
            lambda: frozen.update(b=2),
        ]
        for mutate in mutations:
            with pytest.raises(TypeError):
                mutate()
        assert frozen == {"a": 1}
        assert hash(frozen) == hash(FrozenDict({"a": 1}))


class TestHugeAndHostileValues:
    """Values too large to print, or nested too deep, raise ValidationError naming the field."""

    def test_a_huge_integer_name(self, template: Template) -> None:
        """ConformancePack(10**5000, t) names the field and shows the integer by its size."""
        with invalid("name", "must be a string", "5,000 digits"):
            ConformancePack(10**5000, template)  # type: ignore[arg-type]  # a huge int on purpose

    def test_a_huge_integer_parameter_value(self, template: Template) -> None:
        """An integer parameter value longer than a value may be is refused before str()."""
        with invalid("parameters['MaxAccessKeyAge']", "not a usable parameter value"):
            pack(template, parameters={"MaxAccessKeyAge": 10**5000})

    def test_a_huge_integer_key(self, template: Template) -> None:
        """A huge integer key is shown by its size in the field label."""
        with pytest.raises(ValidationError, match="digits") as info:
            pack(template, tags={10**5000: "v"})
        assert info.value.field is not None
        assert info.value.field.startswith("tags[<an integer")

    def test_a_huge_integer_input(self) -> None:
        """An input parameter integer too long for the JSON limit is refused."""
        with invalid("input_parameters['n']", "cannot fit"):
            OrgConfigRule.managed("r", IDENTIFIER, input_parameters={"n": 10**5000})

    def test_a_huge_string_is_cut_in_messages(self, template: Template) -> None:
        """A 10 MB name gives a short message."""
        with invalid("name", "10,000,000 characters") as info:
            pack(template, name="a" * 10_000_000)
        assert len(str(info.value)) < 300

    def test_show_survives_any_value(self) -> None:
        """show() never raises and stays short, whatever it is given."""

        class Hostile:
            def __repr__(self) -> str:
                raise RuntimeError("no repr")

        for value in (10**5000, "x" * 10**6, [10**5000], Hostile(), {"k": "v" * 10**5}):
            shown = _checks.show(value)
            assert len(shown) <= 60
        assert "Hostile" in _checks.show(Hostile())

    def test_deep_json_text_is_refused_before_parsing(self) -> None:
        """parse_json refuses 100,000 '[' by measuring the depth first."""
        with invalid("input_parameters", "deeper than 64"):
            _checks.parse_json("[" * 100_000, "input_parameters")
        assert _checks.json_depth('{"a": "[[[[", "b": [[1]]}') == 3


class TestLoneSurrogates:
    """Text no UTF-8 request can carry is refused by the models, naming the field."""

    MESSAGE = "holds a lone surrogate (U+D800 at index 1)"

    def test_rule_description(self) -> None:
        """A lone surrogate in a rule's description is refused for ``description``."""
        with invalid("description", self.MESSAGE, "cannot be encoded as UTF-8") as info:
            OrgConfigRule.managed("r", IDENTIFIER, description="a\ud800")
        assert str(info.value).encode("utf-8")

    def test_input_parameter_value(self) -> None:
        """A lone surrogate in an input parameter value names that parameter."""
        with invalid("input_parameters['k'][0]", self.MESSAGE):
            OrgConfigRule.managed("r", IDENTIFIER, input_parameters={"k": ["a\ud800"]})

    def test_input_parameter_key(self) -> None:
        """A lone surrogate in an input parameter name is refused, the label escaped."""
        with invalid("input_parameters['a\\ud800']", "the key " + self.MESSAGE) as info:
            OrgConfigRule.managed("r", IDENTIFIER, input_parameters={"a\ud800": "v"})
        assert str(info.value).encode("utf-8")

    def test_pack_parameter_value(self, template: Template) -> None:
        """A lone surrogate in a pack parameter value names that parameter."""
        with invalid("parameters['MaxAccessKeyAge']", self.MESSAGE):
            pack(template, parameters={"MaxAccessKeyAge": "9\ud800"})

    def test_policy_text(self) -> None:
        """A lone surrogate in a Guard policy is refused before Guard or UTF-8 see it."""
        with invalid("policy_text", "holds a lone surrogate (U+DC80 at index 5)"):
            OrgConfigRule.custom_policy("r", "rule \udc80 { a exists }")

    def test_surrogate_pairs_are_fine(self) -> None:
        """A character outside the BMP is not a lone surrogate."""
        rule = OrgConfigRule.managed("r", IDENTIFIER, description="a\U0001f600")
        assert rule.description == "a\U0001f600"
