"""Targets: which accounts of the organization a conformance pack or rule is deployed to.

AWS Config's organization APIs know one way to say it: ``ExcludedAccounts``, up to 1,000 account
ids left out of the whole organization. :class:`Targets` says it the way organizations are
run, and :meth:`~orgconfig.Organization.resolve` turns it into ``ExcludedAccounts`` at put time.

The semantics, in full:

* **selectors**: an OU (by id ``ou-...``, or by path ``Root/Workloads/Prod``: the OU and every OU
  nested under it; the root, ``Root`` or ``r-...``, is the whole organization), an account id,
  or a tag ``key: value`` (the accounts that carry that tag with that value);
* **included** = the accounts matched by any include selector (``ous``, ``accounts``, ``tags``),
  or every account when no include selector is given;
* minus the accounts matched by any exclude selector (``exclude_ous``, ``exclude_accounts``,
  ``exclude_tags``): exclusion wins;
* **excluded** (what the API receives) = every other account of the organization, the
  complement of the included ones. More than 1,000 is refused: the API cannot say it.

An account that joins the organization later gets every organization pack and rule unless it is
excluded: re-resolve (:mod:`orgconfig.resolution`: ``changes_since``, ``drift_from``) and put
again to keep a deployment within its targets.

:func:`targets_to_tag` and :func:`targets_from_tags` record targets on the pack or rule itself
(a tag of at most 256 characters, readable and decodable), so that a later read shows what it
was deployed with; see ``docs/targets.md`` for the format.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from orgconfig import _checks as checks
from orgconfig import _limits as limits
from orgconfig import errors
from orgconfig.directory import ROOT_NAME

__all__ = [
    "MAX_EXCLUDED_ACCOUNTS",
    "TARGETS_TAG_KEY",
    "Targets",
    "targets_digest",
    "targets_from_tags",
    "targets_match_tags",
    "targets_to_tag",
    "targets_to_tags",
]

MAX_EXCLUDED_ACCOUNTS = limits.ACCOUNTS_MAX
"""At most this many accounts can be excluded from an organization pack or rule (1,000)."""

TARGETS_TAG_KEY = "orgconfig:targets"
"""The tag that records the targets a pack or rule was deployed with."""

_OU_ID = r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}"
_ROOT_ID = r"r-[0-9a-z]{4,32}"
_SELECTORS_MAX = limits.ACCOUNTS_MAX
_PATH_MAX = 4096  # 5 levels of OUs (AWS's maximum) of 128-character names, with room to spare


def _ou_check(value: str) -> str | None:
    if re.fullmatch(_OU_ID, value) or re.fullmatch(_ROOT_ID, value):
        return None
    if value == ROOT_NAME or value.startswith(ROOT_NAME + "/"):
        if len(value) > _PATH_MAX:
            return f"{checks.show(value)} is {len(value):,} characters long; the limit is 4,096"
        if "" in value.split("/"):
            return (
                f"{checks.show(value)} has an empty OU name in it (two '/' in a row, or a last '/')"
            )
        return None
    return (
        f"{checks.show(value)} is not an OU: give its id (ou-...), the root's (r-...), or its "
        f"path from the root, such as 'Root/Workloads/Prod'"
    )


_OU: tuple[checks.Check, ...] = (checks.is_a(str, "a string"), _ou_check)


def _ous_in(value: Iterable[str]) -> tuple[str, ...]:
    return checks.tuple_of(value, "ous")


def _ous_out(value: Iterable[str]) -> tuple[str, ...]:
    return checks.tuple_of(value, "exclude_ous")


def _accounts_in(value: Iterable[str]) -> tuple[str, ...]:
    return checks.tuple_of(value, "accounts")


def _accounts_out(value: Iterable[str]) -> tuple[str, ...]:
    return checks.tuple_of(value, "exclude_accounts")


def _tags_in(value: Mapping[str, str]) -> Mapping[str, str]:
    return checks.mapping_of(value, "tags")


def _tags_out(value: Mapping[str, str]) -> Mapping[str, str]:
    return checks.mapping_of(value, "exclude_tags")


_OUS = checks.items(*_OU, limit=_SELECTORS_MAX, noun="OU", unique=True)
_ACCOUNTS = checks.items(*checks.ACCOUNT, limit=_SELECTORS_MAX, noun="account", unique=True)


@attrs.frozen
class Targets:
    """The accounts a pack or rule is deployed to, by OU, account and account tag.

    ``Targets()`` is the whole organization. Lists compare as sets (their order means
    nothing). Included are the accounts any include selector
    matches (every account when there is none), minus those any exclude selector matches; see
    :mod:`orgconfig.targets` for the full semantics.

    Attributes:
        ous: OUs to include, nested OUs with them: ids (``ou-...``) or paths
            (``Root/Workloads/Prod``).
        accounts: account ids to include.
        tags: account tags to include: an account carrying any one of them is included.
        exclude_ous: OUs to leave out, nested OUs with them.
        exclude_accounts: account ids to leave out.
        exclude_tags: account tags to leave out: an account carrying any one of them is out.

    Raises:
        ValidationError: a malformed OU, account id or tag (``field`` names it, such as
            ``"ous[1]"``), or the same OU, account or tag both included and excluded.

    Example::

        targets = Targets(
            ous=["Root/Workloads"],
            exclude_ous=["Root/Workloads/Sandbox"],
            exclude_tags={"lifecycle": "closing"},
        )
        resolution = org.resolve(targets)
        resolution.excluded_accounts      # what ExcludedAccounts receives
    """

    # Lists compare (and hash) as sets: their order means nothing.
    ous: tuple[str, ...] = attrs.field(
        default=(), converter=_ous_in, validator=_OUS, eq=checks.as_set
    )
    accounts: tuple[str, ...] = attrs.field(
        default=(), converter=_accounts_in, validator=_ACCOUNTS, eq=checks.as_set
    )
    tags: Mapping[str, str] = attrs.field(
        default=checks.EMPTY, converter=_tags_in, validator=checks.tags()
    )
    exclude_ous: tuple[str, ...] = attrs.field(
        default=(), converter=_ous_out, validator=_OUS, eq=checks.as_set
    )
    exclude_accounts: tuple[str, ...] = attrs.field(
        default=(), converter=_accounts_out, validator=_ACCOUNTS, eq=checks.as_set
    )
    exclude_tags: Mapping[str, str] = attrs.field(
        default=checks.EMPTY, converter=_tags_out, validator=checks.tags()
    )

    def __attrs_post_init__(self) -> None:
        for include, exclude, label in (
            (self.ous, self.exclude_ous, "exclude_ous"),
            (self.accounts, self.exclude_accounts, "exclude_accounts"),
        ):
            for i, item in enumerate(exclude):
                if item in include:
                    raise checks.fail(f"{label}[{i}]", f"{item!r} is both included and excluded")
        for tag_key, value in self.exclude_tags.items():
            if self.tags.get(tag_key) == value:
                raise checks.fail(
                    f"exclude_tags[{checks.subscript(tag_key)}]",
                    f"{tag_key}={value!r} is both included and excluded",
                )

    @property
    def is_everything(self) -> bool:
        """Whether these targets are the whole organization (no selector at all)."""
        return not (self.has_includes or self.has_excludes)

    @property
    def has_includes(self) -> bool:
        """Whether any include selector is given (else every account is included)."""
        return bool(self.ous or self.accounts or self.tags)

    @property
    def has_excludes(self) -> bool:
        """Whether any exclude selector is given."""
        return bool(self.exclude_ous or self.exclude_accounts or self.exclude_tags)

    @property
    def uses_tags(self) -> bool:
        """Whether resolving these targets needs the accounts' tags (one call per account)."""
        return bool(self.tags or self.exclude_tags)


# -- recording targets in tags --------------------------------------------------------------

_VERSION = "v1"
_SAFE = re.compile(r"[A-Za-z0-9_./@-]")
_FIELDS = (
    ("o", "ous"),
    ("a", "accounts"),
    ("t", "tags"),
    ("xo", "exclude_ous"),
    ("xa", "exclude_accounts"),
    ("xt", "exclude_tags"),
)
_DIGEST = "sha256:"
_PARTS = "parts:"
_DEFAULT_MAX_PARTS = 8


def _escape(text: str) -> str:
    out: list[str] = []
    for char in text:
        if _SAFE.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"={byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _unescape(text: str, label: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "=":
            pair = text[i + 1 : i + 3]
            if not re.fullmatch(r"[0-9A-F]{2}", pair):
                raise checks.fail(
                    label, f"a bad escape {text[i : i + 3]!r} in the recorded targets"
                )
            raw.append(int(pair, 16))
            i += 3
        else:
            raw.extend(text[i].encode("utf-8"))
            i += 1
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise checks.fail(label, "the recorded targets are not valid UTF-8") from e


def _encode(targets: Targets) -> str:
    """The canonical text of ``targets``: fields in a fixed order, items sorted."""
    tokens = [_VERSION]
    for short, name in _FIELDS:
        value = getattr(targets, name)
        if not value:
            continue
        if isinstance(value, Mapping):
            items = [f"{_escape(k)}:{_escape(v)}" for k, v in sorted(value.items())]
        else:
            items = [_escape(item) for item in sorted(value)]
        tokens.append(f"{short}:{'+'.join(items)}")
    return " ".join(tokens)


def _decode(text: str, label: str) -> Targets:
    tokens = text.split(" ")
    if tokens[0] != _VERSION:
        raise checks.fail(
            label,
            f"recorded targets of an unknown format {tokens[0]!r}: written by a newer orgconfig?",
        )
    names = dict(_FIELDS)
    given: dict[str, Any] = {}
    for token in tokens[1:]:
        short, sep, rest = token.partition(":")
        if not sep or short not in names or names[short] in given or not rest:
            raise checks.fail(label, f"cannot read {checks.show(token)} in the recorded targets")
        items = rest.split("+")
        if short.endswith("t"):
            pairs = [item.split(":") for item in items]
            if any(len(pair) != 2 for pair in pairs):  # a key and a value
                raise checks.fail(label, f"a malformed tag in {checks.show(token)}")
            given[names[short]] = {_unescape(k, label): _unescape(v, label) for k, v in pairs}
        else:
            given[names[short]] = [_unescape(item, label) for item in items]
    try:
        return Targets(**given)
    except errors.ValidationError as e:
        raise checks.fail(label, f"the recorded targets are not valid: {e}") from e


def targets_digest(targets: Targets) -> str:
    """Return the SHA-256 (hex) of the canonical encoding of ``targets``."""
    return hashlib.sha256(_encode(targets).encode("utf-8")).hexdigest()


def targets_to_tags(targets: Targets, *, max_parts: int = _DEFAULT_MAX_PARTS) -> dict[str, str]:
    """Return the tags that record ``targets`` on a pack or rule.

    One tag, :data:`TARGETS_TAG_KEY`, when the encoding fits its 256 characters. Otherwise that
    tag holds ``v1 sha256:<digest> parts:<n>`` and the encoding is split over ``n`` more tags,
    ``orgconfig:targets:1`` to ``orgconfig:targets:<n>``; when even ``max_parts`` tags would
    not hold it, the digest alone is recorded (``parts:0``): :func:`targets_match_tags` can
    still tell whether given targets are the ones deployed.

    Example::

        targets_to_tags(Targets(ous=["Root/Workloads/Prod"]))
        # {'orgconfig:targets': 'v1 o:Root/Workloads/Prod'}
    """
    text = _encode(targets)
    limit = limits.TAG_VALUE_MAX
    if len(text) <= limit:
        return {TARGETS_TAG_KEY: text}
    parts = [text[i : i + limit] for i in range(0, len(text), limit)]
    if len(parts) > max_parts:
        parts = []
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    tags = {TARGETS_TAG_KEY: f"{_VERSION} {_DIGEST}{digest} {_PARTS}{len(parts)}"}
    tags.update({f"{TARGETS_TAG_KEY}:{i}": part for i, part in enumerate(parts, start=1)})
    return tags


def targets_to_tag(targets: Targets) -> tuple[str, str]:
    """Return the one tag (key, value) that records ``targets``, at most 256 characters.

    The encoding itself when it fits; otherwise ``v1 sha256:<digest> parts:0``, the digest
    alone (use :func:`targets_to_tags` to record the whole encoding over several tags).

    Example::

        targets_to_tag(Targets(exclude_accounts=["111122223333"], tags={"env": "prod"}))
        # ('orgconfig:targets', 'v1 t:env:prod xa:111122223333')
    """
    tags = targets_to_tags(targets, max_parts=0)
    return TARGETS_TAG_KEY, tags[TARGETS_TAG_KEY]


def _recorded(tags: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(full encoding or None, digest or None) recorded in ``tags``."""
    label = f"tags[{TARGETS_TAG_KEY!r}]"
    value = tags.get(TARGETS_TAG_KEY)
    if value is None:
        return None, None
    head = f"{_VERSION} {_DIGEST}"
    if not value.startswith(head):
        return value, None
    match = re.fullmatch(rf"{head}([0-9a-f]{{64}}) {_PARTS}([0-9]+)", value)
    if match is None:
        raise checks.fail(label, f"cannot read the recorded targets {checks.show(value)}")
    digest, count = match.group(1), int(match.group(2))
    if count == 0:
        return None, digest
    pieces = [tags.get(f"{TARGETS_TAG_KEY}:{i}") for i in range(1, count + 1)]
    missing = [i for i, piece in enumerate(pieces, start=1) if piece is None]
    if missing:
        raise checks.fail(label, f"the recorded targets miss part(s) {missing} of {count}")
    text = "".join(piece or "" for piece in pieces)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        raise checks.fail(label, "the recorded targets do not match their digest (edited?)")
    return text, digest


def targets_from_tags(tags: Mapping[str, str]) -> Targets | None:
    """Return the targets recorded in ``tags`` (as written by :func:`targets_to_tags`).

    None when no targets are recorded, or only their digest (``parts:0``: compare with
    :func:`targets_match_tags`).

    Raises:
        ValidationError: the recorded targets cannot be read (``field`` is
            ``"tags['orgconfig:targets']"``): a missing part, an edited value, an unknown format.
    """
    text, _digest = _recorded(tags)
    return None if text is None else _decode(text, f"tags[{TARGETS_TAG_KEY!r}]")


def targets_match_tags(targets: Targets, tags: Mapping[str, str]) -> bool | None:
    """Whether ``tags`` record exactly ``targets``; None when they record no targets."""
    text, digest = _recorded(tags)
    if text is not None:
        return _encode(_decode(text, f"tags[{TARGETS_TAG_KEY!r}]")) == _encode(targets)
    if digest is not None:
        return digest == targets_digest(targets)
    return None
