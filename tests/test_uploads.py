"""Uploading templates to S3 under content-derived keys (orgconfig._uploads, orgconfig._aws.s3)."""

from __future__ import annotations

import collections
from typing import Any

import pytest

from orgconfig import errors
from orgconfig._uploads import SHA256_METADATA, TEMPLATE_PREFIX, template_key, upload_template
from orgconfig.templates import Template
from orgconfig.testing import Sandbox

BUCKET = "org-templates"


def _counting(client: Any) -> collections.Counter[str]:
    """Count the S3 operations ``client`` makes."""
    calls: collections.Counter[str] = collections.Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.s3", count)
    return calls


@pytest.fixture
def s3(sb: Sandbox) -> Any:
    """An S3 client of the management account with an empty template bucket."""
    client = sb.client("s3", region="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def test_the_key_is_the_sha256_of_the_body(template: Template) -> None:
    """A YAML template's key is the prefix, its SHA-256 and .yaml."""
    assert template_key(template) == f"{TEMPLATE_PREFIX}{template.sha256}.yaml"
    assert template_key(template, prefix="") == f"{template.sha256}.yaml"


def test_a_json_template_gets_a_json_key() -> None:
    """A template whose text is a JSON object is stored as .json."""
    body = (
        '{"Resources": {"R": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": '
        '{"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}}}}}'
    )
    assert template_key(Template.from_string(body)).endswith(".json")


def test_line_endings_change_the_key(template: Template) -> None:
    """The key follows the exact bytes: CRLF and LF copies of a template have different keys."""
    crlf = Template.from_string(template.body.replace("\n", "\r\n"))
    assert template_key(crlf) != template_key(template)
    assert template_key(Template.from_string(template.body)) == template_key(template)


def test_upload_stores_the_body_and_returns_the_uri(s3: Any, template: Template) -> None:
    """The object at the returned URI holds the template's bytes and its digest as metadata."""
    uri = upload_template(s3, template, BUCKET)
    key = template_key(template)
    assert uri == f"s3://{BUCKET}/{key}"
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == template.body.encode()
    assert stored["Metadata"] == {SHA256_METADATA: template.sha256}
    assert Template.from_s3_uri(uri, session=None).sha256 == template.sha256


def test_a_second_upload_makes_no_put(s3: Any, template: Template) -> None:
    """An unchanged template is looked up with HeadObject and not uploaded again."""
    calls = _counting(s3)
    first = upload_template(s3, template, BUCKET)
    second = upload_template(s3, template, BUCKET)
    assert first == second
    assert calls["PutObject"] == 1
    assert calls["HeadObject"] == 2


def test_an_object_of_another_size_is_replaced(s3: Any, template: Template) -> None:
    """An object at the key with other content is overwritten by the template."""
    key = template_key(template)
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"something else")
    upload_template(s3, template, BUCKET)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == template.body.encode()


def test_an_object_with_another_digest_is_replaced(s3: Any, template: Template) -> None:
    """Same size but another recorded digest is not the template: it is uploaded."""
    key = template_key(template)
    size = template.size_bytes
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * size, Metadata={SHA256_METADATA: "0" * 64})
    calls = _counting(s3)
    upload_template(s3, template, BUCKET)
    assert calls["PutObject"] == 1


def test_a_missing_bucket_is_not_found(sb: Sandbox, template: Template) -> None:
    """Uploading to a bucket that does not exist raises NotFoundError, not a ClientError."""
    client = sb.client("s3", region="us-east-1")
    with pytest.raises(errors.NotFoundError):
        upload_template(client, template, "no-such-bucket-here")


@pytest.mark.parametrize("bucket", ["UPPER", "ab", "a..b", "192.168.1.1", "-dash", 3])
def test_a_malformed_bucket_is_a_validation_error(template: Template, bucket: Any) -> None:
    """A bucket name S3 would refuse is refused before any call."""
    with pytest.raises(errors.ValidationError) as caught:
        upload_template(None, template, bucket)  # type: ignore[arg-type]  # no client: refused first
    assert caught.value.field == "bucket"


@pytest.mark.parametrize("prefix", ["/abs/", "x" * 1000, "tab\there", None])
def test_a_malformed_prefix_is_a_validation_error(template: Template, prefix: Any) -> None:
    """A prefix starting with '/', too long, with control characters or not a str is refused."""
    with pytest.raises(errors.ValidationError) as caught:
        upload_template(None, template, BUCKET, prefix=prefix)  # type: ignore[arg-type]  # no client: refused first
    assert caught.value.field == "prefix"


@pytest.mark.parametrize("given", ["Resources: {}\n", b"Resources: {}\n", None, {"Resources": {}}])
def test_a_template_that_is_not_a_template_is_a_validation_error(s3: Any, given: Any) -> None:
    """Text, bytes or a mapping given as the template are refused before S3 is called."""
    calls = _counting(s3)
    with pytest.raises(errors.ValidationError) as caught:
        upload_template(s3, given, BUCKET)
    assert caught.value.field == "template"
    assert f"must be an orgconfig.templates.Template, not {type(given).__name__}" in str(
        caught.value
    )
    if isinstance(given, (str, bytes)):
        assert "Template.from_string first" in str(caught.value)
    with pytest.raises(errors.ValidationError, match=r"must be an orgconfig\.templates\.Template"):
        template_key(given)
    assert sum(calls.values()) == 0
