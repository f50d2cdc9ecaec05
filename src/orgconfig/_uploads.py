"""Uploading conformance pack templates to S3, under a key derived from their content.

A template too large for ``TemplateBody`` (over 51,200 bytes) is sent as ``TemplateS3Uri``: it
is stored at ``s3://<bucket>/<prefix><sha256>.<yaml|json>``, where ``sha256`` is
:attr:`Template.sha256 <orgconfig.templates.Template.sha256>`, the SHA-256 of exactly the bytes
uploaded (the UTF-8 body, a byte order mark and CRLF line endings included). The key is
therefore a function of the content alone: the same template always gets the same key, and an
object at that key always holds exactly that template. Line endings are not normalised, on
purpose: normalising would either upload other bytes than the template the user gave, or put
two different byte strings under one key; a template saved once with LF and once with CRLF is
uploaded twice, which costs one ``PutObject``.

Before uploading, a ``HeadObject`` looks for the key: an object of the same size (and, when it
carries orgconfig's ``x-amz-meta-orgconfig-sha256``, the same digest) is the template already,
and is not uploaded again. Uploads carry a SHA-256 checksum that S3 verifies on arrival.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from orgconfig import errors
from orgconfig._aws import s3 as _s3
from orgconfig._limits import TEMPLATE_S3_URI_MAX_LENGTH

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from orgconfig.templates import Template

__all__ = [
    "SHA256_METADATA",
    "TEMPLATE_PREFIX",
    "check_bucket_name",
    "check_prefix",
    "template_key",
    "upload_template",
]

TEMPLATE_PREFIX: Final = "orgconfig/templates/"
"""Where :func:`upload_template` puts templates in a bucket unless told otherwise."""

SHA256_METADATA: Final = "orgconfig-sha256"
"""The user metadata key an uploaded template carries its SHA-256 (hex) in."""

_BUCKET: Final = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_IP_LIKE: Final = re.compile(r"\d+\.\d+\.\d+\.\d+")
_KEY_MAX_BYTES: Final = 1024


def check_bucket_name(bucket: object, *, field: str = "bucket") -> str:
    """Return ``bucket`` if it is a valid S3 bucket name; else raise ``ValidationError``."""
    if not isinstance(bucket, str):
        raise errors.ValidationError(
            f"{field} must be an S3 bucket name (str), not {type(bucket).__name__}", field=field
        )
    if not _BUCKET.fullmatch(bucket) or ".." in bucket or _IP_LIKE.fullmatch(bucket):
        raise errors.ValidationError(
            f"{bucket!r} is not a valid S3 bucket name: 3 to 63 lower-case letters, digits, "
            "dots and hyphens, starting and ending with a letter or digit",
            field=field,
        )
    return bucket


def check_prefix(prefix: object, *, field: str = "prefix") -> str:
    """Return ``prefix`` if it can start an S3 key (``""`` included); else raise."""
    if not isinstance(prefix, str):
        raise errors.ValidationError(
            f"{field} must be a str, not {type(prefix).__name__}", field=field
        )
    if prefix.startswith("/") or len(prefix.encode("utf-8", "replace")) > _KEY_MAX_BYTES - 80:
        raise errors.ValidationError(
            f"{field} {prefix!r} must not start with '/' and must leave room for a file name in "
            f"S3's {_KEY_MAX_BYTES}-byte keys",
            field=field,
        )
    if any(not char.isprintable() for char in prefix):
        raise errors.ValidationError(f"{field} {prefix!r} holds a control character", field=field)
    return prefix


def _check_template(template: object) -> None:
    from orgconfig.templates import Template  # noqa: PLC0415  (the templates import on use)

    if not isinstance(template, Template):
        hint = (
            " (load text with orgconfig.templates.Template.from_string first)"
            if isinstance(template, (str, bytes))
            else ""
        )
        raise errors.ValidationError(
            f"template must be an orgconfig.templates.Template, not {type(template).__name__}"
            f"{hint}",
            field="template",
        )


def template_key(template: Template, *, prefix: str = TEMPLATE_PREFIX) -> str:
    """Return the S3 key :func:`upload_template` stores ``template`` under.

    ``<prefix><sha256>.json`` for a JSON template (its text starts with ``{``), else
    ``<prefix><sha256>.yaml``.

    Example::

        assert template_key(template) == f"orgconfig/templates/{template.sha256}.yaml"
    """
    _check_template(template)
    check_prefix(prefix)
    text = template.body.lstrip("\ufeff \t\r\n")
    suffix = "json" if text.startswith("{") else "yaml"
    return f"{prefix}{template.sha256}.{suffix}"


def upload_template(
    s3_client: S3Client, template: Template, bucket: str, *, prefix: str = TEMPLATE_PREFIX
) -> str:
    """Store ``template`` in ``bucket`` unless it is there already; return its ``s3://`` URI.

    The key is :func:`template_key` (derived from the template's SHA-256, so an unchanged
    template is never uploaded twice): a ``HeadObject`` first, then a ``PutObject`` only when no
    object of that key and size is there. Any template may be uploaded, whatever its size; a
    conformance pack put needs it only for those over 51,200 bytes
    (:attr:`Template.needs_s3 <orgconfig.templates.Template.needs_s3>`). The bucket must exist
    (:func:`orgconfig.buckets.ensure_bucket` creates one) and, for the organization's accounts
    to read the template, carry :func:`orgconfig.buckets.template_bucket_policy`.

    Raises:
        ValidationError: a template that is not a :class:`~orgconfig.templates.Template`
            (``field="template"``), a malformed bucket name or prefix, or a URI over the 1,024
            characters ``TemplateS3Uri`` allows (``field="prefix"``).
        NotFoundError: there is no such bucket.
        AccessDeniedError: S3 refused the ``HeadObject`` or the ``PutObject``.
        TransportError: no answer from S3.

    Example::

        uri = upload_template(s3, Template.from_file("big-pack.yaml"), "my-org-templates")
        config.put_organization_conformance_pack(
            OrganizationConformancePackName="big-pack", TemplateS3Uri=uri
        )
    """
    _check_template(template)
    check_bucket_name(bucket)
    key = template_key(template, prefix=prefix)
    uri = f"s3://{bucket}/{key}"
    if len(uri) > TEMPLATE_S3_URI_MAX_LENGTH:
        raise errors.ValidationError(
            f"The template URI would be {len(uri):,} characters; TemplateS3Uri allows "
            f"{TEMPLATE_S3_URI_MAX_LENGTH:,}: use a shorter prefix",
            field="prefix",
        )
    doing = f"Could not upload the template to {uri}"
    found = _s3.head_object(s3_client, bucket, key, doing=doing)
    if found is not None and found.size == template.size_bytes:
        digest = found.metadata.get(SHA256_METADATA)
        if digest is None or digest == template.sha256:
            return uri
    _s3.put_object(
        s3_client,
        bucket,
        key,
        template.body.encode("utf-8"),
        content_type="application/json" if key.endswith(".json") else "application/x-yaml",
        metadata={SHA256_METADATA: template.sha256},
        doing=doing,
    )
    return uri
