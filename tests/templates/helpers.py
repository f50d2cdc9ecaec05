"""Shared helpers of the template tests: documents, loaders, expected messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from orgconfig import errors
from orgconfig.templates import MAX_NESTING_DEPTH, Template, TemplateRule, _yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "templates"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

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
    loader = _yaml._Loader(text)
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


TOO_DEEP = f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} levels deep"


def alias_bomb(levels: int) -> str:
    """Return a template whose Metadata multiplies itself tenfold, ``levels`` times, by aliases."""
    lines = ["Metadata:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"  l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n" + MINIMAL_YAML
