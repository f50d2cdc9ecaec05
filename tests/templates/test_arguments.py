"""Arguments of the Template constructors: wrong types and forms are typed errors naming them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from orgconfig import errors
from orgconfig.templates import Template
from tests.templates.helpers import DATA, MINIMAL_YAML


@pytest.mark.parametrize("text", [123, None, 1.5, ["a"], object()], ids=lambda v: type(v).__name__)
def test_from_string_refuses_other_types(text: Any) -> None:
    """from_string takes str or bytes; anything else is a TemplateError on 'text'."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string(text)
    assert info.value.field == "text"
    assert info.value.message.startswith("text must be a str or bytes (the template text), not ")


def test_from_string_accepts_a_bytearray() -> None:
    """A bytearray is read like bytes."""
    assert Template.from_string(bytearray(MINIMAL_YAML.encode())).rules


@pytest.mark.parametrize("source", [5, b"x.yaml", Path("x.yaml")], ids=repr)
def test_a_source_that_is_not_a_str_is_refused(source: Any) -> None:
    """source names the template as a str; another type is a TemplateError on 'source'."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_string(MINIMAL_YAML, source=source)
    assert info.value.field == "source"
    with pytest.raises(errors.TemplateError):
        Template(MINIMAL_YAML, source=source)


@pytest.mark.parametrize("body", [5, b"Resources: {}", None], ids=repr)
def test_template_body_must_be_text(body: Any) -> None:
    """Template(body) takes the decoded text; anything else is a TemplateError on 'body'."""
    with pytest.raises(errors.TemplateError) as info:
        Template(body)
    assert info.value.field == "body"


@pytest.mark.parametrize("uri", ["not-an-uri", "s3://bucket-a", "https://b/k", 5, b"s3://b/k"])
def test_template_s3_uri_is_checked_at_construction(uri: Any) -> None:
    """Template(body, s3_uri=...) refuses what is not s3://bucket/key, naming 's3_uri'."""
    with pytest.raises(errors.TemplateError) as info:
        Template(MINIMAL_YAML, s3_uri=uri)
    assert info.value.field == "s3_uri"
    assert "s3://bucket/key" in info.value.message


def test_template_with_a_valid_s3_uri() -> None:
    """A well-formed S3 URI is kept."""
    template = Template(MINIMAL_YAML, s3_uri="s3://bucket-a/packs/p.yaml")
    assert template.s3_uri == "s3://bucket-a/packs/p.yaml"


@pytest.mark.parametrize("uri", [None, 5, b"s3://bucket-a/k"], ids=repr)
def test_from_s3_uri_refuses_a_uri_that_is_not_a_str(uri: Any) -> None:
    """from_s3_uri refuses a non-str URI before any call, on the template_s3_uri field."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri(uri)
    assert info.value.field == "template_s3_uri"


def test_from_s3_uri_refuses_a_session_of_another_type() -> None:
    """session must be a boto3.Session or None."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_s3_uri("s3://bucket-a/k.yaml", session="default")  # type: ignore[arg-type]  # a profile name, not a session
    assert info.value.field == "session"
    assert info.value.message == "session must be a boto3.Session or None, not str"


# ---------------------------------------------------------------------------------------------
# from_file
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [None, 5, 1.5, ["a.yaml"]], ids=repr)
def test_from_file_refuses_a_path_of_another_type(path: Any) -> None:
    """from_file takes a str, bytes or path-like; anything else (even an int fd) is refused."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(path)
    assert info.value.field == "path"
    assert info.value.message.startswith("path must be a str or a path-like object, not ")


def test_from_file_accepts_a_bytes_path() -> None:
    """A bytes path is decoded with the file system encoding and kept as a str."""
    template = Template.from_file(os.fsencode(DATA / "small-pack.yaml"))  # type: ignore[arg-type]  # bytes paths work though not declared
    assert template.source == str(DATA / "small-pack.yaml")


def test_from_file_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    """A FIFO with no writer is refused at once, not waited on."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pack.yaml"
    os.mkfifo(fifo)
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(fifo)
    assert info.value.message == (
        f"The template file {fifo} cannot be read: it is a FIFO, not a regular file"
    )
    assert isinstance(info.value.__cause__, OSError)


def test_from_file_refuses_a_directory(tmp_path: Path) -> None:
    """A directory is refused with IsADirectoryError as the cause."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(tmp_path)
    assert isinstance(info.value.__cause__, IsADirectoryError)
    assert info.value.path == str(tmp_path)


def test_from_file_refuses_a_device() -> None:
    """A character device (which would never end) is refused."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file("/dev/zero")
    assert info.value.message.endswith("it is a device, not a regular file")


def test_from_file_refuses_a_name_with_a_nul() -> None:
    """A path holding a NUL is a TemplateError, its name shown escaped."""
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file("pack\x00.yaml")
    assert info.value.message.startswith("The template file pack\\x00.yaml cannot be read: ")
    assert isinstance(info.value.__cause__, ValueError)


def test_from_file_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file without read permission is a TemplateError caused by the PermissionError."""
    locked = tmp_path / "locked.yaml"
    locked.write_text(MINIMAL_YAML)
    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # What the OS answers a user the mode 000 stops (root is never stopped: simulate it).
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(locked)
    assert isinstance(info.value.__cause__, PermissionError)
    assert info.value.path == str(locked)


def test_from_file_name_with_an_undecodable_byte_prints(tmp_path: Path) -> None:
    """A file name that is not valid UTF-8 gives an error whose text can always be printed."""
    name = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.yaml")
    with pytest.raises(errors.TemplateError) as info:
        Template.from_file(name)
    assert str(info.value).encode("utf-8")  # no lone surrogate in the text
    assert "caf\\udce9.yaml" in info.value.message
