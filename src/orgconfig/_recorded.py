"""What orgconfig records on the packs and rules it puts: the template's hash, and its tags.

AWS Config never returns a conformance pack's template, so every pack put records the
SHA-256 of its template in the tag :data:`TEMPLATE_SHA256_TAG`; :mod:`orgconfig.plan` compares
it with the desired template to see template drift. The hash is taken after CRLF line endings
are turned into LF, so a checkout on Windows is not drift. Every tag whose key starts with
:data:`ORGCONFIG_TAG_PREFIX` is orgconfig's: a pack or rule carrying one is *managed* by
orgconfig (what ``plan(prune=True)`` may delete).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Final

__all__ = [
    "ORGCONFIG_TAG_PREFIX",
    "TEMPLATE_SHA256_TAG",
    "is_managed",
    "normalized_text",
    "template_sha256",
    "user_tags",
]

ORGCONFIG_TAG_PREFIX: Final = "orgconfig:"
"""The prefix of every tag orgconfig writes (the same as ``orgconfig._tagging``'s)."""

TEMPLATE_SHA256_TAG: Final = "orgconfig:template-sha256"
"""The tag recording the SHA-256 of a conformance pack's template (line endings as LF)."""


def normalized_text(text: str) -> str:
    """Return ``text`` with CRLF (and lone CR) line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def template_sha256(body: str) -> str:
    r"""Return the hex SHA-256 of a template's text, insensitive to its line endings.

    Example::

        assert template_sha256("a: 1\\r\\n") == template_sha256("a: 1\\n")
    """
    return hashlib.sha256(normalized_text(body).encode("utf-8")).hexdigest()


def is_managed(tags: Mapping[str, str]) -> bool:
    """Whether ``tags`` carry any of orgconfig's tags (the pack or rule is orgconfig's)."""
    return any(key.startswith(ORGCONFIG_TAG_PREFIX) for key in tags)


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Return ``tags`` without orgconfig's own."""
    return {k: v for k, v in tags.items() if not k.startswith(ORGCONFIG_TAG_PREFIX)}
