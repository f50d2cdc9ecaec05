"""Converters shared by the fields of several models (packs and rules).

Each turns what a caller passes into the immutable form the model stores, naming the field in
the :class:`~orgconfig.errors.ValidationError` it raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from orgconfig import _checks as checks

__all__ = ["excluded_accounts", "tags"]


def excluded_accounts(value: Iterable[str]) -> tuple[str, ...]:
    """The ``excluded_accounts`` of a pack or rule, as a tuple."""
    return checks.tuple_of(value, "excluded_accounts")


def tags(value: Mapping[str, str]) -> Mapping[str, str]:
    """The ``tags`` of a pack or rule, as a read-only mapping."""
    return checks.mapping_of(value, "tags")
