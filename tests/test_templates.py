"""Tests for orgconfig.templates: Template, its records and constructors, on real templates."""

from __future__ import annotations

import json
import pickle
import re
import typing
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import boto3
import pytest
import yaml
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ResponseStreamingError,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from orgconfig import errors, templates
from orgconfig._frozen import deep_freeze
from orgconfig.templates import (
    MAX_RULES_PER_PACK,
    TEMPLATE_BODY_MAX_BYTES,
    TEMPLATE_S3_MAX_BYTES,
    Template,
    TemplateIssue,
    TemplateParameter,
    TemplateRule,
)
from tests.templates.helpers import (
    CORPUS,
    DATA,
    MINIMAL_YAML,
    TOO_DEEP,
    alias_bomb,
    load_or_error,
    only_rule,
)

# ---------------------------------------------------------------------------------------------
# The corpus of real templates
# ---------------------------------------------------------------------------------------------


def _summary() -> dict[str, dict[str, Any]]:
    path = CORPUS / "summary.json"
    if not path.is_file():
        return {}
    return {record["path"]: record for record in json.loads(path.read_text())}


SUMMARY = _summary()


def _corpus_params(pattern: str) -> list[Any]:
    files = sorted(CORPUS.glob(pattern)) if CORPUS.is_dir() else []
    params = [pytest.param(f.relative_to(CORPUS).as_posix(), id=f.name) for f in files]
    return params or [pytest.param(None, id="corpus-absent")]


def corpus_record(relative: str | None) -> dict[str, Any]:
    """Return the summary record of a corpus file, skipping when the corpus is absent."""
    if relative is None or not SUMMARY:
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    assert relative in SUMMARY, f"{relative} is missing from summary.json"
    return SUMMARY[relative]


def assert_matches_summary(template: Template, record: dict[str, Any]) -> None:
    """Check a loaded template against its summary.json figures."""
    assert len(template.rules) == record["n_rules"]
    assert len(template.remediations) == record["n_remediations"]
    assert len(template.parameters) == record["n_params"]
    assert template.required_parameters == frozenset(record["required_params"])
    assert template.size_bytes == record["bytes"]
    assert template.sha256 == record["sha256"]
    assert template.needs_s3 == (record["bytes"] > TEMPLATE_BODY_MAX_BYTES)
    assert Counter(rule.owner for rule in template.rules) == Counter(record["owners"])
    managed = {rule.source_identifier for rule in template.rules if rule.owner == "AWS"}
    assert managed == set(record["managed_rule_ids"])
    unused = {
        issue.location.removeprefix("Parameters.")
        for issue in template.warnings
        if issue.code == "unused-parameter"
    }
    assert unused == set(record["unreferenced_params"])
    controls = [i for i in template.warnings if i.location.endswith(".Controls")]
    assert len(controls) == record["resource_attr_keys"].get("Controls", 0)


@pytest.mark.parametrize("relative", _corpus_params("conformance-packs/*.y*ml"))
def test_corpus_template_loads(relative: str | None) -> None:
    """Every template of the corpus loads and matches its summary.json figures."""
    record = corpus_record(relative)
    template = Template.from_file(CORPUS / record["path"])
    assert_matches_summary(template, record)


def test_corpus_files_are_all_summarised() -> None:
    """The corpus files tested are exactly the summary's current templates."""
    if not SUMMARY:
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("conformance-packs/*.y*ml")}
    assert files == {path for path, r in SUMMARY.items() if r["set"] == "head"}


def _historical_outcome(record: dict[str, Any]) -> str:
    if record["parse_error"]:
        return "duplicate-key"
    if record["n_rules"] > MAX_RULES_PER_PACK:
        return "too-many-rules"
    return "loads"


@pytest.mark.parametrize("relative", _corpus_params("historical/**/*.yaml"))
def test_historical_template(relative: str | None) -> None:
    """Historical templates load, except a duplicate key or more than 130 rules, as the service."""
    record = corpus_record(relative)
    path = CORPUS / record["path"]
    outcome = _historical_outcome(record)
    if outcome == "loads":
        assert_matches_summary(Template.from_file(path), record)
        return
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(path)
    error = info.value
    assert error.path == str(path)
    if outcome == "duplicate-key":
        match = re.search(r"duplicate key '(\w+)' at line (\d+)", record["parse_error"])
        assert match is not None
        assert f"repeats the key {match[1]!r} at line {match[2]}" in error.message
        assert error.location == f"line {match[2]}"
    else:
        assert error.location == "Resources"
        assert f"declares {record['n_rules']} AWS::Config::ConfigRule resources" in error.message
        assert f"at most {MAX_RULES_PER_PACK}" in error.message


def test_oversize_historical_templates_need_s3() -> None:
    """The oversize historical templates that load must go through S3; the others fail cleanly."""
    records = [r for p, r in SUMMARY.items() if p.startswith("historical/oversize/")]
    if not records:
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    outcomes = Counter(_historical_outcome(r) for r in records)
    assert outcomes["duplicate-key"] == 1
    for record in records:
        if _historical_outcome(record) == "loads":
            template = Template.from_file(CORPUS / record["path"])
            assert template.needs_s3
            assert TEMPLATE_BODY_MAX_BYTES < template.size_bytes <= TEMPLATE_S3_MAX_BYTES


def test_historical_guard_templates_expose_policy_text() -> None:
    """The historical Guard (CUSTOM_POLICY) templates expose each rule's policy text and runtime."""
    records = [
        r
        for p, r in SUMMARY.items()
        if p.startswith("historical/") and "CUSTOM_POLICY" in r["owners"]
    ]
    if not records:
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    for record in records:
        template = Template.from_file(CORPUS / record["path"])
        guard = [rule for rule in template.rules if rule.owner == "CUSTOM_POLICY"]
        assert len(guard) == record["owners"]["CUSTOM_POLICY"]
        for rule in guard:
            assert isinstance(rule.policy_text, str)
            assert "rule " in rule.policy_text
            assert rule.policy_runtime == "guard-2.x.x"
            assert rule.source_identifier is None
            assert rule.trigger_types


def test_corpus_crlf_short_form_template() -> None:
    """The CRLF template written with short-form tags parses into long-form intrinsics."""
    path = CORPUS / "conformance-packs" / "Cyber-Resilience-Best-Practices-for-S3-EBS-DynamoDB.yml"
    if not path.is_file():
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    template = Template.from_file(path)
    assert "\r\n" in template.body
    assert len(template.rules) == 23
    rule = next(r for r in template.rules if r.name == "encrypted-volumes")
    assert rule.input_parameters == deep_freeze(
        {
            "Fn::If": [
                "HasKmsKeyId",
                {"kmsId": {"Ref": "EncryptedVolumesParamKmsId"}},
                {"Ref": "AWS::NoValue"},
            ]
        }
    )
    assert not template.warnings


def test_corpus_controls_become_warnings_not_python_warnings() -> None:
    """Controls keys on resources are exposed as warnings, and loading emits no Python warning."""
    path = CORPUS / "historical" / "Operational-Best-Practices-for-NZISM.yaml"
    if not path.is_file():
        pytest.skip(f"the template corpus is not present at {CORPUS}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        template = Template.from_file(path)
    assert caught == []
    controls = [issue for issue in template.warnings if issue.code == "unknown-resource-key"]
    assert len(controls) == 102
    assert controls[0].location == "Resources.AcmCertificateExpirationCheck.Controls"
    edge = [rule for rule in template.rules if rule.condition == "IsEdge"]
    assert len(edge) == 4


# ---------------------------------------------------------------------------------------------
# The Template API
# ---------------------------------------------------------------------------------------------


def test_small_pack_rules_are_exposed() -> None:
    """A template's rules expose their names, owners, sources, scope and raw properties."""
    template = Template.from_file(DATA / "small-pack.yaml")
    rotated, ports, custom = template.rules
    assert rotated == TemplateRule(
        logical_id="AccessKeysRotated",
        name="access-keys-rotated",
        owner="AWS",
        source_identifier="ACCESS_KEYS_ROTATED",
        description="Checks that access keys are rotated",
        input_parameters={"maxAccessKeyAge": {"Ref": "MaxAccessKeyAge"}},
        maximum_execution_frequency="TwentyFour_Hours",
        properties=template.rules[0].properties,
    )
    assert rotated.properties["Source"] == {
        "Owner": "AWS",
        "SourceIdentifier": "ACCESS_KEYS_ROTATED",
    }
    assert ports.name == {"Fn::Sub": "${AWS::StackName}-restricted-ports"}
    assert ports.input_parameters == deep_freeze(
        {"authorizedTcpPorts": {"Fn::Join": [",", {"Ref": "AllowedPorts"}]}}
    )
    assert ports.resource_types == ("AWS::EC2::SecurityGroup",)
    assert (ports.tag_key, ports.tag_value, ports.resource_id) == (
        "Environment",
        "production",
        None,
    )
    assert custom.owner == "CUSTOM_LAMBDA"
    assert custom.source_identifier == {"Ref": "LambdaArn"}
    assert custom.trigger_types == ("ConfigurationItemChangeNotification", "ScheduledNotification")
    assert custom.resource_id == "vol-0123456789abcdef0"
    assert custom.condition == "HasLambda"
    assert custom.policy_text is None
    assert not template.warnings


def test_small_pack_parameters_and_remediations_are_exposed() -> None:
    """Parameters expose type, default and allowed values; remediations their rule and target."""
    template = Template.from_file(DATA / "small-pack.yaml")
    assert list(template.parameters) == ["MaxAccessKeyAge", "LambdaArn", "AllowedPorts"]
    assert template.parameters["MaxAccessKeyAge"] == TemplateParameter(
        name="MaxAccessKeyAge",
        type="String",
        default="90",
        description="Days before an access key must be rotated",
        has_default=True,
    )
    assert template.parameters["LambdaArn"].default is None
    assert not template.parameters["LambdaArn"].has_default
    assert template.parameters["AllowedPorts"].allowed_values == ("443,80", "443")
    assert template.required_parameters == frozenset({"LambdaArn"})
    (remediation,) = template.remediations
    assert remediation.logical_id == "AccessKeysRotatedRemediation"
    assert remediation.config_rule_name == "access-keys-rotated"
    assert remediation.target_id == "AWSConfigRemediation-RevokeUnusedIAMUserCredentials"
    assert remediation.properties["Automatic"] is False


def test_guard_rule_from_json_file() -> None:
    """A JSON template with a Guard rule exposes its policy, runtime and debug flag."""
    rule = only_rule(Template.from_file(DATA / "guard-rule.json"))
    assert rule.owner == "CUSTOM_POLICY"
    assert rule.policy_runtime == "guard-2.x.x"
    assert rule.policy_text is not None
    assert "BucketVersioningConfiguration" in rule.policy_text
    assert rule.enable_debug_log_delivery is True
    assert rule.source_identifier is None
    assert rule.trigger_types == ("ConfigurationItemChangeNotification",)


def test_body_size_and_hash_are_of_the_text_as_given() -> None:
    """body is the text as given; size_bytes and sha256 are of its UTF-8 bytes."""
    text = MINIMAL_YAML + "# é, a non-ASCII comment\n"
    template = Template.from_string(text)
    data = text.encode("utf-8")
    assert template.body == text
    assert template.size_bytes == len(data) == len(text) + 1
    import hashlib

    assert template.sha256 == hashlib.sha256(data).hexdigest()
    assert template.source is None
    assert template.s3_uri is None


def test_from_string_accepts_bytes() -> None:
    """Bytes are decoded as UTF-8 and give the same template as the text."""
    assert Template.from_string(MINIMAL_YAML.encode()) == Template.from_string(MINIMAL_YAML)


def test_equality_is_body_and_s3_uri() -> None:
    """Templates are equal (and hash equal) when body and S3 URI are, whatever their source."""
    first = Template.from_string(MINIMAL_YAML, source="a.yaml")
    second = Template(body=MINIMAL_YAML, source="b.yaml")
    assert first == second
    assert hash(first) == hash(second)
    assert first != Template(body=MINIMAL_YAML, s3_uri="s3://bucket-a/t.yaml")
    assert first != Template.from_string(MINIMAL_YAML + "# changed\n")
    assert len({first, second}) == 1


def test_repr_is_short() -> None:
    """repr names the source, the size and the rule count, not the body."""
    template = Template.from_string(MINIMAL_YAML, source="pack.yaml")
    assert (
        repr(template) == f"Template(source='pack.yaml', size_bytes={len(MINIMAL_YAML)}, rules=1)"
    )
    in_s3 = Template(body=MINIMAL_YAML, s3_uri="s3://bucket-a/t.yaml")
    assert repr(in_s3).startswith("Template(s3_uri='s3://bucket-a/t.yaml', ")


def test_template_is_frozen() -> None:
    """A template and its parameter mapping cannot be changed after it is built."""
    template = Template.from_string(MINIMAL_YAML)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        template.body = "x"  # type: ignore[misc]  # assigning is what the test checks
    with pytest.raises(TypeError):
        template.parameters["New"] = TemplateParameter(name="New", type="String")  # type: ignore[index]  # writing is what the test checks


def test_constants() -> None:
    """The limits are the documented ones."""
    assert TEMPLATE_BODY_MAX_BYTES == 51_200
    assert TEMPLATE_S3_MAX_BYTES == 300 * 1024
    assert MAX_RULES_PER_PACK == 130
    assert templates.TEMPLATE_S3_URI_MAX_LENGTH == 1024


def test_public_names_live_in_orgconfig_templates() -> None:
    """The package's names are importable from orgconfig.templates and report it as their module."""
    assert set(templates.__all__) == {
        "MAX_EXPANDED_NODES",
        "MAX_EXPANDED_SIZE",
        "MAX_INTEGER_DIGITS",
        "MAX_NESTING_DEPTH",
        "MAX_RULES_PER_PACK",
        "TEMPLATE_BODY_MAX_BYTES",
        "TEMPLATE_S3_MAX_BYTES",
        "TEMPLATE_S3_URI_MAX_LENGTH",
        "Template",
        "TemplateIssue",
        "TemplateParameter",
        "TemplateRemediation",
        "TemplateRule",
    }
    for name in templates.__all__:
        assert getattr(templates, name) is not None
    for record in (Template, TemplateIssue, TemplateParameter, TemplateRule):
        assert record.__module__ == "orgconfig.templates"
        assert typing.get_type_hints(record)  # annotations resolve wherever the class lives


def test_records_pickle_by_their_public_path() -> None:
    """A template's records survive pickling, referring to orgconfig.templates."""
    template = Template.from_file(DATA / "small-pack.yaml")
    for record in (*template.rules, *template.remediations, *template.parameters.values()):
        data = pickle.dumps(record)
        assert b"orgconfig.templates._" not in data
        assert pickle.loads(data) == record


def test_issue_reads_as_location_and_message() -> None:
    """A TemplateIssue prints as 'location: message'."""
    issue = TemplateIssue(code="unused-parameter", location="Parameters.X", message="never used")
    assert str(issue) == "Parameters.X: never used"


# ---------------------------------------------------------------------------------------------
# from_file
# ---------------------------------------------------------------------------------------------


def test_from_file_accepts_str_and_path() -> None:
    """from_file takes a str or a PathLike and records the path as the source."""
    by_path = Template.from_file(DATA / "small-pack.yaml")
    by_str = Template.from_file(str(DATA / "small-pack.yaml"))
    assert by_path == by_str
    assert by_path.source == str(DATA / "small-pack.yaml")
    assert by_path.body == (DATA / "small-pack.yaml").read_text(encoding="utf-8")


def test_from_file_missing(tmp_path: Path) -> None:
    """A missing file is a TemplateError for the 'template' field, caused by FileNotFoundError."""
    missing = tmp_path / "missing.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(missing)
    assert info.value.message == f"The template file {missing} does not exist"
    assert info.value.field == "template"
    assert info.value.path == str(missing)
    assert isinstance(info.value.__cause__, FileNotFoundError)


def test_from_file_unreadable(tmp_path: Path) -> None:
    """A path that cannot be read (a directory) is a TemplateError caused by the OSError."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(tmp_path)
    assert info.value.message.startswith(f"The template file {tmp_path} cannot be read: ")
    assert isinstance(info.value.__cause__, OSError)


def test_from_file_too_large_is_not_read(tmp_path: Path) -> None:
    """A file over 300 KB fails on its size; its content (not UTF-8) is never looked at."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"\xff" * (TEMPLATE_S3_MAX_BYTES + 1))
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(big)
    assert "The template is 307,201 bytes" in info.value.message
    assert info.value.path == str(big)


def test_from_file_errors_name_the_file(tmp_path: Path) -> None:
    """Parse and validation errors from a file carry its path, and their text starts with it."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(bad)
    assert info.value.path == str(bad)
    assert info.value.location == "Resources.Bucket.Type"
    assert str(info.value).startswith(f"{bad}: Resources.Bucket.Type: ")


# ---------------------------------------------------------------------------------------------
# Every error names the template's file or S3 URI
# ---------------------------------------------------------------------------------------------

BAD_TEMPLATES = [
    pytest.param(b"Resources: [1,\n  2, }\n", "The template is not valid YAML: ", id="yaml-syntax"),
    pytest.param(b'{"Resources": [1,}', "The template is not valid JSON: ", id="json-syntax"),
    pytest.param(
        MINIMAL_YAML.encode() + b"  Versioning: {}\n", "The template repeats the key", id="dup-key"
    ),
    pytest.param(b"[" * 150_000 + b"]" * 150_000, TOO_DEEP, id="too-deep"),
    pytest.param(alias_bomb(9).encode(), "The template expands to more than", id="alias-bomb"),
    pytest.param(
        MINIMAL_YAML.encode() + b"# caf\xe9\n", "The template is not UTF-8 text", id="bytes"
    ),
    pytest.param(b"# nothing\n", "The template is empty", id="empty"),
    pytest.param(b"- a\n", "The template must be a mapping of sections", id="not-a-mapping"),
    pytest.param(b"Parameters: {}\n", "The template has no Resources section", id="no-resources"),
    pytest.param(
        b"Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
        "Resources.Bucket.Type: 'AWS::S3::Bucket' cannot be used",
        id="resource-type",
    ),
    pytest.param(
        MINIMAL_YAML.encode() + b"      InputParameters: '{a: 1}'\n",
        "Resources.Versioning.Properties.InputParameters: a string InputParameters must hold",
        id="input-parameters",
    ),
    pytest.param(
        MINIMAL_YAML.encode() + b"      Description: !Ref Missing\n",
        "Resources.Versioning.Properties.Description.Ref: 'Missing' is not a parameter",
        id="reference",
    ),
]


def assert_names(error: errors.TemplateError, path: str, start: str) -> None:
    """Check that ``error`` carries ``path`` and that its text is the path, then the message."""
    assert type(error) is errors.TemplateError
    assert error.path == path
    assert error.field == "template"
    assert error.message.startswith(start)
    assert str(error) == f"{path}: {error.message}"


@pytest.mark.parametrize(("data", "start"), BAD_TEMPLATES)
def test_file_errors_name_the_file(tmp_path: Path, data: bytes, start: str) -> None:
    """Every way a template file fails (parse or check) names the file in str(error)."""
    path = tmp_path / "pack.yaml"
    path.write_bytes(data)
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(path)
    assert_names(info.value, str(path), start)


@pytest.mark.parametrize(("data", "start"), BAD_TEMPLATES)
def test_string_errors_name_the_source(data: bytes, start: str) -> None:
    """Every way a template text fails names the source given to from_string, text or bytes."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string(data, source="packs/my-pack.yaml")
    assert_names(info.value, "packs/my-pack.yaml", start)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string(text, source="packs/my-pack.yaml")
    assert_names(info.value, "packs/my-pack.yaml", start)


def test_errors_without_a_source_name_nothing() -> None:
    """Without a source, an error's text is its message alone."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string("Resources: {}\n")
    assert info.value.path is None
    message = "Resources: the section is empty; a conformance pack needs at least one rule"
    assert str(info.value) == info.value.message == message


def test_errors_of_a_template_built_with_an_s3_uri_name_it() -> None:
    """A Template built directly with only an s3_uri names that URI in its errors."""
    uri = "s3://bucket-a/pack.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template(body="Resources: {}\n", s3_uri=uri)
    assert_names(info.value, uri, "Resources: the section is empty")


def test_a_message_that_names_the_file_is_not_prefixed(tmp_path: Path) -> None:
    """An error whose message already names the file does not name it twice."""
    missing = tmp_path / "missing.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(missing)
    assert str(info.value) == info.value.message == f"The template file {missing} does not exist"


# ---------------------------------------------------------------------------------------------
# from_s3_uri
# ---------------------------------------------------------------------------------------------

BUCKET = "orgconfig-templates"
URI = f"s3://{BUCKET}/packs/small-pack.yaml"


@pytest.fixture
def s3_session() -> Iterator[boto3.Session]:
    """A boto3 session on moto's S3, with a bucket holding the small pack."""
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        client = session.client("s3")
        client.create_bucket(Bucket=BUCKET)
        client.put_object(
            Bucket=BUCKET,
            Key="packs/small-pack.yaml",
            Body=(DATA / "small-pack.yaml").read_bytes(),
        )
        yield session


def test_from_s3_uri_reads_the_object(s3_session: boto3.Session) -> None:
    """A template read from S3 keeps its URI, so a put can send TemplateS3Uri."""
    template = Template.from_s3_uri(URI, session=s3_session)
    assert template.s3_uri == URI
    assert template.source == URI
    assert template.body == (DATA / "small-pack.yaml").read_text(encoding="utf-8")
    assert len(template.rules) == 3
    assert template != Template.from_file(DATA / "small-pack.yaml")  # the S3 URI differs


@pytest.mark.usefixtures("s3_session")
def test_from_s3_uri_default_session() -> None:
    """Without a session, a default boto3 session is used."""
    assert Template.from_s3_uri(URI).s3_uri == URI


def test_from_s3_uri_missing_key(s3_session: boto3.Session) -> None:
    """A missing key is a TemplateError naming the URI, caused by the ClientError."""
    uri = f"s3://{BUCKET}/packs/missing.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert info.value.message == f"The template {uri} does not exist: no such object (NoSuchKey)"
    assert info.value.path == uri
    assert isinstance(info.value.__cause__, ClientError)
    assert not isinstance(info.value, errors.ApiError)


def test_from_s3_uri_missing_bucket(s3_session: boto3.Session) -> None:
    """A missing bucket is a TemplateError naming the URI, caused by the ClientError."""
    uri = "s3://no-such-bucket-here/pack.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert info.value.message == f"The template {uri} does not exist: no such bucket (NoSuchBucket)"
    assert isinstance(info.value.__cause__, ClientError)


def test_from_s3_uri_too_large(s3_session: boto3.Session) -> None:
    """An object over 300 KB fails on its size, not on its (invalid) content."""
    s3_session.client("s3").put_object(
        Bucket=BUCKET, Key="big.yaml", Body=b"\xff" * (TEMPLATE_S3_MAX_BYTES + 1)
    )
    uri = f"s3://{BUCKET}/big.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert "The template is 307,201 bytes" in info.value.message
    assert info.value.path == uri


def test_from_s3_uri_invalid_template(s3_session: boto3.Session) -> None:
    """A template in S3 that the service would reject fails with the URI as its path."""
    s3_session.client("s3").put_object(Bucket=BUCKET, Key="bad.yaml", Body=b"Resources: {}\n")
    uri = f"s3://{BUCKET}/bad.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert info.value.path == uri
    assert info.value.location == "Resources"
    assert str(info.value).startswith(f"{uri}: Resources: the section is empty")


@pytest.mark.parametrize(("data", "start"), BAD_TEMPLATES)
def test_from_s3_uri_errors_name_the_uri(
    s3_session: boto3.Session, data: bytes, start: str
) -> None:
    """Every way a template in S3 fails (parse or check) names its URI in str(error)."""
    s3_session.client("s3").put_object(Bucket=BUCKET, Key="packs/bad.yaml", Body=data)
    uri = f"s3://{BUCKET}/packs/bad.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert_names(info.value, uri, start)


def test_from_s3_uri_missing_object_names_the_uri_once(s3_session: boto3.Session) -> None:
    """The message of a missing object already names the URI; its text does not repeat it."""
    uri = f"s3://{BUCKET}/packs/missing.yaml"
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=s3_session)
    assert str(info.value) == info.value.message
    assert str(info.value).count(uri) == 1


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "https://bucket-a/key.yaml",
        "s3://bucket-a",
        "s3://bucket-a/",
        "s3:/bucket-a/key.yaml",
        "s3://Bucket_A/key.yaml",
        "s3://ab/key.yaml",
        "s3://bucket-a-/key.yaml",
    ],
)
def test_from_s3_uri_bad_uri(uri: str) -> None:
    """A URI that is not s3://bucket/key fails before any call, on the template_s3_uri field."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=boto3.Session(region_name="us-east-1"))
    assert info.value.message == f"{uri!r} is not an S3 URI of the form s3://bucket/key"
    assert info.value.field == "template_s3_uri"


def test_from_s3_uri_too_long() -> None:
    """A URI over 1,024 characters fails before any call."""
    uri = f"s3://{BUCKET}/" + "k" * 1100
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri, session=boto3.Session(region_name="us-east-1"))
    assert info.value.message == (
        f"The template S3 URI is {len(uri):,} characters long; TemplateS3Uri may be at most 1,024"
    )
    assert info.value.field == "template_s3_uri"


class FakeBody:
    """A stand-in for botocore's StreamingBody that records how it is used."""

    def __init__(self, data: bytes = b"", error: Exception | None = None) -> None:
        self.data = data
        self.error = error
        self.reads: list[int] = []
        self.closed = False

    def read(self, amount: int) -> bytes:
        """Return up to ``amount`` bytes, or raise the configured error."""
        self.reads.append(amount)
        if self.error is not None:
            raise self.error
        return self.data[:amount]

    def close(self) -> None:
        """Record the close."""
        self.closed = True


def answering(status: int, parsed: dict[str, Any]) -> Callable[..., Any]:
    """Return a botocore before-call handler that answers GetObject without any network."""

    def handler(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        parsed.setdefault("ResponseMetadata", {"RequestId": "req-1", "HTTPStatusCode": status})
        return AWSResponse("https://s3.amazonaws.com", status, HTTPHeaders(), None), parsed

    return handler


def stub_session(handler: Callable[..., Any]) -> boto3.Session:
    """Return a session whose S3 GetObject calls are answered by ``handler``."""
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1"
    )
    session.events.register("before-call.s3.GetObject", handler)
    return session


def test_from_s3_uri_checks_content_length_before_reading() -> None:
    """An object whose ContentLength is over the limit is never read, and the body is closed."""
    body = FakeBody(b"irrelevant")
    session = stub_session(answering(200, {"Body": body, "ContentLength": 400_000}))
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(URI, session=session)
    assert "The template is 400,000 bytes" in info.value.message
    assert body.reads == []
    assert body.closed


def test_from_s3_uri_never_reads_past_the_limit() -> None:
    """A body longer than its ContentLength is read only up to the limit and refused."""
    body = FakeBody(b"#" * (TEMPLATE_S3_MAX_BYTES + 10))
    session = stub_session(answering(200, {"Body": body, "ContentLength": 10}))
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(URI, session=session)
    assert body.reads == [TEMPLATE_S3_MAX_BYTES + 1]
    assert "The template is 307,201 bytes" in info.value.message
    assert body.closed


def test_from_s3_uri_access_denied() -> None:
    """Access denied is an AccessDeniedError raised from the ClientError, never not-found."""
    error = {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}
    with pytest.raises(errors.AccessDeniedError) as info:
        Template.from_s3_uri(URI, session=stub_session(answering(403, error)))
    assert info.value.code == "AccessDenied"
    assert info.value.operation == "GetObject"
    assert info.value.region == "eu-west-1"
    assert info.value.request_id == "req-1"
    assert isinstance(info.value.__cause__, ClientError)


def test_from_s3_uri_other_error_is_an_api_error() -> None:
    """Any other S3 error answer is an ApiError carrying its code."""
    error = {"Error": {"Code": "InvalidObjectState", "Message": "archived"}}
    with pytest.raises(errors.ApiError) as info:
        Template.from_s3_uri(URI, session=stub_session(answering(403, error)))
    assert type(info.value) is errors.ApiError
    assert info.value.code == "InvalidObjectState"
    assert str(info.value) == "GetObject in eu-west-1: InvalidObjectState: archived"


def test_from_s3_uri_no_credentials_is_a_configuration_error() -> None:
    """Missing credentials are a typed setup error naming the session, from botocore's error."""

    def no_credentials(**_: Any) -> None:
        raise NoCredentialsError()

    with pytest.raises(errors.ConfigurationError) as info:
        Template.from_s3_uri(URI, session=stub_session(no_credentials))
    assert info.value.field == "session"
    assert isinstance(info.value.__cause__, NoCredentialsError)


def test_from_s3_uri_no_connection_is_a_transport_error() -> None:
    """A call that gets no answer at all is a TransportError raised from botocore's error."""

    def no_connection(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")

    with pytest.raises(errors.TransportError) as info:
        Template.from_s3_uri(URI, session=stub_session(no_connection))
    assert info.value.message.startswith(f"Could not read the template {URI}: ")
    assert isinstance(info.value.__cause__, EndpointConnectionError)


def test_from_s3_uri_broken_stream_is_a_transport_error() -> None:
    """A body that breaks while being read is a TransportError, and the body is closed."""
    body = FakeBody(error=ResponseStreamingError(error="connection reset"))
    session = stub_session(answering(200, {"Body": body, "ContentLength": 100}))
    with pytest.raises(errors.TransportError) as info:
        Template.from_s3_uri(URI, session=session)
    assert info.value.message.startswith(f"Could not read the template {URI}: ")
    assert body.closed


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_any_input_loads_or_raises_template_error(text: str | bytes) -> None:
    """Whatever the input, loading either succeeds or raises TemplateError, never anything else."""
    result = load_or_error(text)
    if isinstance(result, Template):
        assert result.rules
    else:
        assert result.message


_FUZZ_PIECES = st.sampled_from(
    [
        "Resources:\n",
        "  R:\n",
        "    Type: AWS::Config::ConfigRule\n",
        "    Properties:\n",
        "      Source: {Owner: AWS, SourceIdentifier: X}\n",
        "      Source: {Owner: CUSTOM_POLICY}\n",
        "      InputParameters: {a: !Ref P}\n",
        "Parameters: {P: {Type: String}}\n",
        "Conditions: {C: !Equals [a, b]}\n",
        "    Condition: C\n",
        "a: &x [1, 2]\n",
        "b: *x\n",
        "c: !GetAtt R.Arn\n",
        "d: !Sub '${P}'\n",
        "e: [\n",
        "- f\n",
        "{\n",
        '"g": 1\n',
        "}\n",
        "\t\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FUZZ_PIECES, max_size=12))
def test_template_like_input_loads_or_raises_template_error(pieces: list[str]) -> None:
    """Template-like fragments in any order either load or raise TemplateError."""
    result = load_or_error("".join(pieces))
    assert isinstance(result, (Template, errors.TemplateError))


_LOGICAL_IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,15}", fullmatch=True)
_RULE_NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True)
_IDENTIFIERS = st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(_LOGICAL_IDS, st.tuples(_RULE_NAMES, _IDENTIFIERS), min_size=1, max_size=8))
def test_yaml_and_json_give_the_same_rules(rules: dict[str, tuple[str, str]]) -> None:
    """The same template written as YAML and as JSON gives the same rules, in order."""
    document = {
        "Resources": {
            logical_id: {
                "Type": "AWS::Config::ConfigRule",
                "Properties": {
                    "ConfigRuleName": name,
                    "Source": {"Owner": "AWS", "SourceIdentifier": identifier},
                },
            }
            for logical_id, (name, identifier) in rules.items()
        }
    }
    from_yaml = Template.from_string(yaml.safe_dump(document, sort_keys=False))
    from_json = Template.from_string(json.dumps(document))
    assert from_yaml.rules == from_json.rules
    expected = [(lid, name, ident) for lid, (name, ident) in rules.items()]
    assert [(r.logical_id, r.name, r.source_identifier) for r in from_yaml.rules] == expected
