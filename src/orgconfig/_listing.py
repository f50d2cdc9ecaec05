"""What the listing verbs return: :class:`Listing`, a lazy iterator that shows as a table.

``org.conformance_packs.list()``, ``statuses()``, ``account_statuses()`` and ``names()`` (and
the rules' verbs) read AWS page by page, as the caller iterates. A :class:`Listing` keeps that:
it is an iterator (``iter(listing) is listing``) that asks for a page only when the items read
so far are used up. What it adds is display: in IPython (``_repr_pretty_``) and Jupyter
(``_repr_html_``) it shows the items as a table *without consuming them*. Display reads at most
:data:`LOOKAHEAD` items ahead into a buffer (only the pages needed), shows the items not yet
yielded, and says when there are more; iterating afterwards yields the buffered items first,
then goes on reading.

Errors keep their types: an error met while displaying is kept, shown in a note below the
table, and raised by iteration once the items read before it have been yielded. ``repr()``
says what is listed and where, and makes no call.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from orgconfig import _display as display
from orgconfig import _wire, errors, redaction
from orgconfig._aws.config import ConfigApi
from orgconfig._kinds import PACKS, RULES, Kind
from orgconfig._results import account_table
from orgconfig._status import status_text
from orgconfig.models import (
    AccountStatus,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
)

__all__ = [
    "LOOKAHEAD",
    "NAMES_PER_CALL",
    "Listing",
    "Page",
    "account_status_table",
    "account_statuses",
    "described",
    "name_table",
    "names",
    "pack_table",
    "packs",
    "pages",
    "requests",
    "rule_table",
    "rules",
    "status_table",
    "statuses",
]

LOOKAHEAD = display.MAX_ROWS
"""How many items display reads ahead, at most (a table shows as many rows)."""

NAMES_PER_CALL = 25
"""How many names one Describe call may ask for."""

_T = TypeVar("_T")

Page = tuple[Sequence[Any], bool]
"""One page of a listing: its items as AWS gives them, and whether more pages follow."""


def requests(names: Sequence[str] | None, names_param: str) -> list[dict[str, Any]]:
    """Return the Describe requests for ``names`` (None: all), :data:`NAMES_PER_CALL` a call."""
    if names is None:
        return [{}]
    return [
        {names_param: list(names[i : i + NAMES_PER_CALL])}
        for i in range(0, len(names), NAMES_PER_CALL)
    ]


def pages(
    api: ConfigApi, operation: str, key: str, calls: Sequence[Mapping[str, Any]]
) -> Iterator[Page]:
    """Yield the pages of ``operation`` for each request in turn, following ``NextToken``.

    Each page says whether another follows: its ``NextToken``, or a request still to make.
    Nothing is called before the first page is asked for.
    """
    for i, request in enumerate(calls):
        last = i + 1 == len(calls)
        for page in api.pages(operation, request):
            yield page.get(key, []), bool(page.get("NextToken")) or not last


def described(what: str, names: Sequence[str] | None) -> str:
    """Return ``what`` followed by the names asked for, if any (the first three)."""
    if names is None:
        return what
    shown = ", ".join(repr(n) for n in names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} more"
    return f"{what} named {shown}" if names else f"{what} named (no names)"


class Listing(Iterator[_T], Generic[_T]):
    """An iterator over a listing read lazily, page by page, that shows as a table.

    ``iter(listing)`` is the listing itself, and a listing is used once, like a generator:
    ``list(listing)`` reads every page, and a second ``list(listing)`` is empty. In IPython and
    Jupyter it shows (up to 50 of) the items it has not yet yielded, reading only the pages
    needed; they are yielded first when iteration goes on. See ``docs/notebooks.md``.

    Attributes:
        what: what is listed, in words (``"conformance packs"``).
        region: where.
    """

    def __init__(
        self,
        source: Iterator[Page],
        convert: Callable[[Any], _T],
        *,
        what: str,
        region: str,
        table: Callable[[Sequence[_T]], display.Table],
    ) -> None:
        self.what = what
        self.region = region
        self._source = source
        self._convert = convert
        self._table = table
        self._raw: collections.deque[Any] = collections.deque()
        self._ahead: collections.deque[_T] = collections.deque()
        self._more = True  # whether the last page read said more follow (unknown: True)
        self._ended = False
        self._error: Exception | None = None
        self._yielded = 0

    # -- iteration ----------------------------------------------------------------------------

    def __iter__(self) -> Listing[_T]:
        return self

    def __next__(self) -> _T:
        if not self._ahead:
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            if not self._read():
                raise StopIteration
        self._yielded += 1
        return self._ahead.popleft()

    def _read(self) -> bool:
        """Read one more item into the buffer (and a page first, if needed); False at the end."""
        try:
            while not self._raw:
                if self._ended:
                    return False
                page = next(self._source, None)
                if page is None:
                    self._end()
                    return False
                items, self._more = page
                self._raw.extend(items)
            self._ahead.append(self._convert(self._raw.popleft()))
        except BaseException:
            self._end()  # like a generator that raised: nothing more comes after the error
            raise
        return True

    def _end(self) -> None:
        self._ended = True
        self._raw.clear()
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def _look_ahead(self) -> None:
        """Read up to :data:`LOOKAHEAD` items ahead; keep an error for iteration to raise."""
        while len(self._ahead) < LOOKAHEAD and self._error is None:
            try:
                if not self._read():
                    return
            except Exception as error:  # kept: __next__ raises it after the buffered items
                self._error = error

    @property
    def _has_more(self) -> bool:
        """Whether items remain past the buffer (as far as the pages read say)."""
        return self._error is None and not self._ended and (bool(self._raw) or self._more)

    # -- display ------------------------------------------------------------------------------

    def __repr__(self) -> str:
        state = ""
        if self._ahead:
            state = f": {len(self._ahead)} read ahead"
        elif self._ended and self._error is None:
            state = ": exhausted"
        return display.clean(f"<Listing {self.what} in {self.region}{state}>")

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        self._look_ahead()
        shown = len(self._ahead)
        if self._error is not None:
            count = f"{shown} read, then {type(self._error).__name__}"
        elif self._has_more:
            count = (
                f"the next {shown}, and more" if self._yielded else f"the first {shown}, and more"
            )
        elif shown:
            count = f"{shown} left" if self._yielded else str(shown)
        else:
            count = "none left" if self._yielded else "none"
        if self._yielded:
            count += f" ({self._yielded} already iterated)"
        table = self._table(tuple(self._ahead))
        notes: list[str] = []
        if self._has_more:
            notes.append(f"… and more {table.noun}: iterate to read them")
        if self._error is not None:
            when = "after these" if shown else "at once"
            notes.append(
                f"reading stopped: {type(self._error).__name__}: "
                f"{display.first_line(self._error)} (iterating raises it {when})"
            )
        title = f"{self.what} in {self.region}: {count}"
        return display.View(title, (table,) if table.rows else (), tuple(notes))


# -- tables of the items ----------------------------------------------------------------------


def _when(item: ConformancePackInfo | DeploymentStatus) -> str:
    when = item.last_update
    return "" if when is None else when.isoformat(timespec="seconds")


def _pairs(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def _count(values: Sequence[object]) -> str:
    return str(len(values)) if values else ""


def pack_table(items: Sequence[ConformancePackInfo]) -> display.Table:
    """Return a table of conformance packs: name, parameters (secrets masked), exclusions."""
    rows = [
        display.Row(
            (
                info.name,
                _pairs(redaction.mask(info.parameters, info.sensitive)),
                _count(info.excluded_accounts),
                info.delivery_bucket or "",
                _when(info),
            )
        )
        for info in items
    ]
    columns = (
        display.Column("name"),
        display.Column("parameters", width=50, optional=True),
        display.Column("excluded accounts", optional=True),
        display.Column("delivery bucket", optional=True),
        display.Column("last update", optional=True),
    )
    return display.Table(columns, tuple(rows), noun="conformance packs")


def _source(rule: OrgConfigRule) -> str:
    if rule.identifier:
        return rule.identifier
    if rule.lambda_arn:
        return rule.lambda_arn
    if rule.policy_text is not None:
        return f"Guard policy, {len(rule.policy_text)} characters"
    return ""


def rule_table(items: Sequence[OrgConfigRule]) -> display.Table:
    """Return a table of rules: name, kind, what it runs, frequency, scope, exclusions."""
    rows = [
        display.Row(
            (
                rule.name,
                str(rule.kind),
                _source(rule),
                rule.max_frequency or "",
                ", ".join(rule.resource_types),
                _count(rule.excluded_accounts),
            )
        )
        for rule in items
    ]
    columns = (
        display.Column("name"),
        display.Column("kind"),
        display.Column("source", width=50, optional=True),
        display.Column("frequency", optional=True),
        display.Column("resource types", width=40, optional=True),
        display.Column("excluded accounts", optional=True),
    )
    return display.Table(columns, tuple(rows), noun="rules")


def _tone(status: DeploymentStatus) -> display.Tone:
    if status.status.failed:
        return "bad"
    if status.status.in_progress:
        return "busy"
    return "ok" if status.status.succeeded else "other"


def status_table(items: Sequence[DeploymentStatus]) -> display.Table:
    """Return a table of aggregate statuses, failures first."""
    rows = [
        display.Row(
            (s.name, status_text(s), s.error_code or "", s.error_message or "", _when(s)),
            _tone(s),
        )
        for s in items
    ]
    columns = (
        display.Column("name"),
        display.Column("status", toned=True),
        display.Column("error code", optional=True),
        display.Column("error message", width=60, optional=True),
        display.Column("last update", optional=True),
    )
    return display.Table(columns, display.failures_first(rows), noun="statuses")


def account_status_table(items: Sequence[AccountStatus]) -> display.Table:
    """Return a table of per-account statuses, failures first."""
    return account_table(items)


def name_table(items: Sequence[str]) -> display.Table:
    """Return a table of names."""
    rows = tuple(display.Row((name,)) for name in items)
    return display.Table((display.Column("name"),), rows, noun="names")


# -- the listings of the verbs ----------------------------------------------------------------


def _described_by(
    api: ConfigApi,
    names: Sequence[str] | None,
    calls: tuple[str, str, str],
    convert: Callable[[Any], _T],
    *,
    what: str,
    table: Callable[[Sequence[_T]], display.Table],
) -> Listing[_T]:
    """A Describe listing: ``calls`` is (operation, result key, names parameter)."""
    operation, key, names_param = calls
    source = pages(api, operation, key, requests(names, names_param))
    return Listing(source, convert, what=described(what, names), region=api.region, table=table)


def statuses(api: ConfigApi, kind: Kind, names: Sequence[str] | None) -> Listing[DeploymentStatus]:
    """The aggregate statuses of every pack or rule of ``kind`` (or of ``names``)."""
    calls = (kind.statuses, kind.statuses_key, kind.names_param)
    what = f"deployment statuses of {kind.label}s"
    return _described_by(api, names, calls, kind.status_from_api, what=what, table=status_table)


def account_statuses(
    api: ConfigApi,
    kind: Kind,
    name: str,
    filters: Mapping[str, str],
    naming: Callable[[str], AbstractContextManager[None]],
) -> Listing[AccountStatus]:
    """The per-account statuses of ``name``; ``naming`` puts the name into a NotFoundError."""
    params: dict[str, Any] = {kind.name_param: name}
    what = f"account statuses of {kind.label} {name!r}"
    if filters:
        params["Filters"] = dict(filters)
        said = [f"account {v}" if k == "AccountId" else f"status {v}" for k, v in filters.items()]
        what += f" ({', '.join(said)})"

    def source() -> Iterator[Page]:
        with naming(name):
            yield from pages(api, kind.detailed, kind.detailed_key, [params])

    convert = kind.account_status_from_api
    return Listing(source(), convert, what=what, region=api.region, table=account_status_table)


def names(api: ConfigApi, kind: Kind) -> Listing[str]:
    """The name of every pack or rule of ``kind`` the caller deployed."""

    def convert(item: Mapping[str, Any]) -> str:
        return str(item[kind.name_param])

    calls = (kind.describe, kind.describe_key, kind.names_param)
    return _described_by(
        api, None, calls, convert, what=f"names of {kind.label}s", table=name_table
    )


def _tags(api: ConfigApi, arn: str) -> dict[str, str]:
    tags = api.items("ListTagsForResource", "Tags", {"ResourceArn": arn})
    return _wire.tags_from_api(list(tags))


def packs(api: ConfigApi, names: Sequence[str] | None) -> Listing[ConformancePackInfo]:
    """Every conformance pack (or those in ``names``), one ListTagsForResource call each."""

    def convert(item: Mapping[str, Any]) -> ConformancePackInfo:
        name = item.get(PACKS.name_param)
        hidden = redaction.sensitive_names(PACKS.key, name) if isinstance(name, str) else ()
        tags = _tags(api, item["OrganizationConformancePackArn"])
        return _wire.conformance_pack_info(item, sensitive=hidden, tags=tags)

    calls = (PACKS.describe, PACKS.describe_key, PACKS.names_param)
    return _described_by(api, names, calls, convert, what="conformance packs", table=pack_table)


def rules(
    api: ConfigApi, names: Sequence[str] | None, policy_text: Callable[[str], str]
) -> Listing[OrgConfigRule]:
    """Every rule (or those in ``names``): its tags, and a Guard rule's ``policy_text``."""

    def convert(item: Mapping[str, Any]) -> OrgConfigRule:
        name = str(item.get(RULES.name_param))
        policy = None
        if "OrganizationCustomPolicyRuleMetadata" in item:
            policy = policy_text(name)
        tags = _tags(api, item["OrganizationConfigRuleArn"])
        hidden = redaction.sensitive_names(RULES.key, name)
        try:
            return _wire.config_rule(item, policy_text=policy, tags=tags, sensitive_inputs=hidden)
        except errors.ValidationError as err:
            # Something put by another tool that orgconfig's model cannot represent: say which
            # rule, rather than fail the whole listing with an anonymous error.
            raise errors.ValidationError(
                f"rule {name!r} as AWS holds it is not a valid OrgConfigRule: {err}",
                field=err.field,
            ) from err

    calls = (RULES.describe, RULES.describe_key, RULES.names_param)
    what = "organization config rules"
    return _described_by(api, names, calls, convert, what=what, table=rule_table)
