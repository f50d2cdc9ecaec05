"""Listings: the listing verbs stay lazy iterators, and show as tables without being consumed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from orgconfig import ConformancePack, Organization, OrgConfigRule, Template
from orgconfig import _display as display
from orgconfig import errors as e
from orgconfig._listing import LOOKAHEAD, Listing, Page, name_table
from orgconfig.testing import Sandbox, sandbox
from tests.conftest import PACK_TEMPLATE, POLLING
from tests.test_display import HOSTILE, pretty
from tests.test_display import Page as Html

RULES = 110  # more than a page (100) of DescribeOrganizationConfigRules


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """A sandbox holding RULES managed rules, r-000 to r-109, and one pack with a secret."""
    with sandbox(accounts=2, seed=5) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        for i in range(RULES):
            org.rules.put(OrgConfigRule.managed(f"r-{i:03d}", "S3_BUCKET_VERSIONING_ENABLED"))
        template = Template.from_string(
            PACK_TEMPLATE.replace("MaxAgeParam:", "MaxAgeParam:\n    NoEcho: true")
        )
        pack = ConformancePack(
            "p", template, parameters={"BucketParam": HOSTILE, "MaxAgeParam": "s3cr3t-age"}
        )
        org.conformance_packs.put(pack)
        sb.clock.advance(3600)
        yield sb


@pytest.fixture
def org(box: Sandbox) -> Organization:
    return Organization.connect(box.session, "us-east-1", polling=POLLING)


def calls(box: Sandbox, before: Any) -> dict[str, int]:
    return dict(box.api_calls - before)


NAMES = [f"r-{i:03d}" for i in range(RULES)]


def test_a_listing_is_a_lazy_iterator(box: Sandbox, org: Organization) -> None:
    """Nothing is called until asked; then only the pages needed, as a generator would."""
    before = box.api_calls.copy()
    names = org.rules.names()
    assert isinstance(names, Iterator)
    assert iter(names) is names
    assert repr(names) == "<Listing names of organization config rules in us-east-1>"
    assert calls(box, before) == {}
    assert next(names) == "r-000"
    assert calls(box, before) == {"DescribeOrganizationConfigRules": 1}
    rest = list(names)
    assert [*["r-000"], *rest] == NAMES
    assert calls(box, before) == {"DescribeOrganizationConfigRules": 2}  # pages of 100
    assert list(names) == []
    assert repr(names).endswith(": exhausted>")


def test_display_reads_ahead_at_most_a_table_and_consumes_nothing(
    box: Sandbox, org: Organization
) -> None:
    """Display reads LOOKAHEAD items (one page here); iteration yields them, then reads on."""
    listing = org.rules.names()
    before = box.api_calls.copy()
    text = pretty(listing)
    assert calls(box, before) == {"DescribeOrganizationConfigRules": 1}
    lines = text.splitlines()
    assert lines[0] == "names of organization config rules in us-east-1: the first 50, and more"
    assert lines[4:-2] == NAMES[:LOOKAHEAD]
    assert lines[-1] == "… and more names: iterate to read them"
    assert repr(listing).endswith(": 50 read ahead>")
    assert pretty(listing) == text  # shown again: nothing more read, nothing consumed
    assert len(Html(listing._repr_html_()).rows) == LOOKAHEAD
    assert calls(box, before) == {"DescribeOrganizationConfigRules": 1}
    assert [next(listing) for _ in range(3)] == NAMES[:3]
    again = pretty(listing).splitlines()
    assert again[0] == (
        "names of organization config rules in us-east-1: the next 50, and more "
        "(3 already iterated)"
    )
    assert again[4:-2] == NAMES[3 : 3 + LOOKAHEAD]
    assert list(listing) == NAMES[3:]
    assert calls(box, before) == {"DescribeOrganizationConfigRules": 2}


def test_display_of_a_converting_listing_converts_only_what_it_shows(
    box: Sandbox, org: Organization
) -> None:
    """list(): one ListTagsForResource per rule shown, not per rule the page holds."""
    listing = org.rules.list()
    before = box.api_calls.copy()
    page = Html(listing._repr_html_())
    assert calls(box, before) == {
        "DescribeOrganizationConfigRules": 1,
        "ListTagsForResource": LOOKAHEAD,
    }
    assert page.headers[0] == ["name", "kind", "source"]
    assert [cells[0] for _, cells in page.rows] == NAMES[:LOOKAHEAD]
    rules = list(listing)
    assert [r.name for r in rules] == NAMES
    assert calls(box, before) == {
        "DescribeOrganizationConfigRules": 2,
        "ListTagsForResource": RULES,
    }


def test_names_are_asked_in_batches_lazily(box: Sandbox, org: Organization) -> None:
    """statuses(names): 25 names a call; display makes the two calls its 50 rows need."""
    listing = org.rules.statuses(NAMES[:60])
    assert repr(listing) == (
        "<Listing deployment statuses of organization config rules named 'r-000', 'r-001', "
        "'r-002' and 57 more in us-east-1>"
    )
    before = box.api_calls.copy()
    text = pretty(listing)
    assert calls(box, before) == {"DescribeOrganizationConfigRuleStatuses": 2}
    assert "the first 50, and more" in text.splitlines()[0]
    assert len(list(listing)) == 60
    assert calls(box, before) == {"DescribeOrganizationConfigRuleStatuses": 3}


def test_a_short_listing_shows_everything_and_says_no_more(org: Organization) -> None:
    """Under 50 items: all of them, and no '… and more'."""
    listing = org.rules.statuses(["r-001", "r-002"])
    lines = pretty(listing).splitlines()
    assert lines[0] == (
        "deployment statuses of organization config rules named 'r-001', 'r-002' in us-east-1: 2"
    )
    assert [line.split()[:2] for line in lines[4:]] == [
        ["r-001", "CREATE_SUCCESSFUL"],
        ["r-002", "CREATE_SUCCESSFUL"],
    ]
    assert [s.name for s in listing] == ["r-001", "r-002"]
    assert pretty(listing).splitlines() == [
        "deployment statuses of organization config rules named 'r-001', 'r-002' in us-east-1: "
        "none left (2 already iterated)"
    ]


def test_packs_show_escaped_with_secrets_masked(org: Organization) -> None:
    """A pack's parameters show as text, not markup, and a NoEcho value as ***."""
    listing = org.conformance_packs.list()
    html = listing._repr_html_()
    page = Html(html)
    assert "script" not in page.tags
    assert HOSTILE not in html
    assert page.rows[0][1][:2] == ["p", f"BucketParam={HOSTILE}, MaxAgeParam=***"]
    assert "s3cr3t" not in html
    assert "s3cr3t" not in pretty(listing)
    (info,) = listing
    assert info.parameters["MaxAgeParam"] == "s3cr3t-age"


def test_account_statuses_repr_says_what_and_where(org: Organization) -> None:
    """The filters are said in words; the table is the account table, failures first."""
    listing = org.conformance_packs.account_statuses(
        "p", status="CREATE_SUCCESSFUL", account_id="123456789012"
    )
    assert repr(listing) == (
        "<Listing account statuses of conformance pack 'p' (status CREATE_SUCCESSFUL, "
        "account 123456789012) in us-east-1>"
    )
    page = Html(listing._repr_html_())
    assert page.headers[0] == ["account", "status"]
    assert [cells for _, cells in page.rows] == [["123456789012", "CREATE_SUCCESSFUL"]]


def test_errors_keep_their_types(org: Organization) -> None:
    """Invalid input raises at once; an AWS error met by display is shown, then raised."""
    with pytest.raises(e.ValidationError):
        org.rules.list("r-001")
    with pytest.raises(e.ValidationError):
        org.rules.account_statuses("r-001", status="BROKEN")
    missing = org.rules.account_statuses("nope")
    text = pretty(missing)
    assert text.splitlines()[0].endswith(": 0 read, then NotFoundError")
    assert "reading stopped: NotFoundError:" in text
    assert "organization config rule 'nope' not found" in text
    with pytest.raises(e.NotFoundError, match="'nope' not found"):
        list(missing)
    assert list(missing) == []  # like a generator that raised: nothing after the error
    with pytest.raises(e.NotFoundError, match="'nope' not found"):
        list(org.rules.account_statuses("nope"))  # without display, the same error


def test_an_error_after_some_items_comes_after_them() -> None:
    """Display keeps the error; iteration yields what was read before it, then raises it."""

    def source() -> Iterator[Page]:
        yield ["a", "b", "bad", "c"], False

    def convert(raw: str) -> str:
        if raw == "bad":
            raise e.ValidationError("a bad item <i>", field="x")
        return raw

    listing = Listing(source(), convert, what="things", region="r", table=name_table)
    html = listing._repr_html_()
    assert "<i>" not in html
    assert [cells for _, cells in Html(html).rows] == [["a"], ["b"]]
    note = "reading stopped: ValidationError: a bad item <i> (iterating raises it after these)"
    assert note in Html(html).texts
    assert next(listing) == "a"
    assert next(listing) == "b"
    with pytest.raises(e.ValidationError, match="a bad item"):
        next(listing)
    with pytest.raises(StopIteration):
        next(listing)


def test_more_is_known_from_the_pages_without_reading_further() -> None:
    """'and more' comes from the page's NextToken; a last page says there is no more."""
    pages_read: list[int] = []

    def source(sizes: Sequence[int]) -> Iterator[Page]:
        for i, size in enumerate(sizes):
            pages_read.append(i)
            yield [f"{i}-{n}" for n in range(size)], i + 1 < len(sizes)

    exact = Listing(source([30, 20]), str, what="things", region="r", table=name_table)
    assert "and more" not in pretty(exact)
    assert pages_read == [0, 1]
    pages_read.clear()
    longer = Listing(source([30, 20, 1]), str, what="things", region="r", table=name_table)
    assert pretty(longer).splitlines()[-1] == "… and more names: iterate to read them"
    assert pages_read == [0, 1]  # the third page is not read to know there is more
    assert len(list(longer)) == 51
    assert display.MAX_ROWS == LOOKAHEAD
