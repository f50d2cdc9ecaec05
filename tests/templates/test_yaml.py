"""Tests for orgconfig.templates._yaml: sizes, bytes, and YAML and JSON parsing within bounds."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from orgconfig import errors
from orgconfig.templates import (
    MAX_EXPANDED_NODES,
    MAX_NESTING_DEPTH,
    TEMPLATE_BODY_MAX_BYTES,
    TEMPLATE_S3_MAX_BYTES,
    Template,
    _yaml,
)
from tests.templates.helpers import (
    MINIMAL_YAML,
    TOO_DEEP,
    alias_bomb,
    load,
    only_rule,
    pack,
    parse_document,
    text_error,
)

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
        ("!!python/object/apply:os.system ['true']", None),  # refused in PyYAML's words
    ],
    ids=["ref-sequence", "if-scalar", "transform-sequence", "getatt-no-dot", "unknown", "python"],
)
def test_bad_tags_rejected(value: str, message: str | None) -> None:
    """Tags on the wrong kind of node, unknown tags and Python object tags fail with a line."""
    error = text_error(MINIMAL_YAML + f"Metadata:\n  Value: {value}\n")
    assert type(error) is errors.TemplateError
    assert error.message.startswith("The template is not valid YAML: ")
    if message is not None:
        assert message in error.message
    assert error.message.endswith(" at line 7, column 10")
    assert error.location == "line 7, column 10"
    assert error.path == "test.yaml"
    assert error.field == "template"


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


@pytest.mark.usefixtures("yaml_backend")
def test_alias_bomb_rejected() -> None:
    """A 'billion laughs' document fails before it is expanded."""
    error = text_error(alias_bomb(9))
    assert error.message == (
        f"The template expands to more than {MAX_EXPANDED_NODES:,} YAML nodes through anchors "
        "and aliases (&name / *name); refusing to expand it"
    )
    assert error.location is not None
    assert error.location.startswith("line ")


@pytest.mark.usefixtures("yaml_backend")
def test_modest_aliases_allowed() -> None:
    """A few aliases that expand to a modest document are allowed."""
    assert Template.from_string(alias_bomb(3)).rules


@pytest.mark.usefixtures("yaml_backend")
def test_recursive_alias_rejected() -> None:
    """An alias inside the node it refers to fails instead of looping."""
    error = text_error("Metadata: &loop\n  again: *loop\n" + MINIMAL_YAML)
    assert error.message == (
        "The template holds a recursive alias (an alias inside the node it refers to)"
    )


_OVER = MAX_NESTING_DEPTH + 5


@pytest.mark.usefixtures("yaml_backend")
@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("[" * 150_000 + "]" * 150_000 + "\n", "line 1, column 101"),
        ("Metadata: " + "[" * _OVER + "]" * _OVER, "line 1, column 110"),
        ("Metadata: " + "{a: " * 2_000 + "}" * 2_000 + "\n", "line 1, column 404"),
        ("- " * 2_000 + "x\n", "line 1, column 201"),
        (
            "".join(" " * i + "a:\n" for i in range(_OVER)) + " " * _OVER + "x\n",
            "line 100, column 100",
        ),
    ],
    ids=["huge", "just-over", "flow-mappings", "block-sequences", "block-mappings"],
)
def test_deep_yaml_nesting_rejected(text: str, location: str) -> None:
    """YAML nested too deeply fails with orgconfig's error, whichever parser refuses it first.

    libyaml refuses nesting past a limit of its own, in its own words; over that limit
    ("huge", and the 2,000-level cases) the error must still be orgconfig's.
    """
    error = text_error(text)
    assert type(error) is errors.TemplateError
    assert error.message == TOO_DEEP
    assert error.field == "template"
    assert error.location == location
    assert error.path == "test.yaml"
    assert str(error) == f"test.yaml: {TOO_DEEP}"


class _RefusingLoader(_yaml._PyLoader):
    """A YAML backend that refuses any document past 150 levels, in words of its own."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        if stream.count("[") > 150:
            raise yaml.scanner.ScannerError(
                "while doing backend things", None, "too deep for me", None
            )


def test_a_backend_refusing_depth_first_gives_orgconfig_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever words a backend refuses a deep document with, the error is orgconfig's."""
    monkeypatch.setattr(_yaml, "_Loader", _RefusingLoader)
    error = text_error("Metadata: " + "[" * 200 + "]" * 200 + "\n" + MINIMAL_YAML)
    assert error.message == TOO_DEEP
    assert error.location == "line 1, column 110"
    assert "too deep for me" not in str(error)


def test_a_backend_refusing_something_else_keeps_its_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backend's refusal of a document that is not too deep stays a YAML error of its own."""
    monkeypatch.setattr(_yaml, "_Loader", _RefusingLoader)
    error = text_error("Metadata: [" + "[], " * 151 + "]\n" + MINIMAL_YAML)
    assert error.message.startswith("The template is not valid YAML: ")
    assert error.message != TOO_DEEP
    assert isinstance(error.__cause__, yaml.scanner.ScannerError)


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
    assert error.message.startswith("The template is not valid YAML: ")
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
    assert error.message.startswith("The template is not valid YAML: ")
    assert error.location == "line 1, column 3"


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
    assert error.message.startswith("The template is not valid JSON: ")
    assert error.message.endswith(" at line 1, column 18")
    assert error.location == "line 1, column 18"
    assert isinstance(error.__cause__, json.JSONDecodeError)


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
