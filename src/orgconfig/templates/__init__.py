"""Conformance pack templates: load, parse (CloudFormation YAML or JSON), validate and size them.

A :class:`Template` is built by one of its named constructors, :meth:`Template.from_file`,
:meth:`Template.from_string` and :meth:`Template.from_s3_uri`, and is parsed and validated as it is
built: a :class:`Template` that exists is one the service would accept, as far as can be told
without deploying it. Everything the service would reject raises
:class:`orgconfig.errors.TemplateError`, whose message reads well on its own (it starts with the
place in the template, such as ``Resources.S3Encrypted.Properties.Source.Owner:``), whose
``location`` holds that place (``"line 12, column 3"`` for syntax errors) and whose ``path`` is the
file or S3 URI the template came from, which ``str(error)`` names first
(``"packs/s3.yaml: Resources.S3Encrypted..."``). What the service tolerates but is probably a
mistake is kept in :attr:`Template.warnings` as :class:`TemplateIssue` records; loading never
emits Python warnings.

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
  can never overflow the C stack; a document so deep that libyaml refuses it first gets the same
  nesting error as with the pure-Python parser.
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
import os
import re
from collections.abc import Mapping
from typing import Final

import attrs
import boto3

from orgconfig import errors
from orgconfig._frozen import FrozenDict
from orgconfig._limits import RULES_PER_PACK_MAX as MAX_RULES_PER_PACK
from orgconfig._limits import (
    TEMPLATE_BODY_MAX_BYTES,
    TEMPLATE_S3_MAX_BYTES,
    TEMPLATE_S3_URI_MAX_LENGTH,
)
from orgconfig.templates._checks import check
from orgconfig.templates._records import (
    TemplateIssue,
    TemplateParameter,
    TemplateRemediation,
    TemplateRule,
)
from orgconfig.templates._yaml import (
    MAX_EXPANDED_NODES,
    MAX_NESTING_DEPTH,
    check_size,
    decode,
    parse,
    raise_too_large,
)

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

# The records are defined below the checks that build them; they report this, their public module.
for _record in (TemplateIssue, TemplateParameter, TemplateRemediation, TemplateRule):
    _record.__module__ = __name__
del _record

_S3_URI = re.compile(r"s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/(?P<key>.+)", re.DOTALL)
_BOM: Final = "\ufeff"


@attrs.frozen(repr=False)
class Template:
    r"""A conformance pack template, parsed and checked against what the service accepts.

    Build one with :meth:`from_file`, :meth:`from_string` or :meth:`from_s3_uri`; the class
    itself takes the decoded ``body`` and parses it the same way. Two templates are equal when
    their body and S3 URI are equal, wherever they were loaded from.

    Raises:
        orgconfig.errors.TemplateError: the template cannot be parsed, is too large, or would be
            rejected by the service. Its ``path`` is :attr:`source` (else :attr:`s3_uri`), which
            ``str(error)`` names first.

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
        path = self.source if self.source is not None else self.s3_uri  # what errors name
        if len(self.body) > TEMPLATE_S3_MAX_BYTES:  # every character is at least one byte
            raise_too_large(len(self.body), path, at_least=True)
        try:
            data = self.body.encode("utf-8")
        except UnicodeEncodeError as e:
            raise errors.TemplateError(
                f"The template holds a character that cannot be encoded as UTF-8 "
                f"({self.body[e.start]!r} at character {e.start})",
                path=path,
            ) from e
        check_size(len(data), path)
        if not self.body.removeprefix(_BOM).strip():
            raise errors.TemplateError("The template is empty", path=path)
        document = parse(self.body.removeprefix(_BOM), path)
        checked = check(document, path)
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
            text = decode(text, source)
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
                check_size(size, name)
                data = stream.read(TEMPLATE_S3_MAX_BYTES + 1)
        except FileNotFoundError as e:
            raise errors.TemplateError(f"The template file {name} does not exist", path=name) from e
        except OSError as e:
            raise errors.TemplateError(
                f"The template file {name} cannot be read: {e.strerror or e}", path=name
            ) from e
        check_size(len(data), name)
        return cls(body=decode(data, name), source=name)

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
            from orgconfig._aws.s3 import read_s3_object  # noqa: PLC0415  (boto3 on use)

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
        check_size(length, uri)
        check_size(len(data), uri)
        return cls(body=decode(data, uri), source=uri, s3_uri=uri)

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
