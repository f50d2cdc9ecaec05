"""The hostile template catalogue: every input an attacker might write gives a typed error, cheaply.

Each case is loaded under :mod:`tracemalloc`, and its peak memory is held to :data:`MEMORY_BOUND`
(a generous bound: the densest valid 300 KB templates peak near 40 MB). Times are measured in
``benchmarks/test_bench_templates.py``, never asserted here.
"""

from __future__ import annotations

import codecs
import json
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgconfig import errors
from orgconfig.templates import (
    MAX_EXPANDED_NODES,
    MAX_EXPANDED_SIZE,
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
    TEMPLATE_S3_MAX_BYTES,
    Template,
)
from tests.templates.helpers import MINIMAL_YAML, TOO_DEEP, alias_bomb, parse_document

MEMORY_BOUND = 64 * 1024 * 1024


def loaded_within_bound(text: str | bytes) -> Template | errors.OrgConfigError:
    """Load ``text``, assert the peak memory is under the bound, return the template or error."""
    tracemalloc.start()
    try:
        result: Template | errors.OrgConfigError = Template.from_string(text, source="h.yaml")
    except errors.OrgConfigError as error:
        result = error
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak:,} bytes"
    return result


def refused(text: str | bytes) -> errors.TemplateError:
    """Load a hostile text within the memory bound and return the TemplateError it must raise."""
    result = loaded_within_bound(text)
    assert type(result) is errors.TemplateError, result
    assert result.path == "h.yaml"
    assert result.field == "template"
    return result


def metadata(value: str) -> str:
    """A valid template whose Metadata.Value (line 7) is ``value``."""
    return MINIMAL_YAML + f"Metadata:\n  Value: {value}\n"


def string_alias_bomb(length: int = 150_000, uses: int = 7_000) -> str:
    """One ``length``-character anchored string referred to ``uses`` times (~171 KB of text)."""
    refs = ",".join(["*s"] * uses)
    return f"Metadata:\n  s: &s {'x' * length}\n  l: [{refs}]\n" + MINIMAL_YAML


def merge_bomb(levels: int) -> str:
    """Mappings that each merge the previous one twice over, ``levels`` times."""
    lines = ["Metadata:", "  m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for level in range(1, levels):
        lines.append(f"  m{level}: &m{level} {{<<: [*m{level - 1}], k{level}: [*m{level - 1}]}}")
    return "\n".join(lines) + "\n" + MINIMAL_YAML


CATALOGUE: list[tuple[str, str | bytes, str]] = [
    # Python object tags: never constructed.
    ("python-apply", metadata("!!python/object/apply:os.system ['true']"), "!!python/object/apply"),
    ("python-name", metadata("!!python/name:os.system x"), "the tag !!python/name:os.system is"),
    ("python-object", metadata("!!python/object:os.Foo {a: 1}"), "the tag !!python/object:os.Foo"),
    ("python-module", metadata("!!python/module:os x"), "the tag !!python/module:os is not"),
    ("python-tuple", metadata("!!python/tuple [1, 2]"), "the tag !!python/tuple is not supported"),
    # Alias bombs.
    ("billion-laughs", alias_bomb(9), f"more than {MAX_EXPANDED_NODES:,} YAML nodes"),
    ("string-alias", string_alias_bomb(), f"more than {MAX_EXPANDED_SIZE:,} characters"),
    ("string-alias-small", string_alias_bomb(10_000, 100), f"{MAX_EXPANDED_SIZE:,} characters"),
    ("merge-bomb", merge_bomb(30), "through anchors and aliases"),
    ("recursive-alias", "Metadata: &loop\n  again: *loop\n" + MINIMAL_YAML, "recursive alias"),
    # Deep nesting.
    ("deep-yaml-flow", "[" * 150_000 + "]" * 150_000, TOO_DEEP),
    ("deep-yaml-block", "- " * 5_000 + "x\n", TOO_DEEP),
    ("deep-json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "more than 100 levels deep"),
    (
        "deep-input-parameters",
        MINIMAL_YAML + "      InputParameters: '" + "[" * 100_000 + "'\n",
        "the JSON text nests objects and arrays more than 100 levels deep",
    ),
    # Duplicate keys.
    ("duplicate-yaml", MINIMAL_YAML + "Resources: {}\n", "repeats the key 'Resources' at line 6"),
    ("duplicate-json", '{"Resources": {}, "Resources": {}}', "repeats the key 'Resources'"),
    (
        "duplicate-input-parameters",
        MINIMAL_YAML + """      InputParameters: '{"a": 1, "a": 2}'\n""",
        "the JSON text repeats the key 'a'",
    ),
    # Binary input and other encodings.
    ("binary-elf", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 100, "is not UTF-8 text"),
    ("binary-png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000, "is not UTF-8 text"),
    ("nul-bytes", b"Resources:\x00\n", "control character U+0000"),
    ("utf16-le-bom", codecs.BOM_UTF16_LE + MINIMAL_YAML.encode("utf-16-le"), "not UTF-8"),
    ("utf16-be-bom", codecs.BOM_UTF16_BE + MINIMAL_YAML.encode("utf-16-be"), "not UTF-8"),
    ("utf16-no-bom", MINIMAL_YAML.encode("utf-16-le"), "control character U+0000"),
    ("utf32", MINIMAL_YAML.encode("utf-32"), "not UTF-8"),
    ("latin1", (MINIMAL_YAML + "Description: café\n").encode("latin-1"), "byte 0xe9"),
    ("lone-surrogate", MINIMAL_YAML + "# \udc80\n", "cannot be encoded as UTF-8"),
    # Huge numbers.
    ("huge-int", metadata("1" * 5_000), "an integer of 5,000 digits at line 7, column 10"),
    ("huge-int-key", MINIMAL_YAML + "? " + "9" * 5_000 + "\n: x\n", "an integer of 5,000"),
    ("huge-hex", metadata("0x" + "f" * 5_000), "an integer of 5,000 digits"),
    ("huge-sexagesimal", metadata("1" + ":59" * 3_000), "an integer of 6,001 digits"),
    ("huge-tagged-int", metadata("!!int " + "7" * 5_000), "an integer of 5,000 digits"),
    ("huge-json-int", '{"Metadata": ' + "1" * 5_000 + "}", "an integer of 5,000 digits at line 1"),
    (
        "huge-input-parameters-int",
        MINIMAL_YAML + """      InputParameters: '{"a": """ + "1" * 5_000 + "}'\n",
        "the JSON text holds an integer of 5,000 digits",
    ),
    ("float-overflow", metadata("1.0e+999"), "'1.0e+999' at line 7, column 10, which is too large"),
    ("json-float-overflow", '{"Metadata": 1e999}', "'1e999' at line 1, which is too large"),
    ("sexagesimal-float", metadata("1" + ":59" * 400 + ".5"), "which is too large"),
    # Size.
    ("10-MB-text", "#" * 10_000_000, "at least 10,000,000 bytes"),
    ("10-MB-bytes", b"#" * 10_000_000, "The template is 10,000,000 bytes"),
    ("10-MB-yaml", "a: [" + "1, " * 3_400_000 + "]\n", "bytes (300 KB)"),
    # Tags CloudFormation does not have.
    ("binary-tag", metadata("!!binary aGVsbG8="), "the tag !!binary is not supported"),
    ("timestamp-tag", metadata("!!timestamp 2001-12-14"), "the tag !!timestamp is not supported"),
    ("timestamp-bad", "a: !!timestamp x\n" + MINIMAL_YAML, "the tag !!timestamp is not supported"),
    ("set-tag", metadata("!!set {a, b}"), "the tag !!set is not supported"),
    ("set-scalar", "a: !!set x\n" + MINIMAL_YAML, "the tag !!set is not supported"),
    ("omap-tag", metadata("!!omap [a: 1]"), "the tag !!omap is not supported"),
    ("pairs-tag", metadata("!!pairs [a: 1]"), "the tag !!pairs is not supported"),
    ("merge-tag", metadata("!!merge x"), "the tag !!merge is not supported"),
    ("value-tag", metadata("!!value x"), "the tag !!value is not supported"),
    ("yaml-tag", metadata("!!yaml x"), "the tag !!yaml is not supported"),
    ("unknown-yaml-tag", metadata("!!foo x"), "the tag !!foo is not supported"),
    ("global-tag", metadata("!<tag:example.com,2000:x> x"), "!<tag:example.com,2000:x> is not"),
    ("unknown-local-tag", metadata("!Foo x"), "unknown tag !Foo"),
    ("local-verbatim", metadata("!<!Bar> x"), "unknown tag !Bar"),
    # Standard tags on values they cannot read.
    ("int-not-a-number", metadata("!!int x"), "!!int cannot read 'x'"),
    ("float-not-a-number", metadata("!!float x"), "!!float cannot read 'x'"),
    ("bool-not-a-bool", metadata("!!bool x"), "!!bool cannot read 'x'"),
    ("null-not-null", metadata("!!null x"), "!!null cannot read 'x'"),
    ("int-underscores", metadata("0b_"), "'0b_' is not a valid integer"),
    ("map-on-scalar", metadata("!!map x"), "expected a mapping, but found a scalar"),
    ("seq-on-scalar", metadata("!!seq x"), "expected a sequence"),
    ("str-on-sequence", metadata("!!str [x]"), "expected a scalar"),
]


@pytest.mark.parametrize(
    ("text", "fragment"), [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE]
)
def test_hostile_template_is_refused_within_memory(text: str | bytes, fragment: str) -> None:
    """Each hostile template raises a TemplateError saying what is wrong, within 64 MB."""
    error = refused(text)
    assert fragment in error.message


@pytest.mark.parametrize(
    "value",
    ["!!python/object/apply:os.system ['true']", "!!timestamp x", "!!set x", "!Foo x", "!!int x"],
)
def test_refused_tags_give_their_line(value: str) -> None:
    """A refused tag is a YAML error located at the tagged node."""
    error = refused(metadata(value))
    assert error.message.startswith("The template is not valid YAML: ")
    assert error.location == "line 7, column 10"


def test_string_alias_bomb_is_refused_at_the_expanding_node() -> None:
    """The string-alias bomb is refused where it expands, and holds under a megabyte meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(errors.TemplateError) as info:
            Template.from_string(string_alias_bomb())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.location == "line 3, column 6"
    assert peak < 4 * TEMPLATE_S3_MAX_BYTES


@pytest.mark.usefixtures("yaml_backend")
def test_aliases_within_the_size_bound_are_allowed() -> None:
    """A string reused through aliases loads while the expanded size stays under the bound."""
    uses = MAX_EXPANDED_SIZE // 10_001 - 2
    template = Template.from_string(string_alias_bomb(10_000, uses))
    assert template.rules


# ---------------------------------------------------------------------------------------------
# Tags with a documented result
# ---------------------------------------------------------------------------------------------

SUPPORTED_TAGS: list[tuple[str, Any]] = [
    ("!!str 12", "12"),
    ("!!str", ""),
    ("!!int '12'", 12),
    ("!!int 0x1F", 31),
    ("!!int 1_000", 1000),
    ("!!float '1.5'", 1.5),
    ("!!float 1", None),  # '1' is not a YAML 1.1 float: refused, see below
    ("!!bool yes", True),
    ("!!bool 'False'", False),
    ("!!null ''", None),
    ("!!null ~", None),
    ("!!seq [a, 1]", ["a", 1]),
    ("!!map {a: 1}", {"a": 1}),
    ("=", "="),
    ("2001-12-14", "2001-12-14"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    (f"{'9' * MAX_INTEGER_DIGITS}", int("9" * MAX_INTEGER_DIGITS)),
    (".inf", float("inf")),
]


@pytest.mark.usefixtures("yaml_backend")
@pytest.mark.parametrize(
    ("value", "expected"), SUPPORTED_TAGS, ids=[v[:20] for v, _ in SUPPORTED_TAGS]
)
def test_standard_tags_of_json_types_are_read(value: str, expected: Any) -> None:
    """The YAML tags of JSON's types read values of their type; dates and '=' stay strings."""
    text = metadata(value)
    if value == "!!float 1":
        assert "!!float cannot read '1'" in refused(text).message
        return
    assert Template.from_string(text).rules
    result = parse_document(text)["Metadata"]["Value"]
    assert result == expected
    assert type(result) is type(expected)


def test_nan_is_a_value() -> None:
    """.nan is read as a float, not refused as an overflow."""
    value = parse_document(metadata(".nan"))["Metadata"]["Value"]
    assert isinstance(value, float)
    assert value != value  # noqa: PLR0124 - NaN is the one value unequal to itself


def test_merge_keys_still_merge() -> None:
    """The << merge key keeps working inside the expansion bounds."""
    document = parse_document(merge_bomb(3))
    assert document["Metadata"]["m2"]["a"] == 1
    assert document["Metadata"]["m2"]["k2"][0]["k1"][0]["h"] == 8


# ---------------------------------------------------------------------------------------------
# Dense templates: the memory of the largest valid documents
# ---------------------------------------------------------------------------------------------


DENSE_SIZE = 30 * 1024
BYTES_PER_TEMPLATE_BYTE = MEMORY_BOUND // TEMPLATE_S3_MAX_BYTES
"""The memory a template may take per byte of text: 64 MB for the largest, 300 KB."""


def _dense(item: str, size: int) -> str:
    room = size - len(MINIMAL_YAML) - 20
    return "Metadata: [" + (item * (room // len(item)))[:-1] + "]\n" + MINIMAL_YAML


@pytest.mark.parametrize(
    "item", ["a,", "[],", "{},", "{a: *x},"], ids=["scalars", "sequences", "mappings", "aliases"]
)
def test_densest_valid_templates_stay_within_memory(item: str) -> None:
    """A template of the smallest nodes peaks under 213 bytes of memory per byte of text.

    That is 64 MB for a 300 KB template (the benchmark measures the full size); 30 KB keeps the
    test fast, the memory being linear in the text.
    """
    text = _dense(item, DENSE_SIZE).replace("Metadata: [", "Metadata: [&x a, ", 1)
    tracemalloc.start()
    try:
        template = Template.from_string(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert template.size_bytes <= DENSE_SIZE
    assert peak < BYTES_PER_TEMPLATE_BYTE * template.size_bytes


# ---------------------------------------------------------------------------------------------
# Deep callers
# ---------------------------------------------------------------------------------------------


def _at_depth(frames: int, call: Callable[[], Any]) -> Any:
    if frames:
        return _at_depth(frames - 1, call)
    return call()


def test_a_deep_caller_gets_a_typed_error_not_a_recursion_error() -> None:
    """Loading a 99-level template from a nearly exhausted stack is a TemplateError."""
    depth = MAX_NESTING_DEPTH - 2
    text = "Metadata: " + "{a: " * depth + "x" + "}" * depth + "\n" + MINIMAL_YAML
    assert Template.from_string(text).rules
    frames = sys.getrecursionlimit() - 150
    with pytest.raises(errors.TemplateError) as info:
        _at_depth(frames, lambda: Template.from_string(text))
    assert "too deeply" in info.value.message


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

_YAMLISH = st.text(
    alphabet=st.sampled_from([*"ab1 :-,[]{}&*!<>|'\"\n\t#?%@`=~.0x_+e", "\x00", "é"]),
    max_size=200,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_YAMLISH, st.text(max_size=200), st.binary(max_size=200)))
def test_arbitrary_input_raises_only_orgconfig_errors(text: str | bytes) -> None:
    """Arbitrary text and bytes either load or raise an orgconfig error, nothing else."""
    try:
        Template.from_string(text)
    except errors.OrgConfigError as error:
        caught = error
    else:
        return
    assert isinstance(caught, errors.TemplateError)
    assert caught.message


def _tagged_documents() -> Iterator[str]:
    for tag in (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "binary",
        "timestamp",
        "omap",
        "pairs",
        "set",
        "seq",
        "map",
        "merge",
        "value",
        "yaml",
    ):
        for value in ("x", "1", "''", "[a]", "{a: 1}", "2001-01-01", "=", "aGk="):
            yield metadata(f"!!{tag} {value}")


@pytest.mark.parametrize("text", list(_tagged_documents()))
def test_every_yaml_tag_on_every_kind_of_value_is_typed(text: str) -> None:
    """Every YAML 1.1 tag on every kind of value loads or raises a TemplateError."""
    result = loaded_within_bound(text)
    assert isinstance(result, (Template, errors.TemplateError))


def test_json_with_numbers_at_the_digit_bound_loads() -> None:
    """A JSON template with an integer of exactly the digit bound loads."""
    document = {"Metadata": {"n": int("9" * MAX_INTEGER_DIGITS)}, "Resources": {}}
    text = json.dumps(document)
    error = refused(text)
    assert "Resources" in error.message  # past the numbers: the checks run, on Resources
