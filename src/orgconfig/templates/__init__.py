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
* **No object construction.** YAML goes through a :class:`yaml.SafeLoader`-style loader that
  builds JSON's types only (strings, numbers, booleans, null, lists, mappings), never Python
  objects. The CloudFormation short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``, ``!If``...)
  become their long form (``{"Ref": "X"}``, ``{"Fn::GetAtt": ["A", "B"]}``,
  ``{"Condition": "C"}``); the YAML tags of JSON's types (``!!str``, ``!!int``, ``!!float``,
  ``!!bool``, ``!!null``, ``!!seq``, ``!!map``) work, and their value must be of that type
  (``!!int x`` is an error); every other tag (``!!binary``, ``!!timestamp``, ``!!set``,
  ``!!omap``, ``!!pairs``, ``!!python/...``, unknown ``!Local`` or ``!<global>`` tags) is an
  error with its line. Dates stay strings, as in CloudFormation
  (``AWSTemplateFormatVersion: 2010-09-09``).
* **Printable numbers.** An integer of more than :data:`MAX_INTEGER_DIGITS` digits, or a number
  too large for a float (``1e999``), is an error with its line, in YAML, in JSON and in a JSON
  ``InputParameters`` string; quoting it keeps it as text.
* **No duplicate keys.** A mapping that repeats a key is an error naming the key and its line,
  in YAML and in JSON alike (the standard loaders silently keep the last value).
* **Bounded aliases and nesting.** YAML anchors and aliases are measured as they are composed,
  before anything is built from them: more than :data:`MAX_EXPANDED_NODES` nodes or
  :data:`MAX_EXPANDED_SIZE` characters once aliases are expanded (a "billion laughs" document,
  or one long string anchored once and aliased thousands of times), a recursive alias, or
  nesting deeper than :data:`MAX_NESTING_DEPTH` levels is an error. Since an alias-free document
  is at most twice its text in that measure, no template under the size limit grows past
  :data:`MAX_EXPANDED_SIZE` (two times :data:`TEMPLATE_S3_MAX_BYTES`) through aliases, and its
  parsed data prints (``repr()``) in a few times its size. The composer is pure Python (fed by
  libyaml's event parser when it is installed), so deep nesting can never overflow the C stack;
  a document so deep that libyaml refuses it first gets the same nesting error as with the
  pure-Python parser. JSON (templates, and ``InputParameters`` strings) is scanned for its depth
  before it is read. Parsing the densest 300 KB templates peaks under 64 MB of memory.
* **Typed errors only.** Whatever the arguments, the constructors raise only
  :class:`orgconfig.errors` exceptions: an argument of the wrong type or form is a
  :class:`~orgconfig.errors.TemplateError` whose ``field`` names the parameter (``"text"``,
  ``"path"``, ``"source"``, ``"s3_uri"``...), and a path that is not a regular file (a
  directory, a FIFO, a device) is refused without blocking on it.
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

import errno
import hashlib
import os
import re
import stat
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
    MAX_EXPANDED_SIZE,
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
    check_size,
    decode,
    parse,
    raise_too_large,
)

__all__ = [
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
            ``str(error)`` names first. An argument of the wrong type or form is one too, its
            ``field`` naming the argument: ``body`` not a str, ``source`` not a str or None,
            ``s3_uri`` not of the form ``s3://bucket/key``.

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
        _check_text(self.body, "body", self.source)
        _check_source(self.source)
        if self.s3_uri is not None:
            _split_s3_uri(self.s3_uri, field="s3_uri")
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
        try:
            checked = check(document, path)
        except RecursionError as e:  # only when the caller's own stack was already deep
            raise errors.TemplateError(
                f"The template nests too deeply to be checked here (at most {MAX_NESTING_DEPTH} "
                "levels)",
                path=path,
            ) from e
        object.__setattr__(self, "_size_bytes", len(data))
        object.__setattr__(self, "_sha256", hashlib.sha256(data).hexdigest())
        object.__setattr__(self, "_rules", checked.rules)
        object.__setattr__(self, "_remediations", checked.remediations)
        object.__setattr__(self, "_parameters", FrozenDict(checked.parameters))
        object.__setattr__(self, "_warnings", tuple(checked.issues))

    # -- named constructors -----------------------------------------------------------------

    @classmethod
    def from_string(cls, text: str | bytes | bytearray, *, source: str | None = None) -> Template:
        """Parse a template from its text, or from its bytes (which must be UTF-8).

        ``source`` names the template in error messages (``TemplateError.path``). ``text`` of
        another type than str or bytes (or ``bytearray``) is a
        :class:`~orgconfig.errors.TemplateError` with ``field="text"``; a ``source`` that is
        not a str, one with ``field="source"``.

        Example::

            template = Template.from_string(body_bytes, source="my-pack.yaml")
        """
        _check_source(source)
        _check_text(text, "text", source, binary=True)
        if isinstance(text, (bytes, bytearray)):
            text = decode(bytes(text), source)
        return cls(body=text, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Template:
        """Read and parse a template file.

        ``path`` is a str, bytes or a path-like object. The size is checked before the file is
        read. A missing or unreadable file, or one that is not a regular file (a directory, a
        FIFO, a device: refused without waiting on it), is a
        :class:`~orgconfig.errors.TemplateError` (``field="template"``, ``path`` set to the file)
        with the :class:`OSError` as its cause, not a bare ``FileNotFoundError``: every way a
        template can fail to load is one error type. A ``path`` of another type is a
        :class:`~orgconfig.errors.TemplateError` with ``field="path"``.

        Example::

            template = Template.from_file("packs/s3.yaml")
        """
        name = _path_name(path)
        data = _read_file(name)
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
        if session is not None and not isinstance(session, boto3.Session):
            raise errors.TemplateError(
                f"session must be a boto3.Session or None, not {type(session).__name__}",
                field="session",
                path=uri,
            )
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


def _split_s3_uri(uri: object, *, field: str = "template_s3_uri") -> tuple[str, str]:
    if not isinstance(uri, str):
        raise errors.TemplateError(
            f"The template S3 URI must be a str of the form s3://bucket/key, not "
            f"{type(uri).__name__}",
            field=field,
        )
    if len(uri) > TEMPLATE_S3_URI_MAX_LENGTH:
        raise errors.TemplateError(
            f"The template S3 URI is {len(uri):,} characters long; TemplateS3Uri may be at most "
            f"{TEMPLATE_S3_URI_MAX_LENGTH:,}",
            field=field,
            path=uri,
        )
    match = _S3_URI.fullmatch(uri)
    if match is None:
        raise errors.TemplateError(
            f"{uri!r} is not an S3 URI of the form s3://bucket/key",
            field=field,
            path=uri,
        )
    return match["bucket"], match["key"]


def _check_text(text: object, field: str, source: str | None, *, binary: bool = False) -> None:
    """Refuse a template text that is not a str (or, when ``binary``, bytes)."""
    kinds = (str, bytes, bytearray) if binary else (str,)
    if not isinstance(text, kinds):
        wanted = "a str or bytes" if binary else "a str"
        raise errors.TemplateError(
            f"{field} must be {wanted} (the template text), not {type(text).__name__}",
            field=field,
            path=source,
        )


def _check_source(source: object) -> None:
    if source is not None and not isinstance(source, str):
        raise errors.TemplateError(
            f"source must be a str naming the template, or None, not {type(source).__name__}",
            field="source",
        )


def _path_name(path: object) -> str:
    """The file name of ``path``: a str, bytes or path-like object; anything else is refused."""
    try:
        name = os.fspath(path)  # type: ignore[call-overload]  # any object: fspath's TypeError is the check
    except TypeError:
        raise errors.TemplateError(
            f"path must be a str or a path-like object, not {type(path).__name__}",
            field="path",
        ) from None
    return os.fsdecode(name)


def _read_file(name: str) -> bytes:
    """Read at most the size limit from the regular file ``name``; any failure is typed.

    The file is opened without blocking (a FIFO with no writer would block ``open()`` for
    ever) and refused unless it is a regular file; its size is checked before it is read.
    """
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(name, flags)
    except FileNotFoundError as e:
        raise errors.TemplateError(f"The template file {shown} does not exist", path=shown) from e
    except (OSError, ValueError) as e:  # ValueError: a NUL or an unencodable character
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise errors.TemplateError(
            f"The template file {shown} cannot be read: {reason}", path=shown
        ) from e
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise _not_regular(status.st_mode, name)
        check_size(status.st_size, shown)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read(TEMPLATE_S3_MAX_BYTES + 1)
    except OSError as e:
        raise errors.TemplateError(
            f"The template file {shown} cannot be read: {e.strerror or e}", path=shown
        ) from e
    finally:
        os.close(descriptor)


def _not_regular(mode: int, name: str) -> OSError:
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) else "a socket"
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)):
        kind = "a special file"
    return OSError(errno.EINVAL, f"it is {kind}, not a regular file", name)
