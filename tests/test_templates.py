"""Tests for orgconfig.templates: load, parse, validate and size conformance pack templates."""

from __future__ import annotations

import copy
import json
import re
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
from botocore.exceptions import ClientError, NoCredentialsError, ResponseStreamingError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from orgconfig import errors, templates
from orgconfig._frozen import deep_freeze
from orgconfig.templates import (
    MAX_EXPANDED_NODES,
    MAX_NESTING_DEPTH,
    MAX_RULES_PER_PACK,
    TEMPLATE_BODY_MAX_BYTES,
    TEMPLATE_S3_MAX_BYTES,
    Template,
    TemplateIssue,
    TemplateParameter,
    TemplateRule,
)

DATA = Path(__file__).resolve().parent / "data" / "templates"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

MANAGED_RULE: dict[str, Any] = {
    "Type": "AWS::Config::ConfigRule",
    "Properties": {
        "ConfigRuleName": "s3-bucket-versioning-enabled",
        "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
    },
}

MINIMAL_YAML = (
    "Resources:\n"
    "  Versioning:\n"
    "    Type: AWS::Config::ConfigRule\n"
    "    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)


def pack(**sections: Any) -> dict[str, Any]:
    """Return a valid one-rule template document, with ``sections`` added or replaced."""
    document: dict[str, Any] = {"Resources": {"Rule": copy.deepcopy(MANAGED_RULE)}}
    document.update(copy.deepcopy(sections))
    return document


def rule_pack(properties: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """Return a template whose only rule has ``properties``."""
    return pack(
        Resources={"Rule": {"Type": "AWS::Config::ConfigRule", "Properties": properties}},
        **sections,
    )


def source(**fields: Any) -> dict[str, Any]:
    """Return rule properties with a Source made of ``fields``."""
    return {"Source": fields}


def load(document: Any) -> Template:
    """Load a document written as JSON."""
    return Template.from_string(json.dumps(document), source="test.json")


def load_error(document: Any) -> errors.TemplateError:
    """Load a document that must fail, and return the error."""
    with pytest.raises(errors.TemplateError) as info:
        load(document)
    return info.value


def text_error(text: str | bytes) -> errors.TemplateError:
    """Load a text that must fail, and return the error."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string(text, source="test.yaml")
    return info.value


def load_or_error(text: str | bytes) -> Template | errors.TemplateError:
    """Load a text, returning the TemplateError instead of raising it."""
    try:
        return Template.from_string(text)
    except errors.TemplateError as error:
        return error


def parse_document(text: str) -> Any:
    """Parse YAML with the module's loader, without validating it as a template."""
    loader = templates._Loader(text)
    try:
        node = loader.get_single_node()
        assert node is not None
        return loader.construct_document(node)
    finally:
        loader.dispose()


def only_rule(template: Template) -> TemplateRule:
    """Return the template's only rule."""
    (rule,) = template.rules
    return rule


_BACKENDS: list[Callable[[str], Any]] = [templates._PyLoader]
if getattr(templates, "_CLoader", None) is not None:
    _BACKENDS.append(templates._CLoader)


@pytest.fixture(params=_BACKENDS, ids=lambda loader: loader.__name__)
def yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test once with each YAML parser (pure Python, and libyaml when installed)."""
    monkeypatch.setattr(templates, "_Loader", request.param)


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


def test_issue_reads_as_location_and_message() -> None:
    """A TemplateIssue prints as 'location: message'."""
    issue = TemplateIssue(code="unused-parameter", location="Parameters.X", message="never used")
    assert str(issue) == "Parameters.X: never used"


# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------


def _padded(size: int) -> str:
    """Return a valid template of exactly ``size`` bytes."""
    text = MINIMAL_YAML + "#"
    return text + "x" * (size - len(text) - 1) + "\n"


def test_needs_s3_boundary() -> None:
    """needs_s3 is false at 51,200 bytes and true at 51,201."""
    at_limit = Template.from_string(_padded(TEMPLATE_BODY_MAX_BYTES))
    assert at_limit.size_bytes == TEMPLATE_BODY_MAX_BYTES
    assert not at_limit.needs_s3
    over = Template.from_string(_padded(TEMPLATE_BODY_MAX_BYTES + 1))
    assert over.needs_s3


def test_largest_template_loads() -> None:
    """A template of exactly 307,200 bytes loads and needs S3."""
    template = Template.from_string(_padded(TEMPLATE_S3_MAX_BYTES))
    assert template.size_bytes == TEMPLATE_S3_MAX_BYTES
    assert template.needs_s3


def test_oversize_bytes_rejected_before_decoding() -> None:
    """Bytes over 300 KB fail on size, before decoding (invalid UTF-8 is not even noticed)."""
    error = text_error(b"\xff" * (TEMPLATE_S3_MAX_BYTES + 1))
    assert error.message == (
        "The template is 307,201 bytes; a conformance pack template may be at most "
        "307,200 bytes (300 KB) even through TemplateS3Uri"
    )
    assert error.path == "test.yaml"
    assert error.field == "template"


def test_oversize_text_rejected_before_parsing() -> None:
    """Text over 300 KB fails on size, before parsing (its broken YAML is not even noticed)."""
    error = text_error("[" * (TEMPLATE_S3_MAX_BYTES + 5))
    assert "at most 307,200 bytes" in error.message
    assert "at least 307,205 bytes" in error.message


def test_oversize_multibyte_text_counts_bytes() -> None:
    """Size is counted in UTF-8 bytes, so 200,000 two-byte characters are too many."""
    error = text_error("# " + "é" * 200_000 + "\n" + MINIMAL_YAML)
    assert "The template is 400,1" in error.message


# ---------------------------------------------------------------------------------------------
# Text: encodings, BOM, CRLF, emptiness
# ---------------------------------------------------------------------------------------------


def test_non_utf8_bytes_rejected() -> None:
    """Bytes that are not UTF-8 fail with the offset and line of the first bad byte."""
    error = text_error(MINIMAL_YAML.encode() + b"# caf\xe9\n")
    assert error.message == (
        f"The template is not UTF-8 text: byte 0xe9 at offset {len(MINIMAL_YAML) + 5} (line 6) "
        "cannot be decoded"
    )
    assert error.location == "line 6"
    assert isinstance(error.__cause__, UnicodeDecodeError)


def test_utf16_bytes_rejected() -> None:
    """A UTF-16 file (with its byte order mark) is not UTF-8 and fails."""
    error = text_error(MINIMAL_YAML.encode("utf-16"))
    assert "is not UTF-8 text: byte 0xff at offset 0" in error.message


def test_unencodable_text_rejected() -> None:
    """Text holding a lone surrogate cannot be sent as UTF-8 and fails."""
    error = text_error(MINIMAL_YAML + "# \ud800\n")
    assert "cannot be encoded as UTF-8" in error.message


@pytest.mark.usefixtures("yaml_backend")
def test_bom_is_kept_in_body_and_ignored_by_the_parser() -> None:
    """A UTF-8 byte order mark is kept in body (and size) but does not disturb parsing."""
    data = b"\xef\xbb\xbf" + MINIMAL_YAML.encode()
    template = Template.from_string(data)
    assert template.body.startswith("\ufeff")
    assert template.size_bytes == len(data)
    assert only_rule(template).logical_id == "Versioning"


def test_bom_before_json() -> None:
    """A byte order mark before a JSON template is ignored by the parser."""
    template = Template.from_string(b"\xef\xbb\xbf" + json.dumps(pack()).encode())
    assert only_rule(template).logical_id == "Rule"


@pytest.mark.usefixtures("yaml_backend")
def test_crlf_line_endings() -> None:
    """CRLF line endings parse, block scalars included, and the body keeps them."""
    text = (MINIMAL_YAML + "Description: |\n  two\n  lines\n").replace("\n", "\r\n")
    template = Template.from_string(text)
    assert template.body == text
    assert only_rule(template).source_identifier == "S3_BUCKET_VERSIONING_ENABLED"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The template is empty"),
        (b"", "The template is empty"),
        ("  \n\n", "The template is empty"),
        ("# only a comment\n", "The template is empty (it holds only comments or whitespace)"),
    ],
    ids=["empty-text", "empty-bytes", "whitespace", "comment"],
)
def test_empty_template_rejected(text: str | bytes, message: str) -> None:
    """An empty template, or one with only comments, fails."""
    assert text_error(text).message == message


# ---------------------------------------------------------------------------------------------
# YAML parsing: CloudFormation tags, safety
# ---------------------------------------------------------------------------------------------


SHORT_FORMS = [
    ("!Ref Param", {"Ref": "Param"}),
    ("!Condition IsProd", {"Condition": "IsProd"}),
    ("!GetAtt Rule.Arn", {"Fn::GetAtt": ["Rule", "Arn"]}),
    ("!GetAtt Rule.Compliance.Type", {"Fn::GetAtt": ["Rule", "Compliance.Type"]}),
    ("!GetAtt [Rule, Arn]", {"Fn::GetAtt": ["Rule", "Arn"]}),
    ("!Sub 'x-${AWS::Region}'", {"Fn::Sub": "x-${AWS::Region}"}),
    ("!Sub ['x-${V}', {V: v}]", {"Fn::Sub": ["x-${V}", {"V": "v"}]}),
    ("!If [IsProd, a, b]", {"Fn::If": ["IsProd", "a", "b"]}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!Not [!Equals [a, b]]", {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}),
    (
        "!And [!Condition IsProd, !Condition IsEu]",
        {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "IsEu"}]},
    ),
    (
        "!Or [!Condition IsProd, !Condition IsEu]",
        {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsEu"}]},
    ),
    ("!FindInMap [M, k1, k2]", {"Fn::FindInMap": ["M", "k1", "k2"]}),
    ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
    ("!Select [0, [a, b]]", {"Fn::Select": [0, ["a", "b"]]}),
    ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
    ("!Base64 text", {"Fn::Base64": "text"}),
    ("!Cidr ['10.0.0.0/16', 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("!ImportValue shared-value", {"Fn::ImportValue": "shared-value"}),
    (
        "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
        {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
    ),
]


@pytest.mark.usefixtures("yaml_backend")
@pytest.mark.parametrize(
    ("short", "long"),
    SHORT_FORMS,
    ids=[s.split()[0] + str(i) for i, (s, _) in enumerate(SHORT_FORMS)],
)
def test_short_form_tags_become_long_form(short: str, long: dict[str, Any]) -> None:
    """Each CloudFormation short-form tag becomes its long-form mapping."""
    text = MINIMAL_YAML + f"Metadata:\n  Value: {short}\n"
    template = Template.from_string(text)
    assert template.rules  # loads; Metadata is not checked for references
    assert parse_document(text)["Metadata"]["Value"] == long


@pytest.mark.usefixtures("yaml_backend")
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!Ref [a, b]", "!Ref cannot tag a sequence; it takes a scalar"),
        ("!If a", "!If cannot tag a scalar; it takes a sequence"),
        ("!Transform [a]", "!Transform cannot tag a sequence; it takes a mapping"),
        ("!GetAtt NoDot", "!GetAtt 'NoDot' is not of the form Resource.Attribute"),
        ("!Foo bar", "unknown tag !Foo: CloudFormation templates may use only the short forms"),
        (
            "!!python/object/apply:os.system ['true']",
            "could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
    ],
    ids=["ref-sequence", "if-scalar", "transform-sequence", "getatt-no-dot", "unknown", "python"],
)
def test_bad_tags_rejected(value: str, message: str) -> None:
    """Tags on the wrong kind of node, unknown tags and Python object tags fail with a line."""
    error = text_error(MINIMAL_YAML + f"Metadata:\n  Value: {value}\n")
    assert error.message.startswith("The template is not valid YAML: ")
    assert message in error.message
    assert error.location == "line 7, column 10"
    assert error.path == "test.yaml"


def test_dates_stay_strings() -> None:
    """AWSTemplateFormatVersion: 2010-09-09 stays a string, as CloudFormation reads it."""
    text = "AWSTemplateFormatVersion: 2010-09-09\n" + MINIMAL_YAML
    assert parse_document(text)["AWSTemplateFormatVersion"] == "2010-09-09"
    assert not Template.from_string(text).warnings


@pytest.mark.usefixtures("yaml_backend")
def test_yaml_duplicate_key_rejected() -> None:
    """A YAML mapping that repeats a key fails, naming the key and both lines."""
    text = MINIMAL_YAML + "  Versioning:\n    Type: AWS::Config::ConfigRule\n"
    error = text_error(text)
    assert error.message == (
        "The template repeats the key 'Versioning' at line 6 (first at line 2); a key may "
        "appear only once in a mapping"
    )
    assert error.location == "line 6"


@pytest.mark.usefixtures("yaml_backend")
def test_yaml_merge_key_is_not_a_duplicate() -> None:
    """A YAML merge key (<<) that a mapping overrides is not a duplicate key."""
    text = (
        "Metadata:\n"
        "  Base: &base {Owner: AWS, SourceIdentifier: OLD}\n"
        "Resources:\n"
        "  Versioning:\n"
        "    Type: AWS::Config::ConfigRule\n"
        "    Properties:\n"
        "      Source:\n"
        "        <<: *base\n"
        "        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n"
    )
    assert only_rule(Template.from_string(text)).source_identifier == "S3_BUCKET_VERSIONING_ENABLED"


def _alias_bomb(levels: int) -> str:
    lines = ["Metadata:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n" + MINIMAL_YAML


@pytest.mark.usefixtures("yaml_backend")
def test_alias_bomb_rejected() -> None:
    """A 'billion laughs' document fails before it is expanded."""
    error = text_error(_alias_bomb(9))
    assert error.message == (
        f"The template expands to more than {MAX_EXPANDED_NODES:,} YAML nodes through anchors "
        "and aliases (&name / *name); refusing to expand it"
    )
    assert error.location is not None
    assert error.location.startswith("line ")


@pytest.mark.usefixtures("yaml_backend")
def test_modest_aliases_allowed() -> None:
    """A few aliases that expand to a modest document are allowed."""
    assert Template.from_string(_alias_bomb(3)).rules


@pytest.mark.usefixtures("yaml_backend")
def test_recursive_alias_rejected() -> None:
    """An alias inside the node it refers to fails instead of looping."""
    error = text_error("Metadata: &loop\n  again: *loop\n" + MINIMAL_YAML)
    assert error.message == (
        "The template holds a recursive alias (an alias inside the node it refers to)"
    )


@pytest.mark.usefixtures("yaml_backend")
@pytest.mark.parametrize(
    "text",
    [
        "[" * 150_000 + "]" * 150_000 + "\n",
        "Metadata: " + "[" * (MAX_NESTING_DEPTH + 5) + "]" * (MAX_NESTING_DEPTH + 5),
    ],
    ids=["huge", "just-over"],
)
def test_deep_yaml_nesting_rejected(text: str) -> None:
    """YAML nested too deeply fails cleanly, without exhausting the stack."""
    error = text_error(text)
    assert error.message == (
        f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} levels deep"
    )


@pytest.mark.usefixtures("yaml_backend")
def test_deep_nesting_through_aliases_rejected() -> None:
    """Aliases cannot be used to nest deeper than the bound."""
    half = MAX_NESTING_DEPTH // 2 + 5
    text = (
        "Metadata:\n"
        f"  a: &deep {'[' * half}x{']' * half}\n"
        f"  b: {'[' * half}*deep{']' * half}\n" + MINIMAL_YAML
    )
    error = text_error(text)
    assert "levels deep once its aliases are expanded" in error.message


@pytest.mark.usefixtures("yaml_backend")
def test_multiple_documents_rejected() -> None:
    """A stream of several YAML documents fails."""
    error = text_error(MINIMAL_YAML + "---\n" + MINIMAL_YAML)
    assert "expected a single document in the stream" in error.message
    assert error.location == "line 6, column 1"


@pytest.mark.usefixtures("yaml_backend")
def test_yaml_syntax_error_has_line_and_column() -> None:
    """A YAML syntax error names the line and column."""
    error = text_error("Resources: [1,\n  2, }\n")
    assert error.message.startswith("The template is not valid YAML: ")
    assert error.message.endswith(" at line 2, column 6")
    assert error.location == "line 2, column 6"
    assert isinstance(error.__cause__, yaml.YAMLError)


@pytest.mark.usefixtures("yaml_backend")
def test_control_character_rejected() -> None:
    """A control character in the text fails with its line."""
    error = text_error(MINIMAL_YAML + "Description: \x07\n")
    assert error.message == (
        "The template is not valid YAML: the control character U+0007 at line 6 is not "
        "allowed in YAML"
    )
    assert error.location == "line 6"


@pytest.mark.usefixtures("yaml_backend")
def test_unhashable_key_rejected() -> None:
    """A mapping used as a mapping key fails as invalid YAML."""
    error = text_error("? [a, b]\n: c\n" + MINIMAL_YAML)
    assert "found unhashable key" in error.message


# ---------------------------------------------------------------------------------------------
# JSON parsing
# ---------------------------------------------------------------------------------------------


def test_json_template_loads() -> None:
    """A JSON template is read as JSON."""
    template = load(pack())
    assert only_rule(template).name == "s3-bucket-versioning-enabled"


def test_json_duplicate_key_rejected_with_line() -> None:
    """A JSON object that repeats a key fails, naming the key and both lines."""
    text = (
        '{\n  "Resources": {\n    "Rule": {\n      "Type": "AWS::Config::ConfigRule",\n'
        '      "Properties": {"Source": {"Owner": "AWS", "SourceIdentifier": "X"}},\n'
        '      "Type": "AWS::Config::ConfigRule"\n    }\n  }\n}\n'
    )
    error = text_error(text)
    assert error.message == (
        "The template repeats the key 'Type' at line 6 (first at line 4); a key may appear only "
        "once in a mapping"
    )
    assert error.location == "line 6"


def test_json_duplicate_key_in_nested_arrays_found() -> None:
    """The line of a JSON duplicate key is found inside arrays and after other values."""
    text = (
        '{"Metadata": {"List": [1, 2.5, true, null, "s", {"k": 1}, [[]], {}]},\n'
        '"Resources": {"Rule": {"Type": "AWS::Config::ConfigRule",\n'
        '"Properties": {"Source": {"Owner": "AWS", "SourceIdentifier": "X"}}}},\n'
        '"Metadata": {}}'
    )
    error = text_error(text)
    assert error.message.startswith("The template repeats the key 'Metadata' at line 4 ")


def test_json_syntax_error_has_line_and_column() -> None:
    """A JSON syntax error that is not valid YAML either is reported as JSON."""
    error = text_error('{"Resources": [1,}')
    assert error.message == "The template is not valid JSON: Expecting value at line 1, column 18"
    assert error.location == "line 1, column 18"


def test_yaml_flow_mapping_is_not_mistaken_for_json() -> None:
    """A YAML flow mapping (which starts like JSON) is read as YAML."""
    text = (
        "{Resources: {Rule: {Type: AWS::Config::ConfigRule, "
        "Properties: {Source: {Owner: AWS, SourceIdentifier: X}}}}}"
    )
    assert only_rule(Template.from_string(text)).source_identifier == "X"


def test_json_nan_rejected() -> None:
    """NaN and Infinity are not JSON numbers."""
    error = text_error('{"Resources": {}, "Metadata": NaN}')
    assert error.message == "The template is not valid JSON: NaN is not a JSON number"


@pytest.mark.parametrize("depth", [MAX_NESTING_DEPTH + 1, 100_000], ids=["just-over", "huge"])
def test_deep_json_nesting_rejected(depth: int) -> None:
    """JSON nested too deeply fails cleanly."""
    error = text_error('{"Metadata": ' + "[" * depth + "]" * depth + "}")
    assert error.message == (
        f"The template nests objects and arrays more than {MAX_NESTING_DEPTH} levels deep"
    )


# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message", "location"),
    [
        (
            ["Resources"],
            "The template must be a mapping of sections (Parameters, Resources, ...), not a list",
            None,
        ),
        (
            {"Parameters": {}},
            "The template has no Resources section; a conformance pack needs at least one "
            "AWS::Config::ConfigRule",
            "Resources",
        ),
        ({"Resources": []}, "Resources: Resources must be a mapping, not a list", "Resources"),
        (
            {"Resources": {}},
            "Resources: the section is empty; a conformance pack needs at least one rule",
            "Resources",
        ),
        (
            {
                "Resources": {
                    "Fix": {
                        "Type": "AWS::Config::RemediationConfiguration",
                        "Properties": {
                            "ConfigRuleName": "r",
                            "TargetId": "t",
                            "TargetType": "SSM_DOCUMENT",
                        },
                    }
                }
            },
            "Resources: a conformance pack needs at least one AWS::Config::ConfigRule",
            "Resources",
        ),
    ],
    ids=["not-a-mapping", "no-resources", "resources-list", "resources-empty", "no-rule"],
)
def test_structure_errors(document: Any, message: str, location: str | None) -> None:
    """A template must be a mapping with a non-empty Resources holding at least one rule."""
    error = load_error(document)
    assert error.message == message
    assert error.location == location
    assert error.path == "test.json"
    assert error.field == "template"


def test_rule_count_limit() -> None:
    """130 rules are allowed; 131 are one too many."""
    resources = {f"Rule{i}": copy.deepcopy(MANAGED_RULE) for i in range(MAX_RULES_PER_PACK)}
    for i, rule in enumerate(resources.values()):
        rule["Properties"]["ConfigRuleName"] = f"rule-{i}"
    assert len(load({"Resources": resources}).rules) == MAX_RULES_PER_PACK
    resources["OneMore"] = copy.deepcopy(MANAGED_RULE)
    error = load_error({"Resources": resources})
    assert error.message == (
        "Resources: the template declares 131 AWS::Config::ConfigRule resources; a conformance "
        "pack may hold at most 130"
    )


def test_remediations_do_not_count_as_rules() -> None:
    """130 rules plus a remediation is within the limit."""
    resources: dict[str, Any] = {
        f"Rule{i}": copy.deepcopy(MANAGED_RULE) for i in range(MAX_RULES_PER_PACK)
    }
    resources["Fix"] = {
        "Type": "AWS::Config::RemediationConfiguration",
        "Properties": {
            "ConfigRuleName": "s3-bucket-versioning-enabled",
            "TargetId": "AWS-ConfigureS3BucketVersioning",
            "TargetType": "SSM_DOCUMENT",
        },
    }
    template = load({"Resources": resources})
    assert (len(template.rules), len(template.remediations)) == (130, 1)


@pytest.mark.parametrize(
    ("resources", "location", "message"),
    [
        (
            {"Bucket": {"Type": "AWS::S3::Bucket"}},
            "Resources.Bucket.Type",
            "'AWS::S3::Bucket' cannot be used in a conformance pack; only AWS::Config::ConfigRule "
            "and AWS::Config::RemediationConfiguration resources can",
        ),
        ({"Rule": {"Properties": {}}}, "Resources.Rule.Type", "every resource needs a Type"),
        (
            {"Rule": "AWS::Config::ConfigRule"},
            "Resources.Rule",
            "a resource must be a mapping, not a str",
        ),
        (
            {"Bad-Id": MANAGED_RULE},
            "Resources.Bad-Id",
            "a resource logical id must be 1 to 255 letters and digits",
        ),
        (
            {"Rule": {"Type": "AWS::Config::ConfigRule"}},
            "Resources.Rule.Properties",
            "an AWS::Config::ConfigRule needs Properties with a Source",
        ),
        (
            {"Rule": {"Type": "AWS::Config::ConfigRule", "Properties": []}},
            "Resources.Rule.Properties",
            "Properties must be a mapping, not a list",
        ),
        (
            {"Rule": {**MANAGED_RULE, "DependsOn": "Missing"}},
            "Resources.Rule.DependsOn",
            "'Missing' is not a resource of this template",
        ),
        (
            {"Rule": {**MANAGED_RULE, "DependsOn": ["Rule", 3]}},
            "Resources.Rule.DependsOn[1]",
            "3 is not a resource of this template",
        ),
    ],
    ids=[
        "type",
        "no-type",
        "not-mapping",
        "logical-id",
        "no-properties",
        "properties-list",
        "depends-on",
        "depends-on-list",
    ],
)
def test_resource_errors(resources: dict[str, Any], location: str, message: str) -> None:
    """Resources must be ConfigRule or RemediationConfiguration mappings with valid ids."""
    error = load_error({"Resources": resources})
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_depends_on_a_resource_is_accepted() -> None:
    """DependsOn naming resources of the template (one or a list) is accepted."""
    other = copy.deepcopy(MANAGED_RULE)
    other["Properties"]["ConfigRuleName"] = "other"
    template = load(
        {
            "Resources": {
                "Rule": {**MANAGED_RULE, "DependsOn": "Other"},
                "Other": {**other, "DependsOn": ["Rule"]},
            }
        }
    )
    assert len(template.rules) == 2


# ---------------------------------------------------------------------------------------------
# Rule properties
# ---------------------------------------------------------------------------------------------

P = "Resources.Rule.Properties"

RULE_ERRORS = [
    ("source-missing", {}, f"{P}.Source", "is required: every rule needs a Source with an Owner"),
    ("source-list", {"Source": []}, f"{P}.Source", "Source must be a mapping, not a list"),
    (
        "owner-missing",
        source(SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "is required: one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY",
    ),
    (
        "owner-invalid",
        source(Owner="CUSTOM", SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "'CUSTOM' is not one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY",
    ),
    (
        "owner-intrinsic",
        source(Owner={"Ref": "OwnerParam"}, SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "must be written literally as one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY, not a mapping",
    ),
    (
        "aws-identifier",
        source(Owner="AWS"),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is AWS",
    ),
    (
        "aws-identifier-empty",
        source(Owner="AWS", SourceIdentifier=""),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is AWS",
    ),
    (
        "lambda-identifier",
        source(Owner="CUSTOM_LAMBDA"),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is CUSTOM_LAMBDA",
    ),
    (
        "identifier-long",
        source(Owner="AWS", SourceIdentifier="X" * 257),
        f"{P}.Source.SourceIdentifier",
        "must be 1 to 256 characters long, not 257",
    ),
    (
        "identifier-list",
        source(Owner="AWS", SourceIdentifier=["X"]),
        f"{P}.Source.SourceIdentifier",
        "expected a string, found a list",
    ),
    (
        "policy-details",
        source(Owner="CUSTOM_POLICY"),
        f"{P}.Source.CustomPolicyDetails",
        "is required when Owner is CUSTOM_POLICY",
    ),
    (
        "policy-details-list",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails=[]),
        f"{P}.Source.CustomPolicyDetails",
        "CustomPolicyDetails must be a mapping, not a list",
    ),
    (
        "policy-runtime",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails={"PolicyText": "rule r {}"}),
        f"{P}.Source.CustomPolicyDetails.PolicyRuntime",
        "is required for a Guard rule",
    ),
    (
        "policy-text",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x"}),
        f"{P}.Source.CustomPolicyDetails.PolicyText",
        "is required for a Guard rule",
    ),
    (
        "policy-runtime-bad",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-1.x", "PolicyText": "rule r {}"},
        ),
        f"{P}.Source.CustomPolicyDetails.PolicyRuntime",
        "'guard-1.x' is not a Guard runtime; use guard-2.x.x",
    ),
    (
        "policy-text-long",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x", "PolicyText": "x" * 10_001},
        ),
        f"{P}.Source.CustomPolicyDetails.PolicyText",
        "must be 0 to 10000 characters long, not 10,001",
    ),
    (
        "debug-flag",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={
                "PolicyRuntime": "guard-2.x.x",
                "PolicyText": "rule r {}",
                "EnableDebugLogDelivery": "yes please",
            },
        ),
        f"{P}.Source.CustomPolicyDetails.EnableDebugLogDelivery",
        "expected true or false, found 'yes please'",
    ),
    (
        "policy-scheduled",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x", "PolicyText": "rule r {}"},
            SourceDetails=[{"EventSource": "aws.config", "MessageType": "ScheduledNotification"}],
        ),
        f"{P}.Source.SourceDetails[0].MessageType",
        "'ScheduledNotification' is not allowed for a CUSTOM_POLICY rule; use one of "
        "ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification",
    ),
    (
        "message-type",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[{"EventSource": "aws.config", "MessageType": "Sometimes"}],
        ),
        f"{P}.Source.SourceDetails[0].MessageType",
        "'Sometimes' is not allowed; use one of ConfigurationItemChangeNotification, "
        "ConfigurationSnapshotDeliveryCompleted, ScheduledNotification, "
        "OversizedConfigurationItemChangeNotification",
    ),
    (
        "event-source",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[{"EventSource": "aws.s3", "MessageType": "ScheduledNotification"}],
        ),
        f"{P}.Source.SourceDetails[0].EventSource",
        "'aws.s3' is not one of aws.config",
    ),
    (
        "detail-frequency",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[
                {
                    "EventSource": "aws.config",
                    "MessageType": "ScheduledNotification",
                    "MaximumExecutionFrequency": "Daily",
                }
            ],
        ),
        f"{P}.Source.SourceDetails[0].MaximumExecutionFrequency",
        "'Daily' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours",
    ),
    (
        "details-mapping",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails={"MessageType": "ScheduledNotification"},
        ),
        f"{P}.Source.SourceDetails",
        "must be a list, not a mapping",
    ),
    (
        "detail-string",
        source(
            Owner="CUSTOM_LAMBDA", SourceIdentifier="arn", SourceDetails=["ScheduledNotification"]
        ),
        f"{P}.Source.SourceDetails[0]",
        "a SourceDetails entry must be a mapping, not a str",
    ),
    (
        "name-long",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": "n" * 129},
        f"{P}.ConfigRuleName",
        "must be 1 to 128 characters long, not 129",
    ),
    (
        "name-empty",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": ""},
        f"{P}.ConfigRuleName",
        "must be 1 to 128 characters long, not 0",
    ),
    (
        "name-blank",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": "   "},
        f"{P}.ConfigRuleName",
        "must not be blank",
    ),
    (
        "name-mapping",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": {"a": 1, "b": 2}},
        f"{P}.ConfigRuleName",
        "expected a string, found a mapping",
    ),
    (
        "description-long",
        {**source(Owner="AWS", SourceIdentifier="X"), "Description": "d" * 257},
        f"{P}.Description",
        "must be 0 to 256 characters long, not 257",
    ),
    (
        "frequency",
        {**source(Owner="AWS", SourceIdentifier="X"), "MaximumExecutionFrequency": "Hourly"},
        f"{P}.MaximumExecutionFrequency",
        "'Hourly' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours",
    ),
    (
        "input-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": ["a"]},
        f"{P}.InputParameters",
        "InputParameters must be a mapping, not a list",
    ),
    (
        "input-bad-json",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": "{a: 1}"},
        f"{P}.InputParameters",
        "a string InputParameters must hold a JSON object: Expecting property name enclosed "
        "in double quotes",
    ),
    (
        "input-json-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": "[1]"},
        f"{P}.InputParameters",
        "InputParameters must be a mapping, not a list",
    ),
    (
        "scope-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": ["AWS::S3::Bucket"]},
        f"{P}.Scope",
        "Scope must be a mapping, not a list",
    ),
    (
        "scope-types-string",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": "AWS::S3::Bucket"},
        },
        f"{P}.Scope.ComplianceResourceTypes",
        "must be a list, not a str",
    ),
    (
        "scope-types-many",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": [f"AWS::T::R{i}" for i in range(101)]},
        },
        f"{P}.Scope.ComplianceResourceTypes",
        "lists 101 resource types; at most 100 are allowed",
    ),
    (
        "scope-type-list",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": [["AWS::S3::Bucket"]]},
        },
        f"{P}.Scope.ComplianceResourceTypes[0]",
        "expected a string, found a list",
    ),
    (
        "scope-tag-key",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": {"TagKey": "k" * 129}},
        f"{P}.Scope.TagKey",
        "must be 1 to 128 characters long, not 129",
    ),
    (
        "scope-tag-value",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"TagKey": "k", "TagValue": "v" * 257},
        },
        f"{P}.Scope.TagValue",
        "must be 1 to 256 characters long, not 257",
    ),
    (
        "scope-resource-id",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": {"ComplianceResourceId": ""}},
        f"{P}.Scope.ComplianceResourceId",
        "must be 1 to 768 characters long, not 0",
    ),
]


@pytest.mark.parametrize(
    ("properties", "location", "message"),
    [case[1:] for case in RULE_ERRORS],
    ids=[case[0] for case in RULE_ERRORS],
)
def test_rule_property_errors(properties: dict[str, Any], location: str, message: str) -> None:
    """A rule property the service would reject fails with its location."""
    error = load_error(rule_pack(properties))
    assert error.location == location
    assert error.message.startswith(f"{location}: {message}")
    assert error.path == "test.json"


def test_rule_property_values_at_their_limits_pass() -> None:
    """Rule properties at the edge of their limits load."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": "n" * 128,
                    "Description": "d" * 256,
                    "MaximumExecutionFrequency": "One_Hour",
                    "InputParameters": '{"maxAccessKeyAge": "90"}',
                    "Scope": {
                        "ComplianceResourceTypes": [f"AWS::T::R{i}" for i in range(100)],
                        "TagKey": "k" * 128,
                        "TagValue": "v" * 256,
                    },
                    "Source": {"Owner": "AWS", "SourceIdentifier": "X" * 256},
                }
            )
        )
    )
    assert rule.name == "n" * 128
    assert rule.input_parameters == {"maxAccessKeyAge": "90"}
    assert len(rule.resource_types) == 100
    assert rule.maximum_execution_frequency == "One_Hour"


def test_guard_rule_at_its_limits_passes() -> None:
    """A Guard rule with 10,000 characters of policy and change triggers loads."""
    rule = only_rule(
        load(
            rule_pack(
                source(
                    Owner="CUSTOM_POLICY",
                    CustomPolicyDetails={
                        "PolicyRuntime": "guard-2.x.x",
                        "PolicyText": "x" * 10_000,
                        "EnableDebugLogDelivery": False,
                    },
                    SourceDetails=[
                        {"EventSource": "aws.config", "MessageType": t}
                        for t in (
                            "ConfigurationItemChangeNotification",
                            "OversizedConfigurationItemChangeNotification",
                        )
                    ],
                )
            )
        )
    )
    assert rule.enable_debug_log_delivery is False
    assert len(rule.trigger_types) == 2


def test_scalars_are_read_as_cloudformation_strings() -> None:
    """Numbers and booleans in string properties are read as CloudFormation reads them."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": 123,
                    "Description": True,
                    **source(Owner="AWS", SourceIdentifier=1.5),
                }
            )
        )
    )
    assert (rule.name, rule.description, rule.source_identifier) == ("123", "true", "1.5")


def test_intrinsics_in_rule_properties_are_kept() -> None:
    """Intrinsic functions in rule properties are kept in long form and skip literal checks."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": {"Fn::Sub": "${AWS::StackName}-rule"},
                    "MaximumExecutionFrequency": {"Ref": "Frequency"},
                    "Scope": {"ComplianceResourceTypes": {"Ref": "Types"}},
                    "Source": {
                        "Owner": "AWS",
                        "SourceIdentifier": "X",
                        "SourceDetails": {"Ref": "AWS::NoValue"},
                    },
                },
                Parameters={
                    "Frequency": {"Type": "String", "Default": "One_Hour"},
                    "Types": {"Type": "CommaDelimitedList", "Default": "AWS::S3::Bucket"},
                },
            )
        )
    )
    assert rule.name == {"Fn::Sub": "${AWS::StackName}-rule"}
    assert rule.maximum_execution_frequency == {"Ref": "Frequency"}
    assert rule.resource_types == ()
    assert rule.properties["Scope"] == {"ComplianceResourceTypes": {"Ref": "Types"}}


# ---------------------------------------------------------------------------------------------
# Remediations
# ---------------------------------------------------------------------------------------------

REMEDIATION = {
    "ConfigRuleName": "s3-bucket-versioning-enabled",
    "TargetId": "AWS-ConfigureS3BucketVersioning",
    "TargetType": "SSM_DOCUMENT",
}
RP = "Resources.Fix.Properties"


@pytest.mark.parametrize(
    ("properties", "location", "message"),
    [
        (None, RP, "an AWS::Config::RemediationConfiguration needs Properties"),
        (
            {k: v for k, v in REMEDIATION.items() if k != "ConfigRuleName"},
            f"{RP}.ConfigRuleName",
            "is required for a remediation",
        ),
        (
            {k: v for k, v in REMEDIATION.items() if k != "TargetId"},
            f"{RP}.TargetId",
            "is required for a remediation",
        ),
        (
            {k: v for k, v in REMEDIATION.items() if k != "TargetType"},
            f"{RP}.TargetType",
            "is required for a remediation",
        ),
        (
            {**REMEDIATION, "TargetType": "LAMBDA"},
            f"{RP}.TargetType",
            "'LAMBDA' is not one of SSM_DOCUMENT",
        ),
        (
            {**REMEDIATION, "ConfigRuleName": "n" * 129},
            f"{RP}.ConfigRuleName",
            "must be 1 to 128 characters long, not 129",
        ),
    ],
    ids=[
        "no-properties",
        "rule-name",
        "target-id",
        "target-type",
        "target-type-bad",
        "rule-name-long",
    ],
)
def test_remediation_errors(properties: dict[str, Any] | None, location: str, message: str) -> None:
    """A remediation needs a rule name, a target id and the SSM_DOCUMENT target type."""
    fix: dict[str, Any] = {"Type": "AWS::Config::RemediationConfiguration"}
    if properties is not None:
        fix["Properties"] = properties
    error = load_error(pack(Resources={"Rule": MANAGED_RULE, "Fix": fix}))
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_remediation_for_a_rule_outside_the_pack_is_a_warning() -> None:
    """A remediation naming no rule of the pack loads with a warning; one naming a rule does not."""
    fix = {"Type": "AWS::Config::RemediationConfiguration", "Properties": REMEDIATION}
    assert not load(pack(Resources={"Rule": MANAGED_RULE, "Fix": fix})).warnings
    other = {"Type": fix["Type"], "Properties": {**REMEDIATION, "ConfigRuleName": "elsewhere"}}
    template = load(pack(Resources={"Rule": MANAGED_RULE, "Fix": other}))
    assert template.warnings == (
        TemplateIssue(
            code="remediation-rule-not-in-pack",
            location=f"{RP}.ConfigRuleName",
            message="no rule of this template is named 'elsewhere'",
        ),
    )


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "location", "message"),
    [
        ([], "Parameters", "Parameters must be a mapping, not a list"),
        (None, "Parameters", "Parameters must be a mapping, not a null"),
        (
            {"Bad_Name": {"Type": "String"}},
            "Parameters.Bad_Name",
            "a parameter name must be 1 to 255 letters and digits",
        ),
        ({"P": "String"}, "Parameters.P", "a parameter declaration must be a mapping, not a str"),
        ({"P": {"Default": "x"}}, "Parameters.P.Type", "every parameter needs a Type"),
        (
            {"P": {"Type": "Text"}},
            "Parameters.P.Type",
            "'Text' is not a CloudFormation parameter type (such as String, Number, "
            "CommaDelimitedList, List<Number> or an AWS-specific type)",
        ),
        (
            {"P": {"Type": "String", "Default": ["a"]}},
            "Parameters.P.Default",
            "must be a string, not a list",
        ),
        (
            {"P": {"Type": "Number", "Default": "ten"}},
            "Parameters.P.Default",
            "'ten' is not a valid Number",
        ),
        (
            {"P": {"Type": "Number", "Default": "inf"}},
            "Parameters.P.Default",
            "'inf' is not a valid Number",
        ),
        (
            {"P": {"Type": "List<Number>", "Default": "1,x"}},
            "Parameters.P.Default",
            "'1,x' is not a valid List<Number>",
        ),
        (
            {"P": {"Type": "String", "AllowedValues": "a"}},
            "Parameters.P.AllowedValues",
            "must be a list, not a str",
        ),
        (
            {"P": {"Type": "String", "AllowedValues": ["a", {"b": 1}]}},
            "Parameters.P.AllowedValues",
            "every allowed value must be a string",
        ),
    ],
    ids=[
        "list",
        "null",
        "name",
        "declaration",
        "no-type",
        "unknown-type",
        "default-list",
        "number",
        "number-inf",
        "list-number",
        "allowed-string",
        "allowed-mapping",
    ],
)
def test_parameter_errors(parameters: Any, location: str, message: str) -> None:
    """Parameter declarations must be well formed, with a known CloudFormation Type."""
    error = load_error(pack(Parameters=parameters))
    assert error.location == location
    assert error.message == f"{location}: {message}"


@pytest.mark.parametrize(
    "kind",
    [
        "String",
        "Number",
        "List<Number>",
        "CommaDelimitedList",
        "AWS::EC2::VPC::Id",
        "List<AWS::EC2::Subnet::Id>",
        "AWS::SSM::Parameter::Name",
        "AWS::SSM::Parameter::Value<String>",
        "AWS::SSM::Parameter::Value<List<String>>",
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>",
    ],
)
def test_known_parameter_types_accepted(kind: str) -> None:
    """Every CloudFormation parameter type is accepted."""
    document = pack(Parameters={"P": {"Type": kind}})
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {"p": {"Ref": "P"}}
    assert load(document).parameters["P"].type == kind


def test_parameter_defaults_are_text() -> None:
    """Defaults and allowed values are kept as CloudFormation text; null means no default."""
    document = pack(
        Parameters={
            "Count": {"Type": "Number", "Default": 5, "AllowedValues": [5, 10]},
            "Ratios": {"Type": "List<Number>", "Default": "1, 2.5"},
            "Flag": {"Type": "String", "Default": False},
            "Empty": {"Type": "String", "Default": ""},
            "Missing": {"Type": "String", "Default": None},
        }
    )
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {
        name: {"Ref": name} for name in ("Count", "Ratios", "Flag", "Empty", "Missing")
    }
    parameters = load(document).parameters
    assert parameters["Count"].default == "5"
    assert parameters["Count"].allowed_values == ("5", "10")
    assert parameters["Ratios"].default == "1, 2.5"
    assert parameters["Flag"].default == "false"
    assert parameters["Empty"].default == ""
    assert parameters["Empty"].has_default
    assert parameters["Missing"].default is None
    assert not parameters["Missing"].has_default
    assert load(document).required_parameters == frozenset({"Missing"})


# ---------------------------------------------------------------------------------------------
# References: Ref, Fn::Sub, Fn::GetAtt, conditions
# ---------------------------------------------------------------------------------------------


def with_input(value: Any, **sections: Any) -> dict[str, Any]:
    """Return a template whose rule has ``value`` as an input parameter."""
    document = pack(**sections)
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {"value": value}
    return document


PARAM = {"Known": {"Type": "String", "Default": "x"}}
IP = "Resources.Rule.Properties.InputParameters.value"


@pytest.mark.parametrize(
    ("value", "location", "message"),
    [
        (
            {"Ref": "Unknown"},
            f"{IP}.Ref",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        ({"Ref": ["Known"]}, f"{IP}.Ref", "Ref takes a name, not a list"),
        (
            {"Fn::Sub": "x-${Unknown}"},
            f"{IP}.Fn::Sub",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::Sub": ["x-${Local}-${Unknown}", {"Local": "v"}]},
            f"{IP}.Fn::Sub",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::Sub": "${Missing.Arn}"},
            f"{IP}.Fn::Sub",
            "'Missing' is not a resource of this template",
        ),
        (
            {"Fn::Sub": ["a", "b", "c"]},
            f"{IP}.Fn::Sub",
            "Fn::Sub takes a string or [string, {variables}]",
        ),
        (
            {"Fn::Sub": ["${X}", ["not", "a", "mapping"]]},
            f"{IP}.Fn::Sub[1]",
            "the Fn::Sub variables must be a mapping, not a list",
        ),
        ({"Fn::Sub": 5}, f"{IP}.Fn::Sub", "Fn::Sub takes a string, not a number"),
        (
            {"Fn::GetAtt": ["Missing", "Arn"]},
            f"{IP}.Fn::GetAtt",
            "'Missing' is not a resource of this template",
        ),
        ({"Fn::GetAtt": ["Rule"]}, f"{IP}.Fn::GetAtt", "Fn::GetAtt takes [LogicalId, Attribute]"),
        (
            {"Fn::Join": [",", [{"Ref": "Unknown"}]]},
            f"{IP}.Fn::Join[1][0].Ref",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::If": ["NoSuchCondition", "a", "b"]},
            f"{IP}.Fn::If[0]",
            "the condition 'NoSuchCondition' is not declared in Conditions (declared: none)",
        ),
        (
            {"Fn::If": ["a", "b"]},
            f"{IP}.Fn::If",
            "Fn::If takes [condition, value if true, value if false]",
        ),
    ],
    ids=[
        "ref",
        "ref-list",
        "sub",
        "sub-list",
        "sub-getatt",
        "sub-shape",
        "sub-vars",
        "sub-number",
        "getatt",
        "getatt-shape",
        "nested",
        "if",
        "if-shape",
    ],
)
def test_reference_errors(value: Any, location: str, message: str) -> None:
    """Every Ref, Fn::Sub variable, Fn::GetAtt and Fn::If condition must resolve."""
    error = load_error(with_input(value, Parameters=PARAM))
    assert error.location == location
    assert error.message == f"{location}: {message}"


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "Known"},
        {"Ref": "Rule"},
        {"Ref": "AWS::Region"},
        {"Fn::Sub": "${Known}-${AWS::AccountId}-${!Literal}-${Rule.Arn}-${AWS::URLSuffix}"},
        {"Fn::Sub": ["${Local}-${Known}", {"Local": {"Ref": "AWS::Partition"}}]},
        {"Fn::GetAtt": ["Rule", "Arn"]},
        {"Fn::GetAtt": "Rule.Arn"},
        {"Fn::If": ["IsSet", {"Ref": "Known"}, {"Ref": "AWS::NoValue"}]},
    ],
    ids=["parameter", "resource", "pseudo", "sub", "sub-list", "getatt", "getatt-string", "if"],
)
def test_references_that_resolve_pass(value: Any) -> None:
    """References to parameters, resources, pseudo parameters and conditions load."""
    conditions = {"IsSet": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Known"}, ""]}]}}
    template = load(with_input(value, Parameters=PARAM, Conditions=conditions))
    assert only_rule(template).input_parameters == {"value": deep_freeze(value)}


@pytest.mark.usefixtures("yaml_backend")
def test_short_form_ref_to_unknown_parameter_rejected() -> None:
    """A short-form !Ref to an undeclared parameter fails like the long form."""
    text = MINIMAL_YAML + "      InputParameters:\n        maxAge: !Ref MaxAge\n"
    error = text_error(text)
    assert error.message == (
        "Resources.Versioning.Properties.InputParameters.maxAge.Ref: 'MaxAge' is not a "
        "parameter, a resource or a pseudo parameter of this template"
    )


@pytest.mark.parametrize(
    ("document", "location", "message"),
    [
        (
            pack(
                Resources={"Rule": {**MANAGED_RULE, "Condition": "Missing"}},
                Conditions={"IsProd": {"Fn::Equals": ["a", "a"]}},
            ),
            "Resources.Rule.Condition",
            "the condition 'Missing' is not declared in Conditions (declared: IsProd)",
        ),
        (
            pack(
                Resources={"Rule": {**MANAGED_RULE, "Condition": ["IsProd"]}},
                Conditions={"IsProd": {"Fn::Equals": ["a", "a"]}},
            ),
            "Resources.Rule.Condition",
            "a condition name must be a string, not a list",
        ),
        (
            pack(
                Conditions={
                    "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "Missing"}]},
                    "IsProd": {"Fn::Equals": ["a", "a"]},
                }
            ),
            "Conditions.Both.Fn::And[1].Condition",
            "the condition 'Missing' is not declared in Conditions (declared: Both, IsProd)",
        ),
        (
            pack(Conditions={"UsesRule": {"Fn::Equals": [{"Ref": "Rule"}, "x"]}}),
            "Conditions.UsesRule.Fn::Equals[0].Ref",
            "'Rule' is a resource; conditions can refer only to parameters and pseudo parameters",
        ),
        (
            pack(Conditions={"Unknown": {"Fn::Equals": [{"Ref": "Nope"}, "x"]}}),
            "Conditions.Unknown.Fn::Equals[0].Ref",
            "'Nope' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            pack(Conditions=["IsProd"]),
            "Conditions",
            "Conditions must be a mapping, not a list",
        ),
        (
            pack(
                Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}, "Condition": "Missing"}}
            ),
            "Outputs.Arn.Condition",
            "the condition 'Missing' is not declared in Conditions (declared: none)",
        ),
        (
            pack(Outputs={"Arn": {"Value": {"Ref": "Nope"}}}),
            "Outputs.Arn.Value.Ref",
            "'Nope' is not a parameter, a resource or a pseudo parameter of this template",
        ),
    ],
    ids=[
        "resource-condition",
        "resource-condition-list",
        "condition-in-and",
        "condition-refs-resource",
        "condition-ref-unknown",
        "conditions-list",
        "output-condition",
        "output-ref",
    ],
)
def test_condition_errors(document: dict[str, Any], location: str, message: str) -> None:
    """Every condition used must be declared, and conditions may not refer to resources."""
    error = load_error(document)
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_conditions_that_resolve_pass() -> None:
    """Declared conditions used by resources, Fn::If, Fn::And/Or/Not and outputs load."""
    document = pack(
        Parameters={"Env": {"Type": "String", "Default": "prod"}},
        Conditions={
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsEu": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
            "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "IsEu"}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsEu"}]}]},
        },
        Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}, "Condition": "Both"}},
    )
    document["Resources"]["Rule"]["Condition"] = "Either"
    document["Resources"]["Rule"]["Properties"]["MaximumExecutionFrequency"] = {
        "Fn::If": ["IsProd", "One_Hour", "TwentyFour_Hours"]
    }
    template = load(document)
    assert only_rule(template).condition == "Either"
    assert not template.warnings


def test_condition_key_in_properties_is_not_a_condition_reference() -> None:
    """A property that happens to be called Condition is not checked as a condition name."""
    document = with_input({"Condition": "JustData"})
    assert only_rule(load(document)).input_parameters == {"value": {"Condition": "JustData"}}


# ---------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------


def test_unknown_resource_keys_are_warnings() -> None:
    """Controls and Description on a resource are tolerated and reported as warnings."""
    document = pack(Resources={"Rule": {**MANAGED_RULE, "Controls": ["1.1"], "Description": "d"}})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        template = load(document)
    assert caught == []
    assert template.warnings == (
        TemplateIssue(
            "unknown-resource-key",
            "Resources.Rule.Controls",
            "CloudFormation does not define this resource attribute; it is ignored",
        ),
        TemplateIssue(
            "unknown-resource-key",
            "Resources.Rule.Description",
            "CloudFormation does not define this resource attribute; it is ignored",
        ),
    )


def test_unknown_sections_and_properties_are_warnings() -> None:
    """Unknown top-level sections and rule or remediation properties are warnings."""
    document = pack(Controls={"x": 1})
    document["Resources"]["Rule"]["Properties"]["Tags"] = []
    document["Resources"]["Fix"] = {
        "Type": "AWS::Config::RemediationConfiguration",
        "Properties": {**REMEDIATION, "Retries": 3},
    }
    issues = {(i.code, i.location) for i in load(document).warnings}
    assert issues == {
        ("unknown-top-level-key", "Controls"),
        ("unknown-property", "Resources.Rule.Properties.Tags"),
        ("unknown-property", "Resources.Fix.Properties.Retries"),
    }


def test_unused_parameter_is_a_warning() -> None:
    """A parameter declared but never referenced is a warning; one used only in Sub is not."""
    document = with_input(
        {"Fn::Sub": "${Used}"},
        Parameters={"Used": {"Type": "String"}, "Unused": {"Type": "String", "Default": "x"}},
    )
    template = load(document)
    assert template.warnings == (
        TemplateIssue(
            "unused-parameter", "Parameters.Unused", "the parameter is declared but never used"
        ),
    )


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
    """Parse and validation errors from a file carry its path."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(bad)
    assert info.value.path == str(bad)
    assert info.value.location == "Resources.Bucket.Type"


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


def test_from_s3_uri_no_credentials_is_a_transport_error() -> None:
    """A call that gets no answer at all is a TransportError raised from botocore's error."""

    def no_credentials(**_: Any) -> None:
        raise NoCredentialsError()

    with pytest.raises(errors.TransportError) as info:
        Template.from_s3_uri(URI, session=stub_session(no_credentials))
    assert info.value.message == f"Could not read the template {URI}: Unable to locate credentials"
    assert isinstance(info.value.__cause__, NoCredentialsError)


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
