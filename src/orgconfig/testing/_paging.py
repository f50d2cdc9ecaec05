"""Limit and NextToken, as AWS Config pages its Describe and Get calls.

``Limit`` (0 means the default, 100) and ``NextToken`` page a listing; a token is an offset tied
to a fingerprint of the query that produced it, so a token given to another query (or a forged
one) is refused with ``InvalidNextTokenException``. A token also carries the (virtual) time it
was issued: used more than ``ttl`` seconds later, it has expired and is refused the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from orgconfig.testing._errors import ServiceError

__all__ = ["DEFAULT_NEXT_TOKEN_TTL", "DEFAULT_PAGE_SIZE", "page", "with_token"]

DEFAULT_PAGE_SIZE = 100
"""The page size when a request gives no ``Limit`` (or 0)."""

DEFAULT_NEXT_TOKEN_TTL = 3600.0
"""How long a ``NextToken`` stays valid, in seconds (modelled: AWS does not publish it)."""


def page(
    items: Sequence[Any],
    params: Mapping[str, Any],
    query: Sequence[object],
    *,
    limit_key: str = "Limit",
    now: float = 0.0,
    ttl: float | None = None,
) -> tuple[list[Any], str | None]:
    """Return the page of ``items`` that ``params`` asks for, and the next token (or None).

    ``query`` identifies the listing (operation, caller, filters...): a token is valid only for
    the query that produced it, and only until ``ttl`` seconds (None: forever) after ``now`` of
    the request that issued it. The range of ``Limit`` is checked with the rest of the request.
    """
    size = int(params.get(limit_key) or DEFAULT_PAGE_SIZE)
    fingerprint = hashlib.sha256(json.dumps([str(q) for q in query]).encode("utf-8")).hexdigest()[
        :16
    ]
    offset = 0
    token = params.get("NextToken")
    if token:
        offset = _decode_token(token, fingerprint, len(items), now, ttl)
    selected = list(items[offset : offset + size])
    next_offset = offset + size
    next_token = _encode_token(next_offset, fingerprint, now) if next_offset < len(items) else None
    return selected, next_token


def with_token(result: dict[str, Any], token: str | None) -> dict[str, Any]:
    """Add ``NextToken`` to a result when there is one; return the result."""
    if token is not None:
        result["NextToken"] = token
    return result


def _encode_token(offset: int, fingerprint: str, issued: float) -> str:
    text = json.dumps({"o": offset, "q": fingerprint, "t": issued}, separators=(",", ":"))
    raw = text.encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


_BAD_TOKEN = "The nextToken provided is invalid"


def _decode_token(token: str, fingerprint: str, total: int, now: float, ttl: float | None) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as e:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN) from e
    if not isinstance(data, dict) or data.get("q") != fingerprint:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    issued = data.get("t")
    if not isinstance(issued, (int, float)) or isinstance(issued, bool):
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    if ttl is not None and now - issued > ttl:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= total:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    return offset
