"""The names AWS Config knows: resource types and AWS managed rule identifiers.

Two lists, two sources:

* **resource types**, from the ``ResourceType`` enum of botocore's own AWS Config service model
  (the botocore installed, so it grows when botocore is upgraded);
* **managed rule identifiers**, from ``orgconfig/data/managed_rules.txt``, shipped in the wheel.
  It is data, built by ``scripts/build_managed_rules.py`` from AWS's conformance pack templates
  (awslabs/aws-config-rules) and refreshed by running the script again.

Both lists can be older than AWS, so a name missing from one is a warning
(:class:`~orgconfig.UnknownNameWarning`, naming the closest known name), never an error. A
resource type that cannot be one at all (not ``Org::Service::Type`` shaped, such as
``S3::Bucket``) is an error: AWS refuses it in every member account.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from typing import Final

from orgconfig import _checks as checks
from orgconfig._warnings import UnknownNameWarning, warn

__all__ = [
    "MANAGED_RULES_FILE",
    "RESOURCE_TYPE_SHAPE",
    "managed_rule_identifiers",
    "resource_type_shape",
    "resource_types",
    "unknown_identifier",
    "unknown_resource_type",
    "warn_unknown_identifier",
    "warn_unknown_resource_types",
]

RESOURCE_TYPE_SHAPE: Final = re.compile(r"[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+")
"""What a resource type looks like: three names joined by ``::`` (``AWS::S3::Bucket``)."""

MANAGED_RULES_FILE: Final = "managed_rules.txt"
"""The file of ``orgconfig/data`` that lists the AWS managed rule identifiers, one a line."""


@functools.cache
def resource_types() -> frozenset[str]:
    """Every resource type of botocore's AWS Config model (``ResourceType``)."""
    import botocore.session  # noqa: PLC0415  (botocore on first use)

    model = botocore.session.get_session().get_service_model("config")
    enum: list[str] = getattr(model.shape_for("ResourceType"), "enum", [])
    return frozenset(enum)


@functools.cache
def managed_rule_identifiers() -> frozenset[str]:
    """Every AWS managed rule identifier of the shipped list."""
    text = (resources.files("orgconfig") / "data" / MANAGED_RULES_FILE).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def resource_type_shape(value: object) -> str | None:
    """A :data:`~orgconfig._checks.Check`: the value is ``Org::Service::Type`` shaped."""
    if not isinstance(value, str) or RESOURCE_TYPE_SHAPE.fullmatch(value):
        return None
    near = checks.closest(value, resource_types()) or _prefixed(value)
    hint = f"; did you mean {near!r}?" if near else ""
    return (
        f"{checks.show(value)} is not a resource type: AWS Config resource types read "
        f"AWS::Service::Type{hint}"
    )


def _prefixed(value: str) -> str | None:
    """``AWS::`` + value when that is a known type (``S3::Bucket`` -> ``AWS::S3::Bucket``)."""
    candidate = f"AWS::{value}"
    return candidate if candidate in resource_types() else None


def unknown_resource_type(value: str) -> tuple[str, str | None] | None:
    """For a well-shaped type botocore's model does not list: (message, closest) else None."""
    if value in resource_types() or not RESOURCE_TYPE_SHAPE.fullmatch(value):
        return None
    near = checks.closest(value, resource_types())
    hint = f"; did you mean {near!r}?" if near else ""
    return (
        f"{value!r} is not a resource type AWS Config lists in botocore's model{hint} (if AWS "
        "added it since, upgrade botocore, or ignore this warning)",
        near,
    )


def unknown_identifier(identifier: str) -> tuple[str, str | None] | None:
    """For an identifier the shipped list lacks: (message, closest known one) else None."""
    known = managed_rule_identifiers()
    if identifier in known:
        return None
    near = checks.closest(identifier, known)
    hint = f"; did you mean {near!r}?" if near else ""
    return (
        f"{checks.show(identifier)} is not an AWS managed rule identifier orgconfig knows{hint} "
        "(AWS refuses an organization rule with an unknown identifier at the put, with "
        "InvalidParameterValueException; in a conformance pack template, it fails in each "
        "member account; if AWS added it since, ignore this warning)",
        near,
    )


def warn_unknown_resource_types(values: Iterable[str], label: str = "resource_types") -> None:
    """Warn (:class:`~orgconfig.UnknownNameWarning`) for each type botocore's model lacks."""
    for i, value in enumerate(values):
        found = unknown_resource_type(value)
        if found is not None:
            field = f"{label}[{i}]"
            message, near = found
            warn(
                UnknownNameWarning(f"{field}: {message}", field=field, name=value, suggestion=near)
            )


def warn_unknown_identifier(identifier: str, label: str = "identifier") -> None:
    """Warn (:class:`~orgconfig.UnknownNameWarning`) when ``identifier`` is not a known one."""
    found = unknown_identifier(identifier)
    if found is not None:
        message, near = found
        warn(
            UnknownNameWarning(f"{label}: {message}", field=label, name=identifier, suggestion=near)
        )
