"""Conformance pack templates: load, parse (CloudFormation YAML or JSON), validate and size them.

A :class:`Template` is built by one of its named constructors, :meth:`Template.from_file`,
:meth:`Template.from_string` and :meth:`Template.from_s3_uri`, and is parsed and validated as it is
built: a :class:`Template` that exists is one the service would accept, as far as can be told
without deploying it. Everything the service would reject raises
:class:`orgconfig.errors.TemplateError`, whose message reads well on its own (it starts with the
place in the template, such as ``Resources.S3Encrypted.Properties.Source.Owner:``), whose
``location`` holds that place (``"line 12, column 3"`` for syntax errors) and whose ``path`` is the
file or S3 URI the template came from. What the service tolerates but is probably a mistake is kept
in :attr:`Template.warnings` as :class:`TemplateIssue` records; loading never emits Python warnings.

Safety properties of the parser (a template is untrusted input):

* **Size first.** A template over :data:`TEMPLATE_S3_MAX_BYTES` (300 KB, the documented limit of
  a ``TemplateS3Uri`` object, read as 300 x 1,024 bytes) is refused before it is decoded or
  parsed; :meth:`Template.from_file` checks the file size before reading and
  :meth:`Template.from_s3_uri` checks ``ContentLength`` before reading the object body, and never
  reads more than the limit either way.
* **Strict text.** The bytes must be UTF-8 (a leading byte order mark is allowed and kept in
  :attr:`Template.body`); CRLF line endings are fine.
* **No object construction.** YAML goes through a :class:`yaml.SafeLoader`-style loader: plain
  data only, never Python objects. The CloudFormation short-form tags (``!Ref``, ``!GetAtt``,
  ``!Sub``, ``!If``...) become their long form (``{"Ref": "X"}``, ``{"Fn::GetAtt": ["A", "B"]}``,
  ``{"Condition": "C"}``); any other local tag is an error. Dates stay strings, as in
  CloudFormation (``AWSTemplateFormatVersion: 2010-09-09``).
* **No duplicate keys.** A mapping that repeats a key is an error naming the key and its line,
  in YAML and in JSON alike (the standard loaders silently keep the last value).
* **Bounded aliases and nesting.** YAML anchors and aliases are composed into a graph whose
  expanded size is measured before anything is built from it: more than
  :data:`MAX_EXPANDED_NODES` nodes once aliases are expanded (a "billion laughs" document), a
  recursive alias, or nesting deeper than :data:`MAX_NESTING_DEPTH` levels is an error. The
  composer is pure Python (fed by libyaml's event parser when it is installed), so deep nesting
  can never overflow the C stack.
* **Literal where it matters.** ``Source.Owner`` must be written literally (not as an intrinsic
  function), since a rule's kind decides what else it needs; this is the one place where the
  checks are stricter than CloudFormation. Every other property may be an intrinsic function,
  and is then kept in long form and not checked further.
* **JSON as JSON.** A document that starts with ``{`` is read with :mod:`json` first, for clear
  errors; when that fails and the text is valid YAML (a YAML flow mapping), it is read as YAML.

Example::

    from orgconfig.templates import Template

    template = Template.from_file("Operational-Best-Practices-for-Amazon-S3.yaml")
    print(template.size_bytes, template.needs_s3, len(template.rules))
    for rule in template.rules:
        print(rule.logical_id, rule.owner, rule.source_identifier)
    for issue in template.warnings:
        print(issue)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final, NoReturn, Protocol

import attrs
import boto3
import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor, ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from orgconfig import errors
from orgconfig._client import read_s3_object
from orgconfig._frozen import FrozenDict, deep_freeze
from orgconfig._vocabulary import FREQUENCIES, GUARD_RUNTIME, POLICY_TEXT_MAX

__all__ = [
    "MAX_EXPANDED_NODES",
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
]

TEMPLATE_BODY_MAX_BYTES: Final = 51_200
"""Largest template that can be sent inline as ``TemplateBody`` (UTF-8 bytes)."""

TEMPLATE_S3_MAX_BYTES: Final = 307_200
"""Largest template the service reads through ``TemplateS3Uri``: "max size: 300 KB"."""

TEMPLATE_S3_URI_MAX_LENGTH: Final = 1024
"""Longest ``TemplateS3Uri`` the API accepts (characters)."""

MAX_RULES_PER_PACK: Final = 130
"""Most ``AWS::Config::ConfigRule`` resources one conformance pack may hold."""

MAX_EXPANDED_NODES: Final = 250_000
"""Most YAML nodes a template may hold once its aliases are expanded.

No alias-free document under :data:`TEMPLATE_S3_MAX_BYTES` comes near it (every node takes at
least two bytes), so the bound only stops documents that multiply themselves through aliases.
"""

MAX_NESTING_DEPTH: Final = 100
"""Deepest nesting of mappings and sequences a template may use."""

_CONFIG_RULE: Final = "AWS::Config::ConfigRule"
_REMEDIATION: Final = "AWS::Config::RemediationConfiguration"
_RESOURCE_TYPES: Final = (_CONFIG_RULE, _REMEDIATION)
_OWNERS: Final = ("AWS", "CUSTOM_LAMBDA", "CUSTOM_POLICY")
_OWNERS_NEEDING_IDENTIFIER: Final = ("AWS", "CUSTOM_LAMBDA")
_MESSAGE_TYPES: Final = (
    "ConfigurationItemChangeNotification",
    "ConfigurationSnapshotDeliveryCompleted",
    "ScheduledNotification",
    "OversizedConfigurationItemChangeNotification",
)
_POLICY_MESSAGE_TYPES: Final = (
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
)
_FREQUENCIES: Final = FREQUENCIES
_POLICY_RUNTIME = re.compile(re.escape(GUARD_RUNTIME))
_RULE_NAME_MAX: Final = 128
_DESCRIPTION_MAX: Final = 256
_POLICY_TEXT_MAX: Final = POLICY_TEXT_MAX
_SCOPE_TYPES_MAX: Final = 100
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")

_PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::NoValue",
        "AWS::NotificationARNs",
    }
)
_TOP_LEVEL_KEYS: Final = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Transform",
        "Resources",
        "Outputs",
    }
)
# Sections whose values may hold Ref/Condition references that must resolve.
_REFERENCE_SECTIONS: Final = ("Conditions", "Resources", "Outputs", "Rules")
_RESOURCE_KEYS: Final = frozenset(
    {
        "Type",
        "Properties",
        "Condition",
        "DependsOn",
        "Metadata",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "CreationPolicy",
        "UpdatePolicy",
    }
)
_RULE_PROPERTIES: Final = frozenset(
    {
        "ConfigRuleName",
        "Compliance",
        "Description",
        "EvaluationModes",
        "InputParameters",
        "MaximumExecutionFrequency",
        "Scope",
        "Source",
    }
)
_REMEDIATION_PROPERTIES: Final = frozenset(
    {
        "Automatic",
        "ConfigRuleName",
        "ExecutionControls",
        "MaximumAutomaticAttempts",
        "Parameters",
        "ResourceType",
        "RetryAttemptSeconds",
        "TargetId",
        "TargetType",
        "TargetVersion",
    }
)
_CONDITION_FUNCTIONS: Final = frozenset({"Fn::And", "Fn::Or", "Fn::Not"})
_AWS_PARAMETER_TYPES: Final = (
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
)
_SSM_VALUE_TYPES: Final = (
    "String",
    "List<String>",
    "CommaDelimitedList",
    *_AWS_PARAMETER_TYPES,
    *(f"List<{t}>" for t in _AWS_PARAMETER_TYPES),
)
_PARAMETER_TYPES: Final = frozenset(
    {
        "String",
        "Number",
        "List<Number>",
        "CommaDelimitedList",
        "AWS::SSM::Parameter::Name",
        *_AWS_PARAMETER_TYPES,
        *(f"List<{t}>" for t in _AWS_PARAMETER_TYPES),
        *(f"AWS::SSM::Parameter::Value<{t}>" for t in _SSM_VALUE_TYPES),
    }
)
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_S3_URI = re.compile(r"s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/(?P<key>.+)", re.DOTALL)
_BOM: Final = "\ufeff"

# ---------------------------------------------------------------------------------------------
# Public records
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class TemplateIssue:
    """Something in a template that the service tolerates but that is probably a mistake.

    Attributes:
        code: a stable short name for the kind of issue: ``"unknown-top-level-key"``,
            ``"unknown-resource-key"`` (such as ``Controls`` on a resource),
            ``"unknown-property"``, ``"unused-parameter"`` or
            ``"remediation-rule-not-in-pack"``.
        location: where it is, such as ``"Resources.MyRule.Controls"``.
        message: one sentence about it.

    Example::

        for issue in template.warnings:
            if issue.code == "unused-parameter":
                print(issue)  # "Parameters.Foo: the parameter is declared but never used"
    """

    code: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@attrs.frozen
class TemplateParameter:
    """A parameter declared in the template's ``Parameters`` section.

    Attributes:
        name: the parameter's logical name.
        type: its CloudFormation type, such as ``"String"`` or ``"CommaDelimitedList"``.
        default: its ``Default`` as text (numbers and booleans are written as CloudFormation
            reads them), or ``None`` when it has none.
        description: its ``Description``, if any.
        allowed_values: its ``AllowedValues`` as text, or ``None`` when it has none.
        has_default: whether it declares a ``Default``; a parameter without one must be given a
            value when the pack is deployed.
    """

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    allowed_values: tuple[str, ...] | None = None
    has_default: bool = False


@attrs.frozen
class TemplateRule:
    """An ``AWS::Config::ConfigRule`` resource of a template.

    String fields hold the literal value; where the template uses an intrinsic function instead
    (``SourceIdentifier: !Ref LambdaArn``) they hold its long form (``{"Ref": "LambdaArn"}``).
    The tuple fields list literal entries only; :attr:`properties` always has the raw value.
    Mappings are the parsed template itself: treat them as read-only.

    Attributes:
        logical_id: the resource's logical id in ``Resources``.
        name: ``ConfigRuleName``, or ``None`` when CloudFormation is left to name the rule.
        owner: ``"AWS"``, ``"CUSTOM_LAMBDA"`` or ``"CUSTOM_POLICY"``.
        source_identifier: the managed rule identifier or Lambda ARN; ``None`` for
            ``CUSTOM_POLICY`` rules.
        description: ``Description``, if any.
        input_parameters: ``InputParameters`` (empty when absent); values may be intrinsics.
        maximum_execution_frequency: ``MaximumExecutionFrequency``, if any.
        trigger_types: the ``MessageType`` of each ``Source.SourceDetails`` entry.
        resource_types: ``Scope.ComplianceResourceTypes``.
        resource_id: ``Scope.ComplianceResourceId``, if any.
        tag_key: ``Scope.TagKey``, if any.
        tag_value: ``Scope.TagValue``, if any.
        policy_text: the Guard policy of a ``CUSTOM_POLICY`` rule.
        policy_runtime: the Guard runtime of a ``CUSTOM_POLICY`` rule (``"guard-2.x.x"``).
        enable_debug_log_delivery: ``CustomPolicyDetails.EnableDebugLogDelivery`` of a
            ``CUSTOM_POLICY`` rule, if given.
        condition: the resource's ``Condition``, if any.
        properties: the resource's ``Properties`` as written.
    """

    logical_id: str
    name: str | Mapping[str, Any] | None
    owner: str
    source_identifier: str | Mapping[str, Any] | None = None
    description: str | Mapping[str, Any] | None = None
    input_parameters: Mapping[str, Any] = attrs.field(factory=dict)
    maximum_execution_frequency: str | Mapping[str, Any] | None = None
    trigger_types: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    resource_id: str | Mapping[str, Any] | None = None
    tag_key: str | Mapping[str, Any] | None = None
    tag_value: str | Mapping[str, Any] | None = None
    policy_text: str | Mapping[str, Any] | None = None
    policy_runtime: str | Mapping[str, Any] | None = None
    enable_debug_log_delivery: bool | Mapping[str, Any] | None = None
    condition: str | None = None
    properties: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        _freeze_fields(self)


@attrs.frozen
class TemplateRemediation:
    """An ``AWS::Config::RemediationConfiguration`` resource of a template.

    Attributes:
        logical_id: the resource's logical id in ``Resources``.
        config_rule_name: ``ConfigRuleName`` as written (a string or an intrinsic function).
        target_id: ``TargetId``, the SSM document, as written.
        properties: the resource's ``Properties`` as written (read-only).
    """

    logical_id: str
    config_rule_name: str | Mapping[str, Any]
    target_id: str | Mapping[str, Any]
    properties: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        _freeze_fields(self)


def _freeze_fields(instance: TemplateRule | TemplateRemediation) -> None:
    """Make every field read-only all the way down (dicts -> FrozenDict, lists -> tuples)."""
    for field in attrs.fields(type(instance)):
        object.__setattr__(instance, field.name, deep_freeze(getattr(instance, field.name)))


# ---------------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class Template:
    r"""A conformance pack template, parsed and checked against what the service accepts.

    Build one with :meth:`from_file`, :meth:`from_string` or :meth:`from_s3_uri`; the class
    itself takes the decoded ``body`` and parses it the same way. Two templates are equal when
    their body and S3 URI are equal, wherever they were loaded from.

    Raises:
        orgconfig.errors.TemplateError: the template cannot be parsed, is too large, or would be
            rejected by the service.

    Example::

        template = Template.from_string(
            "Resources:\n"
            "  S3Versioning:\n"
            "    Type: AWS::Config::ConfigRule\n"
            "    Properties:\n"
            "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
        )
        assert template.rules[0].source_identifier == "S3_BUCKET_VERSIONING_ENABLED"
        assert not template.needs_s3
    """

    body: str
    """The template text exactly as given (decoded from UTF-8)."""
    source: str | None = attrs.field(default=None, eq=False)
    """Where the template came from: a file path or S3 URI, or what the caller named it."""
    s3_uri: str | None = None
    """The ``s3://bucket/key`` the template was read from, so a put can send ``TemplateS3Uri``."""

    _size_bytes: int = attrs.field(init=False, eq=False)
    _sha256: str = attrs.field(init=False, eq=False)
    _rules: tuple[TemplateRule, ...] = attrs.field(init=False, eq=False)
    _remediations: tuple[TemplateRemediation, ...] = attrs.field(init=False, eq=False)
    _parameters: Mapping[str, TemplateParameter] = attrs.field(init=False, eq=False)
    _warnings: tuple[TemplateIssue, ...] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if len(self.body) > TEMPLATE_S3_MAX_BYTES:  # every character is at least one byte
            _raise_too_large(len(self.body), self.source, at_least=True)
        try:
            data = self.body.encode("utf-8")
        except UnicodeEncodeError as e:
            raise errors.TemplateError(
                f"The template holds a character that cannot be encoded as UTF-8 "
                f"({self.body[e.start]!r} at character {e.start})",
                path=self.source,
            ) from e
        _check_too_large(len(data), self.source)
        if not self.body.removeprefix(_BOM).strip():
            raise errors.TemplateError("The template is empty", path=self.source)
        document = _parse(self.body.removeprefix(_BOM), self.source)
        checked = _Checker(document, self.source).run()
        object.__setattr__(self, "_size_bytes", len(data))
        object.__setattr__(self, "_sha256", hashlib.sha256(data).hexdigest())
        object.__setattr__(self, "_rules", checked.rules)
        object.__setattr__(self, "_remediations", checked.remediations)
        object.__setattr__(self, "_parameters", FrozenDict(checked.parameters))
        object.__setattr__(self, "_warnings", tuple(checked.issues))

    # -- named constructors -----------------------------------------------------------------

    @classmethod
    def from_string(cls, text: str | bytes, *, source: str | None = None) -> Template:
        """Parse a template from its text, or from its bytes (which must be UTF-8).

        ``source`` names the template in error messages (``TemplateError.path``).

        Example::

            template = Template.from_string(body_bytes, source="my-pack.yaml")
        """
        if isinstance(text, bytes):
            text = _decode(text, source)
        return cls(body=text, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Template:
        """Read and parse a template file.

        The size is checked before the file is read. A missing or unreadable file is a
        :class:`~orgconfig.errors.TemplateError` (``field="template"``, ``path`` set to the file)
        with the :class:`OSError` as its cause, not a bare ``FileNotFoundError``: every way a
        template can fail to load is one error type.

        Example::

            template = Template.from_file("packs/s3.yaml")
        """
        name = os.fspath(path)
        try:
            with open(name, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                _check_too_large(size, name)
                data = stream.read(TEMPLATE_S3_MAX_BYTES + 1)
        except FileNotFoundError as e:
            raise errors.TemplateError(f"The template file {name} does not exist", path=name) from e
        except OSError as e:
            raise errors.TemplateError(
                f"The template file {name} cannot be read: {e.strerror or e}", path=name
            ) from e
        _check_too_large(len(data), name)
        return cls(body=_decode(data, name), source=name)

    @classmethod
    def from_s3_uri(cls, uri: str, session: boto3.Session | None = None) -> Template:
        """Read and parse a template stored in S3, keeping ``uri`` as :attr:`s3_uri`.

        The object is read with an S3 client of ``session`` (a new ``boto3.Session()`` when
        ``None``). Its ``ContentLength`` is checked before the body is read, and no more than
        :data:`TEMPLATE_S3_MAX_BYTES` bytes are ever read.

        Raises:
            orgconfig.errors.TemplateError: the URI is not ``s3://bucket/key`` or is longer than
                1,024 characters (``field="template_s3_uri"``); the bucket or key does not exist
                (the botocore ``ClientError`` is the cause: a missing template is a template
                problem, like a missing file); or the object is too large or not a valid template.
            orgconfig.errors.ApiError: any other S3 error answer, through
                :func:`orgconfig.errors.from_client_error` (``AccessDenied`` is an
                :class:`~orgconfig.errors.AccessDeniedError`), raised from the ``ClientError``.
            orgconfig.errors.TransportError: no answer from S3 (credentials, connection).

        Example::

            template = Template.from_s3_uri("s3://my-templates/packs/s3.yaml")
            assert template.s3_uri == "s3://my-templates/packs/s3.yaml"
        """
        bucket, key = _split_s3_uri(uri)
        try:
            length, data = read_s3_object(
                session,
                bucket,
                key,
                max_bytes=TEMPLATE_S3_MAX_BYTES,
                doing=f"Could not read the template {uri}",
            )
        except errors.NotFoundError as e:
            what = "bucket" if e.code == "NoSuchBucket" else "object"
            raise errors.TemplateError(
                f"The template {uri} does not exist: no such {what} ({e.code})", path=uri
            ) from e.__cause__
        _check_too_large(length, uri)
        _check_too_large(len(data), uri)
        return cls(body=_decode(data, uri), source=uri, s3_uri=uri)

    # -- what the template holds --------------------------------------------------------------

    @property
    def rules(self) -> tuple[TemplateRule, ...]:
        """The ``AWS::Config::ConfigRule`` resources, in template order."""
        return self._rules

    @property
    def remediations(self) -> tuple[TemplateRemediation, ...]:
        """The ``AWS::Config::RemediationConfiguration`` resources, in template order."""
        return self._remediations

    @property
    def parameters(self) -> Mapping[str, TemplateParameter]:
        """The declared parameters by name, in template order."""
        return self._parameters

    @property
    def required_parameters(self) -> frozenset[str]:
        """Names of the parameters declared without a ``Default``: a deployment must set them."""
        return frozenset(p.name for p in self._parameters.values() if not p.has_default)

    @property
    def warnings(self) -> tuple[TemplateIssue, ...]:
        """What the service tolerates but is probably a mistake (unknown keys, unused params)."""
        return self._warnings

    @property
    def size_bytes(self) -> int:
        """Size of :attr:`body` in UTF-8 bytes, as the service counts it."""
        return self._size_bytes

    @property
    def sha256(self) -> str:
        """SHA-256 of :attr:`body`'s UTF-8 bytes, in hex."""
        return self._sha256

    @property
    def needs_s3(self) -> bool:
        """Whether the body is over the 51,200-byte ``TemplateBody`` limit and must go via S3."""
        return self._size_bytes > TEMPLATE_BODY_MAX_BYTES

    def __repr__(self) -> str:
        where = f"s3_uri={self.s3_uri!r}" if self.s3_uri else f"source={self.source!r}"
        return f"Template({where}, size_bytes={self._size_bytes}, rules={len(self._rules)})"


# ---------------------------------------------------------------------------------------------
# Sizes, bytes, URIs
# ---------------------------------------------------------------------------------------------


def _raise_too_large(size: int, source: str | None, *, at_least: bool = False) -> NoReturn:
    amount = f"at least {size:,}" if at_least else f"{size:,}"
    raise errors.TemplateError(
        f"The template is {amount} bytes; a conformance pack template may be at most "
        f"{TEMPLATE_S3_MAX_BYTES:,} bytes (300 KB) even through TemplateS3Uri",
        path=source,
    )


def _check_too_large(size: int, source: str | None) -> None:
    if size > TEMPLATE_S3_MAX_BYTES:
        _raise_too_large(size, source)


def _decode(data: bytes, source: str | None) -> str:
    _check_too_large(len(data), source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise errors.TemplateError(
            f"The template is not UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start} "
            f"(line {line}) cannot be decoded",
            path=source,
            location=f"line {line}",
        ) from e


def _split_s3_uri(uri: str) -> tuple[str, str]:
    if len(uri) > TEMPLATE_S3_URI_MAX_LENGTH:
        raise errors.TemplateError(
            f"The template S3 URI is {len(uri):,} characters long; TemplateS3Uri may be at most "
            f"{TEMPLATE_S3_URI_MAX_LENGTH:,}",
            field="template_s3_uri",
            path=uri,
        )
    match = _S3_URI.fullmatch(uri)
    if match is None:
        raise errors.TemplateError(
            f"{uri!r} is not an S3 URI of the form s3://bucket/key",
            field="template_s3_uri",
            path=uri,
        )
    return match["bucket"], match["key"]


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


class _ParseError(Exception):
    """A parse problem found by the loader; turned into a TemplateError with the source."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


_TIMESTAMP_TAG: Final = "tag:yaml.org,2002:timestamp"
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"

# Short-form tag -> (long-form key, node kinds it may tag).
_SCALAR, _SEQUENCE, _MAPPING = "scalar", "sequence", "mapping"
_ANY: Final = (_SCALAR, _SEQUENCE, _MAPPING)
_SHORT_FORMS: Final[Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "!Ref": ("Ref", (_SCALAR,)),
    "!Condition": ("Condition", (_SCALAR,)),
    "!GetAtt": ("Fn::GetAtt", (_SCALAR, _SEQUENCE)),
    "!Sub": ("Fn::Sub", (_SCALAR, _SEQUENCE)),
    "!GetAZs": ("Fn::GetAZs", (_SCALAR, _MAPPING)),
    "!ImportValue": ("Fn::ImportValue", _ANY),
    "!Base64": ("Fn::Base64", _ANY),
    "!Transform": ("Fn::Transform", (_MAPPING,)),
    "!If": ("Fn::If", (_SEQUENCE,)),
    "!Equals": ("Fn::Equals", (_SEQUENCE,)),
    "!Not": ("Fn::Not", (_SEQUENCE,)),
    "!And": ("Fn::And", (_SEQUENCE,)),
    "!Or": ("Fn::Or", (_SEQUENCE,)),
    "!FindInMap": ("Fn::FindInMap", (_SEQUENCE,)),
    "!Join": ("Fn::Join", (_SEQUENCE,)),
    "!Select": ("Fn::Select", (_SEQUENCE,)),
    "!Split": ("Fn::Split", (_SEQUENCE,)),
    "!Cidr": ("Fn::Cidr", (_SEQUENCE,)),
}


def _where(node: Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown"


def _node_kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return _SCALAR
    if isinstance(node, SequenceNode):
        return _SEQUENCE
    return _MAPPING


class _CfnResolver(Resolver):
    """YAML 1.1 implicit types without timestamps: CloudFormation reads dates as strings."""


_CfnResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


class _CfnComposer(Composer):
    """The PyYAML composer, bounded in nesting depth so that it never recurses too far."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING_DEPTH:
                raise _ParseError(
                    f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} "
                    "levels deep"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _CfnConstructor(SafeConstructor):
    """Safe construction, refusing duplicate keys, with CloudFormation's short-form tags."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[Hashable, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                continue
            if key in seen:
                first = seen[key].start_mark
                where = _where(key_node).split(",")[0]
                raise _ParseError(
                    f"The template repeats the key {key!r} at {where} (first at line "
                    f"{first.line + 1 if first is not None else '?'}); a key may appear only once "
                    "in a mapping",
                    location=where,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _construct_short_form(loader: BaseConstructor, node: Node) -> dict[str, Any]:
    name, kinds = _SHORT_FORMS[node.tag]
    kind = _node_kind(node)
    if kind not in kinds:
        raise ConstructorError(
            None,
            None,
            f"{node.tag} cannot tag a {kind}; it takes a {' or '.join(kinds)}",
            node.start_mark,
        )
    value: Any
    if isinstance(node, ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            resource, dot, attribute = value.partition(".")
            if not (resource and dot and attribute):
                raise ConstructorError(
                    None,
                    None,
                    f"!GetAtt {value!r} is not of the form Resource.Attribute",
                    node.start_mark,
                )
            value = [resource, attribute]
    elif isinstance(node, SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


def _construct_unknown_tag(loader: BaseConstructor, suffix: str, node: Node) -> NoReturn:
    raise ConstructorError(
        None,
        None,
        f"unknown tag !{suffix}: CloudFormation templates may use only the short forms of the "
        f"intrinsic functions ({', '.join(sorted(_SHORT_FORMS))})",
        node.start_mark,
    )


# What add_constructor() does, without the stubs' bound on the loader type.
_CfnConstructor.yaml_constructors = {
    **SafeConstructor.yaml_constructors,
    **dict.fromkeys(_SHORT_FORMS, _construct_short_form),
}
_CfnConstructor.yaml_multi_constructors = {
    **SafeConstructor.yaml_multi_constructors,
    "!": _construct_unknown_tag,
}


class _LoaderBase(_CfnComposer, _CfnConstructor, _CfnResolver):
    """Composer, constructor and resolver; the concrete loaders add a parser."""


class _PyLoader(Reader, Scanner, Parser, _LoaderBase):
    """The pure-Python loader."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _CfnComposer.__init__(self)
        _CfnConstructor.__init__(self)
        _CfnResolver.__init__(self)


class _LoaderLike(Protocol):
    def get_single_node(self) -> Node | None: ...
    def construct_document(self, node: Node) -> Any: ...
    def dispose(self) -> None: ...


_Loader: Callable[[str], _LoaderLike] = _PyLoader
if yaml.__with_libyaml__:  # pragma: no branch - libyaml is present wherever the tests run
    from yaml._yaml import CParser

    class _CLoader(_LoaderBase, CParser):
        """libyaml's event parser under the Python composer: fast, and still depth-bounded."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _CfnComposer.__init__(self)
            _CfnConstructor.__init__(self)
            _CfnResolver.__init__(self)

    _Loader = _CLoader


def _children(node: Node) -> Sequence[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: Node) -> None:
    """Refuse a node graph that expands too far through aliases, or that refers to itself."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            entered.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            heights[key] = 1 + max((heights[id(child)] for child in children), default=0)
            if sizes[key] > MAX_EXPANDED_NODES:
                raise _ParseError(
                    f"The template expands to more than {MAX_EXPANDED_NODES:,} YAML nodes "
                    "through anchors and aliases (&name / *name); refusing to expand it",
                    location=_where(node),
                )
            if heights[key] > MAX_NESTING_DEPTH:
                raise _ParseError(
                    f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} "
                    "levels deep once its aliases are expanded",
                    location=_where(node),
                )
            continue
        if key in sizes:
            continue
        if key in entered:
            raise _ParseError(
                "The template holds a recursive alias (an alias inside the node it refers to)",
                location=_where(node),
            )
        entered.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _parse_yaml(text: str) -> Any:
    loader: _LoaderLike | None = None
    try:
        loader = _Loader(text)  # the pure-Python reader checks characters here
        node = loader.get_single_node()
        if node is None:
            raise _ParseError("The template is empty (it holds only comments or whitespace)")
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        detail = e.problem or "invalid YAML"
        if e.context:
            detail = f"{detail} ({e.context})"
        raise _ParseError(
            f"The template is not valid YAML: {detail}" + (f" at {where}" if where else ""),
            location=where,
        ) from e
    except ReaderError as e:
        line = text.count("\n", 0, int(e.position)) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        raise _ParseError(
            f"The template is not valid YAML: the control character U+{code:04X} at line {line} "
            "is not allowed in YAML",
            location=f"line {line}",
        ) from e
    finally:
        if loader is not None:
            loader.dispose()


class _DuplicateJsonKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKeyError(key)
        result[key] = value
    return result


def _json_constant(name: str) -> NoReturn:
    raise _ParseError(f"The template is not valid JSON: {name} is not a JSON number")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonKeyFinder:
    """Find where a JSON object repeats a given key (json reports duplicates without lines)."""

    def __init__(self, text: str, key: str) -> None:
        self.text = text
        self.key = key
        self.decoder = json.JSONDecoder()

    def find(self) -> tuple[int, int] | None:
        """Return the lines of the first and the repeated key, or None."""
        try:
            self._value(self._space(0))
        except _KeyFoundError as found:
            return found.first, found.again
        except RecursionError:  # nested deeper than this finder can follow: report no line
            return None
        return None

    def _line(self, index: int) -> int:
        return self.text.count("\n", 0, index) + 1

    def _space(self, index: int) -> int:
        match = _JSON_SPACE.match(self.text, index)
        return match.end() if match else index

    def _value(self, index: int) -> int:
        opener = self.text[index]
        if opener == "{":
            return self._object(self._space(index + 1))
        if opener == "[":
            return self._array(self._space(index + 1))
        _, end = self.decoder.raw_decode(self.text, index)
        return end

    def _object(self, index: int) -> int:
        seen: dict[str, int] = {}
        while self.text[index] != "}":
            key, index = self.decoder.raw_decode(self.text, index)
            if key == self.key and key in seen:
                raise _KeyFoundError(self._line(seen[key]), self._line(index))
            seen[key] = index
            index = self._space(self._space(index) + 1)  # past the colon
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1

    def _array(self, index: int) -> int:
        while self.text[index] != "]":
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1


class _KeyFoundError(Exception):
    def __init__(self, first: int, again: int) -> None:
        super().__init__(first, again)
        self.first = first
        self.again = again


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_json_constant)
    except _DuplicateJsonKeyError as e:
        lines = _JsonKeyFinder(text, e.key).find()
        where = f"line {lines[1]}" if lines else None
        first = f" (first at line {lines[0]})" if lines else ""
        raise _ParseError(
            f"The template repeats the key {e.key!r}"
            + (f" at {where}" if where else "")
            + f"{first}; a key may appear only once in a mapping",
            location=where,
        ) from e
    except RecursionError as e:
        raise _ParseError(
            f"The template nests objects and arrays more than {MAX_NESTING_DEPTH} levels deep"
        ) from e


def _json_depth_ok(document: Any) -> bool:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return True


def _parse(text: str, source: str | None) -> Any:
    try:
        if text.lstrip(" \t\r\n").startswith("{"):
            try:
                document = _parse_json(text)
            except json.JSONDecodeError as json_error:
                try:
                    return _parse_yaml(text)
                except _ParseError:
                    raise _ParseError(
                        f"The template is not valid JSON: {json_error.msg} at line "
                        f"{json_error.lineno}, column {json_error.colno}",
                        location=f"line {json_error.lineno}, column {json_error.colno}",
                    ) from json_error
            if not _json_depth_ok(document):
                raise _ParseError(
                    f"The template nests objects and arrays more than {MAX_NESTING_DEPTH} "
                    "levels deep"
                )
            return document
        return _parse_yaml(text)
    except _ParseError as problem:
        raise errors.TemplateError(
            problem.message, path=source, location=problem.location
        ) from problem.__cause__


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _text(value: Any) -> str | None:
    """Return a scalar as CloudFormation reads it into a string, or None if it is not one."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


@attrs.define
class _Checked:
    rules: tuple[TemplateRule, ...]
    remediations: tuple[TemplateRemediation, ...]
    parameters: Mapping[str, TemplateParameter]
    issues: list[TemplateIssue]


class _Checker:
    """Validate a parsed template and build its records; raises on the first error."""

    def __init__(self, document: Any, source: str | None) -> None:
        self.document = document
        self.source = source
        self.issues: list[TemplateIssue] = []
        self.parameters: dict[str, TemplateParameter] = {}
        self.conditions: dict[str, Any] = {}
        self.resources: dict[str, Any] = {}
        self.used_parameters: set[str] = set()

    # -- helpers --------------------------------------------------------------------------------

    def error(self, location: str, message: str) -> errors.TemplateError:
        """Build the error for ``location``; the caller raises it."""
        return errors.TemplateError(f"{location}: {message}", path=self.source, location=location)

    def warn(self, code: str, location: str, message: str) -> None:
        self.issues.append(TemplateIssue(code=code, location=location, message=message))

    def mapping(self, value: Any, location: str, what: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise self.error(location, f"{what} must be a mapping, not a {_kind(value)}")
        return value

    def string(self, value: Any, location: str) -> str | dict[str, Any] | None:
        """Return a string-typed property: text, an intrinsic function, or None when absent."""
        if value is None:
            return None
        if _is_intrinsic(value):
            return dict(value)
        text = _text(value)
        if text is None:
            raise self.error(location, f"expected a string, found a {_kind(value)}")
        return text

    def required_string(self, value: Any, location: str, why: str) -> str | dict[str, Any]:
        result = self.string(value, location)
        if result is None or result == "":
            raise self.error(location, f"is required {why}")
        return result

    def bounded(
        self, value: str | dict[str, Any] | None, location: str, low: int, high: int
    ) -> None:
        if isinstance(value, str) and not low <= len(value) <= high:
            raise self.error(
                location,
                f"must be {low} to {high} characters long, not {len(value):,}",
            )

    def one_of(self, value: Any, location: str, allowed: Sequence[str]) -> None:
        if isinstance(value, str) and value not in allowed:
            raise self.error(location, f"{value!r} is not one of {', '.join(allowed)}")

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> _Checked:
        document = self.document
        if not isinstance(document, dict):
            raise errors.TemplateError(
                f"The template must be a mapping of sections (Parameters, Resources, ...), not a "
                f"{_kind(document)}",
                path=self.source,
            )
        for key in document:
            if key not in _TOP_LEVEL_KEYS:
                self.warn(
                    "unknown-top-level-key",
                    str(key),
                    "CloudFormation does not define this top-level section",
                )
        if "Parameters" in document:
            self.check_parameters(document["Parameters"])
        if "Conditions" in document:
            self.conditions = self.mapping(document["Conditions"], "Conditions", "Conditions")
        rules, remediations = self.check_resources(document)
        self.check_remediation_targets(rules, remediations)
        for section in _REFERENCE_SECTIONS:
            if section in document:
                self.walk(document[section], section, in_conditions=section == "Conditions")
        self.check_outputs(document.get("Outputs"))
        for name in self.parameters:
            if name not in self.used_parameters:
                self.warn(
                    "unused-parameter",
                    f"Parameters.{name}",
                    "the parameter is declared but never used",
                )
        return _Checked(tuple(rules), tuple(remediations), dict(self.parameters), self.issues)

    def check_resources(
        self, document: dict[Any, Any]
    ) -> tuple[list[TemplateRule], list[TemplateRemediation]]:
        if "Resources" not in document:
            raise errors.TemplateError(
                "The template has no Resources section; a conformance pack needs at least one "
                "AWS::Config::ConfigRule",
                path=self.source,
                location="Resources",
            )
        resources = self.mapping(document["Resources"], "Resources", "Resources")
        if not resources:
            raise self.error(
                "Resources", "the section is empty; a conformance pack needs at least one rule"
            )
        self.resources = resources
        rules: list[TemplateRule] = []
        remediations: list[TemplateRemediation] = []
        for logical_id, resource in resources.items():
            where = f"Resources.{logical_id}"
            body = self.check_resource(logical_id, resource, where)
            if body["Type"] == _CONFIG_RULE:
                rules.append(self.check_rule(logical_id, body, where))
            else:
                remediations.append(self.check_remediation(logical_id, body, where))
        if not rules:
            raise self.error(
                "Resources", "a conformance pack needs at least one AWS::Config::ConfigRule"
            )
        if len(rules) > MAX_RULES_PER_PACK:
            raise self.error(
                "Resources",
                f"the template declares {len(rules)} AWS::Config::ConfigRule resources; a "
                f"conformance pack may hold at most {MAX_RULES_PER_PACK}",
            )
        return rules, remediations

    # -- sections -----------------------------------------------------------------------------

    def check_parameters(self, section: Any) -> None:
        for name, value in self.mapping(section, "Parameters", "Parameters").items():
            where = f"Parameters.{name}"
            if not isinstance(name, str) or not _LOGICAL_ID.fullmatch(name):
                raise self.error(where, "a parameter name must be 1 to 255 letters and digits")
            declaration = self.mapping(value, where, "a parameter declaration")
            kind = declaration.get("Type")
            if kind is None:
                raise self.error(f"{where}.Type", "every parameter needs a Type")
            if not isinstance(kind, str) or kind not in _PARAMETER_TYPES:
                raise self.error(
                    f"{where}.Type",
                    f"{kind!r} is not a CloudFormation parameter type (such as String, Number, "
                    "CommaDelimitedList, List<Number> or an AWS-specific type)",
                )
            default = declaration.get("Default")
            default_text = None if default is None else _text(default)
            if default is not None and default_text is None:
                raise self.error(f"{where}.Default", f"must be a string, not a {_kind(default)}")
            if default_text is not None and kind in ("Number", "List<Number>"):
                self.check_number_default(default_text, kind, f"{where}.Default")
            allowed = declaration.get("AllowedValues")
            allowed_text: tuple[str, ...] | None = None
            if allowed is not None:
                if not isinstance(allowed, list):
                    raise self.error(
                        f"{where}.AllowedValues", f"must be a list, not a {_kind(allowed)}"
                    )
                texts = [_text(item) for item in allowed]
                if any(text is None for text in texts):
                    raise self.error(
                        f"{where}.AllowedValues", "every allowed value must be a string"
                    )
                allowed_text = tuple(text for text in texts if text is not None)
            description = declaration.get("Description")
            self.parameters[name] = TemplateParameter(
                name=name,
                type=kind,
                default=default_text,
                description=None if description is None else _text(description),
                allowed_values=allowed_text,
                has_default=default_text is not None,
            )

    def check_number_default(self, text: str, kind: str, where: str) -> None:
        items = text.split(",") if kind == "List<Number>" else [text]
        for item in items:
            try:
                number = float(item.strip())
            except ValueError as e:
                raise self.error(where, f"{text!r} is not a valid {kind}") from e
            if not math.isfinite(number):
                raise self.error(where, f"{text!r} is not a valid {kind}")

    def check_resource(self, logical_id: Any, resource: Any, where: str) -> dict[Any, Any]:
        if not isinstance(logical_id, str) or not _LOGICAL_ID.fullmatch(logical_id):
            raise self.error(where, "a resource logical id must be 1 to 255 letters and digits")
        body = self.mapping(resource, where, "a resource")
        kind = body.get("Type")
        if kind is None:
            raise self.error(f"{where}.Type", "every resource needs a Type")
        if kind not in _RESOURCE_TYPES:
            raise self.error(
                f"{where}.Type",
                f"{kind!r} cannot be used in a conformance pack; only {_CONFIG_RULE} and "
                f"{_REMEDIATION} resources can",
            )
        for key in body:
            if key not in _RESOURCE_KEYS:
                self.warn(
                    "unknown-resource-key",
                    f"{where}.{key}",
                    "CloudFormation does not define this resource attribute; it is ignored",
                )
        condition = body.get("Condition")
        if condition is not None:
            self.check_condition_name(condition, f"{where}.Condition")
        depends_on = body.get("DependsOn")
        if depends_on is not None:
            names = depends_on if isinstance(depends_on, list) else [depends_on]
            for index, name in enumerate(names):
                at = f"{where}.DependsOn" + (f"[{index}]" if isinstance(depends_on, list) else "")
                if not isinstance(name, str) or name not in self.resources:
                    raise self.error(at, f"{name!r} is not a resource of this template")
        return body

    def check_rule(self, logical_id: str, body: dict[Any, Any], where: str) -> TemplateRule:
        at = f"{where}.Properties"
        if "Properties" not in body:
            raise self.error(at, "an AWS::Config::ConfigRule needs Properties with a Source")
        properties = self.mapping(body["Properties"], at, "Properties")
        for key in properties:
            if key not in _RULE_PROPERTIES:
                self.warn(
                    "unknown-property",
                    f"{at}.{key}",
                    "AWS::Config::ConfigRule has no such property",
                )
        if "Source" not in properties:
            raise self.error(f"{at}.Source", "is required: every rule needs a Source with an Owner")
        source = self.mapping(properties["Source"], f"{at}.Source", "Source")
        owner = source.get("Owner")
        if owner is None:
            raise self.error(f"{at}.Source.Owner", f"is required: one of {', '.join(_OWNERS)}")
        if not isinstance(owner, str):
            raise self.error(
                f"{at}.Source.Owner",
                f"must be written literally as one of {', '.join(_OWNERS)}, not a {_kind(owner)}",
            )
        self.one_of(owner, f"{at}.Source.Owner", _OWNERS)

        identifier = None
        if owner in _OWNERS_NEEDING_IDENTIFIER:
            identifier = self.required_string(
                source.get("SourceIdentifier"),
                f"{at}.Source.SourceIdentifier",
                f"when Owner is {owner}",
            )
            self.bounded(identifier, f"{at}.Source.SourceIdentifier", 1, 256)

        policy_text = policy_runtime = debug = None
        if owner == "CUSTOM_POLICY":
            details_at = f"{at}.Source.CustomPolicyDetails"
            if "CustomPolicyDetails" not in source:
                raise self.error(details_at, "is required when Owner is CUSTOM_POLICY")
            details = self.mapping(source["CustomPolicyDetails"], details_at, "CustomPolicyDetails")
            policy_runtime = self.required_string(
                details.get("PolicyRuntime"), f"{details_at}.PolicyRuntime", "for a Guard rule"
            )
            if isinstance(policy_runtime, str) and not _POLICY_RUNTIME.fullmatch(policy_runtime):
                raise self.error(
                    f"{details_at}.PolicyRuntime",
                    f"{policy_runtime!r} is not a Guard runtime; use guard-2.x.x",
                )
            policy_text = self.required_string(
                details.get("PolicyText"), f"{details_at}.PolicyText", "for a Guard rule"
            )
            self.bounded(policy_text, f"{details_at}.PolicyText", 0, _POLICY_TEXT_MAX)
            debug = self.boolean(
                details.get("EnableDebugLogDelivery"), f"{details_at}.EnableDebugLogDelivery"
            )

        triggers = self.check_source_details(source.get("SourceDetails"), owner, f"{at}.Source")

        name = self.string(properties.get("ConfigRuleName"), f"{at}.ConfigRuleName")
        self.bounded(name, f"{at}.ConfigRuleName", 1, _RULE_NAME_MAX)
        if isinstance(name, str) and not name.strip():
            raise self.error(f"{at}.ConfigRuleName", "must not be blank")
        description = self.string(properties.get("Description"), f"{at}.Description")
        self.bounded(description, f"{at}.Description", 0, _DESCRIPTION_MAX)
        frequency = self.string(
            properties.get("MaximumExecutionFrequency"), f"{at}.MaximumExecutionFrequency"
        )
        self.one_of(frequency, f"{at}.MaximumExecutionFrequency", _FREQUENCIES)
        input_parameters = self.input_parameters(
            properties.get("InputParameters"), f"{at}.InputParameters"
        )
        scope = self.check_scope(properties.get("Scope"), f"{at}.Scope")
        condition = body.get("Condition")
        return TemplateRule(
            logical_id=logical_id,
            name=name,
            owner=owner,
            source_identifier=identifier,
            description=description,
            input_parameters=input_parameters,
            maximum_execution_frequency=frequency,
            trigger_types=triggers,
            resource_types=scope["types"],
            resource_id=scope["id"],
            tag_key=scope["tag_key"],
            tag_value=scope["tag_value"],
            policy_text=policy_text,
            policy_runtime=policy_runtime,
            enable_debug_log_delivery=debug,
            condition=condition if isinstance(condition, str) else None,
            properties=properties,
        )

    def boolean(self, value: Any, location: str) -> bool | dict[str, Any] | None:
        if value is None or isinstance(value, bool):
            return value
        if _is_intrinsic(value):
            return dict(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.error(location, f"expected true or false, found {value!r}")

    def check_source_details(self, details: Any, owner: str, at: str) -> tuple[str, ...]:
        if details is None or _is_intrinsic(details):
            return ()
        if not isinstance(details, list):
            raise self.error(f"{at}.SourceDetails", f"must be a list, not a {_kind(details)}")
        allowed = _POLICY_MESSAGE_TYPES if owner == "CUSTOM_POLICY" else _MESSAGE_TYPES
        triggers: list[str] = []
        for index, item in enumerate(details):
            where = f"{at}.SourceDetails[{index}]"
            detail = self.mapping(item, where, "a SourceDetails entry")
            source = self.string(detail.get("EventSource"), f"{where}.EventSource")
            self.one_of(source, f"{where}.EventSource", ("aws.config",))
            message_type = self.string(detail.get("MessageType"), f"{where}.MessageType")
            if isinstance(message_type, str) and message_type not in allowed:
                extra = " for a CUSTOM_POLICY rule" if message_type in _MESSAGE_TYPES else ""
                raise self.error(
                    f"{where}.MessageType",
                    f"{message_type!r} is not allowed{extra}; use one of {', '.join(allowed)}",
                )
            if isinstance(message_type, str):
                triggers.append(message_type)
            frequency = self.string(
                detail.get("MaximumExecutionFrequency"), f"{where}.MaximumExecutionFrequency"
            )
            self.one_of(frequency, f"{where}.MaximumExecutionFrequency", _FREQUENCIES)
        return tuple(triggers)

    def input_parameters(self, value: Any, location: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as e:
                raise errors.TemplateError(
                    f"{location}: a string InputParameters must hold a JSON object: {e.msg}",
                    path=self.source,
                    location=location,
                ) from e
        return self.mapping(value, location, "InputParameters")

    def check_scope(self, value: Any, at: str) -> dict[str, Any]:
        scope: dict[str, Any] = {"types": (), "id": None, "tag_key": None, "tag_value": None}
        if value is None:
            return scope
        body = self.mapping(value, at, "Scope")
        types = body.get("ComplianceResourceTypes")
        if types is not None and not _is_intrinsic(types):
            if not isinstance(types, list):
                raise self.error(
                    f"{at}.ComplianceResourceTypes", f"must be a list, not a {_kind(types)}"
                )
            if len(types) > _SCOPE_TYPES_MAX:
                raise self.error(
                    f"{at}.ComplianceResourceTypes",
                    f"lists {len(types)} resource types; at most {_SCOPE_TYPES_MAX} are allowed",
                )
            scope["types"] = tuple(
                text
                for index, item in enumerate(types)
                if isinstance(
                    text := self.string(item, f"{at}.ComplianceResourceTypes[{index}]"), str
                )
            )
        scope["id"] = self.string(body.get("ComplianceResourceId"), f"{at}.ComplianceResourceId")
        self.bounded(scope["id"], f"{at}.ComplianceResourceId", 1, 768)
        scope["tag_key"] = self.string(body.get("TagKey"), f"{at}.TagKey")
        self.bounded(scope["tag_key"], f"{at}.TagKey", 1, 128)
        scope["tag_value"] = self.string(body.get("TagValue"), f"{at}.TagValue")
        self.bounded(scope["tag_value"], f"{at}.TagValue", 1, 256)
        return scope

    def check_remediation(
        self, logical_id: str, body: dict[Any, Any], where: str
    ) -> TemplateRemediation:
        at = f"{where}.Properties"
        if "Properties" not in body:
            raise self.error(at, "an AWS::Config::RemediationConfiguration needs Properties")
        properties = self.mapping(body["Properties"], at, "Properties")
        for key in properties:
            if key not in _REMEDIATION_PROPERTIES:
                self.warn(
                    "unknown-property",
                    f"{at}.{key}",
                    "AWS::Config::RemediationConfiguration has no such property",
                )
        rule_name = self.required_string(
            properties.get("ConfigRuleName"), f"{at}.ConfigRuleName", "for a remediation"
        )
        self.bounded(rule_name, f"{at}.ConfigRuleName", 1, _RULE_NAME_MAX)
        target_id = self.required_string(
            properties.get("TargetId"), f"{at}.TargetId", "for a remediation"
        )
        target_type = self.required_string(
            properties.get("TargetType"), f"{at}.TargetType", "for a remediation"
        )
        self.one_of(target_type, f"{at}.TargetType", ("SSM_DOCUMENT",))
        return TemplateRemediation(
            logical_id=logical_id,
            config_rule_name=rule_name,
            target_id=target_id,
            properties=properties,
        )

    def check_remediation_targets(
        self, rules: Sequence[TemplateRule], remediations: Sequence[TemplateRemediation]
    ) -> None:
        names = {rule.name for rule in rules if isinstance(rule.name, str)}
        for remediation in remediations:
            name = remediation.config_rule_name
            if isinstance(name, str) and name not in names:
                self.warn(
                    "remediation-rule-not-in-pack",
                    f"Resources.{remediation.logical_id}.Properties.ConfigRuleName",
                    f"no rule of this template is named {name!r}",
                )

    def check_outputs(self, outputs: Any) -> None:
        if not isinstance(outputs, dict):
            return
        for name, output in outputs.items():
            if isinstance(output, dict) and "Condition" in output:
                self.check_condition_name(output["Condition"], f"Outputs.{name}.Condition")

    # -- references -----------------------------------------------------------------------------

    def check_condition_name(self, name: Any, location: str) -> None:
        if not isinstance(name, str):
            raise self.error(location, f"a condition name must be a string, not a {_kind(name)}")
        if name not in self.conditions:
            declared = ", ".join(map(str, self.conditions)) or "none"
            raise self.error(
                location,
                f"the condition {name!r} is not declared in Conditions (declared: {declared})",
            )

    def check_ref(self, target: Any, location: str, *, in_conditions: bool) -> None:
        if not isinstance(target, str):
            raise self.error(location, f"Ref takes a name, not a {_kind(target)}")
        if target in self.parameters:
            self.used_parameters.add(target)
            return
        if target in _PSEUDO_PARAMETERS:
            return
        if target in self.resources:
            if in_conditions:
                raise self.error(
                    location,
                    f"{target!r} is a resource; conditions can refer only to parameters and "
                    "pseudo parameters",
                )
            return
        raise self.error(
            location,
            f"{target!r} is not a parameter, a resource or a pseudo parameter of this template",
        )

    def check_get_att(self, argument: Any, location: str) -> None:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error(location, "Fn::GetAtt takes [LogicalId, Attribute]")
        resource = argument[0]
        if not isinstance(resource, str) or resource not in self.resources:
            raise self.error(location, f"{resource!r} is not a resource of this template")

    def check_sub(self, argument: Any, location: str, *, in_conditions: bool) -> None:
        local: Mapping[Any, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[0], str):
                raise self.error(location, "Fn::Sub takes a string or [string, {variables}]")
            local = self.mapping(argument[1], f"{location}[1]", "the Fn::Sub variables")
            argument = argument[0]
        if not isinstance(argument, str):
            raise self.error(location, f"Fn::Sub takes a string, not a {_kind(argument)}")
        for variable in _SUB_VARIABLE.findall(argument):
            name = variable.strip()
            if name.startswith("!") or name in local:
                continue
            if "." in name and not name.startswith("AWS::"):
                self.check_get_att(name, location)
            else:
                self.check_ref(name, location, in_conditions=in_conditions)

    def walk(
        self, value: Any, location: str, *, in_conditions: bool, condition_args: bool = False
    ) -> None:
        """Check every reference under ``value``; ``condition_args`` marks Fn::And/Or/Not args."""
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.walk(
                    item,
                    f"{location}[{index}]",
                    in_conditions=in_conditions,
                    condition_args=condition_args,
                )
            return
        if not isinstance(value, dict):
            return
        if len(value) == 1:
            ((key, argument),) = value.items()
            at = f"{location}.{key}"
            if key == "Ref":
                self.check_ref(argument, at, in_conditions=in_conditions)
                return
            if key == "Condition" and (in_conditions or condition_args):
                self.check_condition_name(argument, at)
                return
            if key == "Fn::GetAtt":
                self.check_get_att(argument, at)
            elif key == "Fn::Sub":
                self.check_sub(argument, at, in_conditions=in_conditions)
            elif key == "Fn::If":
                if not isinstance(argument, list) or len(argument) != 3:
                    raise self.error(at, "Fn::If takes [condition, value if true, value if false]")
                self.check_condition_name(argument[0], f"{at}[0]")
            if key in _CONDITION_FUNCTIONS:
                self.walk(argument, at, in_conditions=in_conditions, condition_args=True)
                return
        for key, item in value.items():
            self.walk(item, f"{location}.{key}", in_conditions=in_conditions)
