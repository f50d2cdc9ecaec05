"""Notebook display: short reprs, text and HTML tables (failures first), and to_dict() shapes."""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any

import pytest

from orgconfig import (
    AccountStatus,
    DeploymentResult,
    DeploymentStatus,
    MultiRegionResult,
    Organization,
    Status,
    redaction,
)
from orgconfig import _display as display
from orgconfig import errors as e
from orgconfig.directory import Account, Accounts, OrganizationalUnit, OrganizationalUnits, Tree
from orgconfig.plan import (
    AccountResult,
    ApplyResult,
    FieldChange,
    ItemResult,
    Plan,
    PlannedChange,
)
from orgconfig.preflight import Check, PreflightReport
from orgconfig.testing import sandbox
from tests.conftest import REPO

HOSTILE = "<script>alert('x')</script>"
RESULT_KEYS = ["name", "kind", "region", "status", "ok", "counts", "elapsed", "polls", "accounts"]
MULTI_KEYS = ["name", "kind", "ok", "regions", "failed_regions", "counts", "results", "errors"]
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


class FakePrinter:
    """The part of IPython's RepresentationPrinter that _repr_pretty_ uses: text()."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self, obj: str) -> None:
        self.out.append(obj)


def pretty(obj: Any, cycle: bool = False) -> str:
    printer = FakePrinter()
    obj._repr_pretty_(printer, cycle)
    return "".join(printer.out)


class Page(HTMLParser):
    """What a browser would see: the tags opened, the table rows (class, cells), every text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headers: list[list[str]] = []
        self.rows: list[tuple[str, list[str]]] = []
        self.captions: list[str] = []
        self.texts: list[str] = []
        self._open: list[str] = []
        self._cells: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._open.append(tag)
        if tag == "tr":
            self._cells = []
            if "thead" in self._open:
                self.headers.append(self._cells)
            else:
                self.rows.append((dict(attrs).get("class") or "", self._cells))
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        inner = self._open[-1] if self._open else ""
        if inner in ("td", "th") and self._cells:
            self._cells[-1] += data
        elif inner == "caption":
            self.captions.append(data)


def account(
    account_id: str,
    status: Status,
    name: str | None = None,
    *,
    code: str | None = None,
    message: str | None = None,
    state: str | None = "ACTIVE",
) -> AccountStatus:
    return AccountStatus(
        account_id=account_id,
        status=status,
        member_name="OrgConformsPack-p-abcd1234",
        error_code=code,
        error_message=message,
        last_update=WHEN,
        account_name=name,
        account_state=state,
    )


def mixed_result(region: str = "eu-west-1") -> DeploymentResult:
    """Five accounts, sorted by id: ok, failed, in progress, blocked, ok (a hostile name)."""
    return DeploymentResult(
        name="p",
        kind="conformance_pack",
        region=region,
        status=Status.UPDATE_FAILED,
        accounts=(
            account("111111111111", Status.UPDATE_SUCCESSFUL, "prod"),
            account(
                "222222222222",
                Status.UPDATE_FAILED,
                "dev",
                code="NoRecorder",
                message="no\nrecorder",
            ),
            account("333333333333", Status.UPDATE_IN_PROGRESS, "test"),
            account(
                "444444444444",
                Status.UPDATE_FAILED,
                "old",
                code="Gone",
                message="x",
                state="SUSPENDED",
            ),
            account("555555555555", Status.UPDATE_SUCCESSFUL, HOSTILE),
        ),
        elapsed=12.5,
        polls=3,
    )


def ids_in(text: str) -> list[str]:
    return re.findall(r"\b\d{12}\b", text)


# -- the shared renderer ---------------------------------------------------------------------


def test_clean_makes_one_printable_line() -> None:
    """Line breaks become spaces, other control characters show escaped."""
    assert display.clean("a\nb\tc") == "a b c"
    assert display.clean("red\x1b[31m") == "red\\x1b[31m"
    assert display.first_line("one\ntwo") == "one"
    assert display.shorten("abcdef", 4) == "abc…"


def test_rows_are_capped_and_counted() -> None:
    """Past MAX_ROWS a table shows a line counting the rows left out, in text and HTML."""
    rows = [display.Row((str(i),), "ok") for i in range(display.MAX_ROWS + 7)]
    view = display.View("t", (display.Table((display.Column("n"),), tuple(rows), noun="things"),))
    assert display.to_text(view).endswith("… and 7 more things")
    page = Page(display.to_html(view))
    assert len(page.rows) == display.MAX_ROWS
    assert "… and 7 more things" in page.texts


def test_empty_optional_columns_are_left_out() -> None:
    """An optional column with no text in any row is not shown; a required one is."""
    columns = (display.Column("a"), display.Column("b", optional=True), display.Column("c"))
    view = display.View("t", (display.Table(columns, (display.Row(("1", "", "")),)),))
    assert display.to_text(view).splitlines()[2].split() == ["a", "c"]


def test_a_row_must_fill_every_column() -> None:
    """A row with too few cells is a programming error, caught at once."""
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        display.Table((display.Column("a"), display.Column("b")), (display.Row(("x",)),))


def test_text_wraps_at_spaces_and_never_cuts_a_word() -> None:
    """A long cell wraps onto more lines; a word longer than the width stays whole."""
    word = "x" * 30
    columns = (display.Column("k"), display.Column("v", width=10))
    view = display.View(
        "t", (display.Table(columns, (display.Row(("k", f"aa bb cc dd {word}")),)),)
    )
    lines = display.to_text(view).splitlines()[4:]
    assert [line.split()[-1] for line in lines] == ["cc", "dd", word]


# -- DeploymentResult and the account statuses ------------------------------------------------


def test_result_repr_is_one_short_line() -> None:
    """repr() is the summary in one line, even with a hostile account name inside."""
    text = repr(mixed_result())
    assert text == (
        "<DeploymentResult conformance_pack 'p' in eu-west-1: UPDATE_FAILED, 2/5 succeeded, "
        "2 failed, 1 in progress>"
    )


def test_result_pretty_puts_failures_first() -> None:
    """Failed, then blocked, then in progress, then successful accounts, each by id."""
    text = pretty(mixed_result())
    lines = text.splitlines()
    assert lines[0] == mixed_result().summary()
    assert ids_in(text) == [digit * 12 for digit in "24315"]
    assert "UPDATE_FAILED [SUSPENDED]" in text
    assert "no recorder" in text  # one line per cell: the break became a space
    assert "AWS Config cannot reach them" in lines[-1]
    assert pretty(mixed_result(), cycle=True) == repr(mixed_result())


def test_result_html_rows_in_order_and_escaped() -> None:
    """The HTML table lists failures first and shows a hostile name as text, not markup."""
    page = Page(mixed_result()._repr_html_())
    assert "script" not in page.tags
    assert [cells[0] for _, cells in page.rows] == [digit * 12 for digit in "24315"]
    tones = ["bad", "warn", "busy", "ok", "ok"]
    assert [cls for cls, _ in page.rows] == [f"orgconfig-{tone}" for tone in tones]
    assert page.headers[0] == ["account", "name", "status", "error code", "error message"]
    assert page.rows[-1][1][1] == HOSTILE
    assert HOSTILE not in mixed_result()._repr_html_()


def test_result_without_names_or_errors_drops_those_columns() -> None:
    """A result of successes with no account names shows account and status only."""
    result = DeploymentResult(
        "r",
        "rule",
        "us-east-1",
        Status.CREATE_SUCCESSFUL,
        (account("1" * 12, Status.CREATE_SUCCESSFUL),),
    )
    assert Page(result._repr_html_()).headers[0] == ["account", "status"]


def test_result_to_dict_shape() -> None:
    """to_dict() is JSON-ready: counts, statuses as text, times as ISO 8601, accounts by id."""
    data = mixed_result().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == RESULT_KEYS
    assert data["status"] == "UPDATE_FAILED"
    assert data["ok"] is False
    assert data["counts"] == {
        "accounts": 5,
        "succeeded": 2,
        "failed": 2,
        "blocked": 1,
        "in_progress": 1,
    }
    assert (data["elapsed"], data["polls"]) == (12.5, 3)
    assert [a["account_id"] for a in data["accounts"]] == [f"{d}" * 12 for d in "12345"]
    assert data["accounts"][1] == {
        "account_id": "222222222222",
        "account_name": "dev",
        "account_state": "ACTIVE",
        "status": "UPDATE_FAILED",
        "unknown_status": None,
        "member_name": "OrgConformsPack-p-abcd1234",
        "error_code": "NoRecorder",
        "error_message": "no\nrecorder",
        "last_update": "2024-01-02T03:04:05+00:00",
    }


def test_account_status_repr_and_unknown_state() -> None:
    """An account's repr names it, its state and error; an unknown state shows its text."""
    failed = account(
        "222222222222", Status.CREATE_FAILED, "dev", code="NoRecorder", message="x" * 200
    )
    text = repr(failed)
    assert text.startswith("<AccountStatus 222222222222 (dev): CREATE_FAILED: NoRecorder: xxx")
    assert text.endswith("…>")
    assert len(text) < 130
    odd = AccountStatus(
        account_id="1" * 12, status="UNKNOWN", member_name="m", unknown_status="NEW_STATE"
    )
    assert repr(odd) == "<AccountStatus 111111111111: UNKNOWN (NEW_STATE)>"
    assert odd.to_dict()["unknown_status"] == "NEW_STATE"
    assert odd.to_dict()["last_update"] is None


def test_deployment_status_repr_and_to_dict() -> None:
    """The aggregate status: one line, and plain data with the time as ISO 8601."""
    status = DeploymentStatus("p", "CREATE_FAILED", "Code", "why", last_update=WHEN)
    assert repr(status) == "<DeploymentStatus 'p' CREATE_FAILED: Code: why>"
    data = status.to_dict()
    assert (
        json.loads(json.dumps(data))
        == data
        == {
            "name": "p",
            "status": "CREATE_FAILED",
            "unknown_status": None,
            "error_code": "Code",
            "error_message": "why",
            "last_update": "2024-01-02T03:04:05+00:00",
        }
    )
    assert (
        repr(DeploymentStatus("p", "CREATE_SUCCESSFUL"))
        == "<DeploymentStatus 'p' CREATE_SUCCESSFUL>"
    )


def test_known_secrets_are_masked_in_messages() -> None:
    """A secret value that AWS echoes in an error message is masked in repr, tables and data."""

    class Owner:
        pass

    owner = Owner()
    secret = "hunter2-very-secret"
    redaction.register(owner, [secret])
    failed = account(
        "222222222222", Status.CREATE_FAILED, "dev", code="Bad", message=f"value {secret} refused"
    )
    result = DeploymentResult("p", "conformance_pack", "us-east-1", Status.CREATE_FAILED, (failed,))
    shown = [repr(failed), pretty(result), result._repr_html_(), json.dumps(result.to_dict())]
    for text in shown:
        assert secret not in text
        assert "value *** refused" in text
    del owner


# -- MultiRegionResult --------------------------------------------------------------------------


def multi_result() -> MultiRegionResult:
    ok = DeploymentResult(
        "p", "conformance_pack", "us-east-1", Status.UPDATE_SUCCESSFUL,
        (account("111111111111", Status.UPDATE_SUCCESSFUL, "prod"),),
    )  # fmt: skip
    late = DeploymentResult(
        "p", "conformance_pack", "ap-southeast-2", Status.UPDATE_IN_PROGRESS,
        (account("111111111111", Status.UPDATE_IN_PROGRESS, "prod"),),
    )  # fmt: skip
    denied = e.AccessDeniedError(
        f"not allowed for {HOSTILE}\nsecond line", code="OrganizationAccessDeniedException"
    )
    timeout = e.DeploymentTimeoutError(
        "still UPDATE_IN_PROGRESS after 60s",
        name="p",
        kind="conformance_pack",
        region="ap-southeast-2",
        timeout=60.0,
        last_result=late,
    )
    return MultiRegionResult(
        "p",
        "conformance_pack",
        {"us-east-1": ok, "eu-west-1": mixed_result()},
        {"sa-east-1": denied, "ap-southeast-2": timeout},
    )


def test_multi_region_repr() -> None:
    """One line: how many regions, and which failed."""
    assert repr(multi_result()) == (
        "<MultiRegionResult conformance_pack 'p' in 4 regions: "
        "failed in ap-southeast-2, eu-west-1, sa-east-1>"
    )


def test_multi_region_tables_failed_regions_then_failed_accounts() -> None:
    """The regions table lists failed regions first; a second lists every failed account."""
    page = Page(multi_result()._repr_html_())
    assert "script" not in page.tags
    regions = [(cls, cells[:2]) for cls, cells in page.rows[:4]]
    assert regions == [
        ("orgconfig-bad", ["ap-southeast-2", "UPDATE_IN_PROGRESS"]),
        ("orgconfig-bad", ["eu-west-1", "UPDATE_FAILED"]),
        ("orgconfig-bad", ["sa-east-1", "ERROR"]),
        ("orgconfig-ok", ["us-east-1", "UPDATE_SUCCESSFUL"]),
    ]
    assert page.rows[2][1][-1] == (
        f"AccessDeniedError: OrganizationAccessDeniedException: not allowed for {HOSTILE}"
    )
    assert page.captions == ["failed accounts"]
    failed = [cells[:2] for _, cells in page.rows[4:]]
    assert failed == [["eu-west-1", "222222222222"], ["eu-west-1", "444444444444"]]
    text = pretty(multi_result())
    assert text.splitlines()[0] == "conformance_pack 'p' in 4 regions: failed in " + (
        "ap-southeast-2, eu-west-1, sa-east-1"
    )
    assert "second line" not in text


def test_multi_region_to_dict_shape() -> None:
    """Results by region, errors by region (class, code, message, a timeout's last result)."""
    data = multi_result().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == MULTI_KEYS
    assert data["regions"] == ["ap-southeast-2", "eu-west-1", "sa-east-1", "us-east-1"]
    assert data["failed_regions"] == ["ap-southeast-2", "eu-west-1", "sa-east-1"]
    assert data["counts"] == {
        "regions": 4,
        "failed_regions": 3,
        "accounts": 6,
        "succeeded": 3,
        "failed": 2,
    }
    assert list(data["results"]) == ["eu-west-1", "us-east-1"]
    assert data["results"]["eu-west-1"] == mixed_result().to_dict()
    assert data["errors"]["sa-east-1"] == {
        "type": "AccessDeniedError",
        "code": "OrganizationAccessDeniedException",
        "message": f"OrganizationAccessDeniedException: not allowed for {HOSTILE}\nsecond line",
        "last_result": None,
    }
    late = data["errors"]["ap-southeast-2"]
    assert (late["type"], late["code"]) == ("DeploymentTimeoutError", None)
    assert late["last_result"]["status"] == "UPDATE_IN_PROGRESS"


# -- PreflightReport ---------------------------------------------------------------------------


def report() -> PreflightReport:
    return PreflightReport(
        (
            Check("all_features", "All features enabled", "ok", "has all features"),
            Check("trusted_access", "Trusted access", "problem", "not enabled", "enable it"),
            Check("recorders", "Recorders", "unknown", f"cannot read {HOSTILE}", "allow reads"),
            Check("bucket", "Bucket", "problem", "denied", "fix the policy", subject="b1"),
        ),
        ("us-east-1",),
    )


def test_preflight_repr_and_check_repr() -> None:
    """The report and each check show in one line."""
    assert repr(report()) == (
        "<PreflightReport preflight in us-east-1: 2 problem(s), 1 unknown, 4 checks>"
    )
    assert repr(report().checks[0]) == "<Check all_features ok>"
    assert repr(report().checks[3]) == "<Check bucket (b1) problem: denied>"


def test_preflight_table_problems_then_unknown_then_ok() -> None:
    """Problems first, then unknown checks, then the rest; the remedies follow in that order."""
    page = Page(report()._repr_html_())
    assert "script" not in page.tags
    assert [cells[:2] for _, cells in page.rows] == [
        ["PROBLEM", "Trusted access"],
        ["PROBLEM", "Bucket (b1)"],
        ["UNKNOWN", "Recorders"],
        ["ok", "All features enabled"],
    ]
    assert page.rows[2][1][2] == f"cannot read {HOSTILE}"
    lines = pretty(report()).splitlines()
    assert lines[0] == "preflight in us-east-1: 2 problem(s), 1 unknown"
    assert lines[-3:] == [
        "remedy for Trusted access: enable it",
        "remedy for Bucket (b1): fix the policy",
        "remedy for Recorders: allow reads",
    ]


def test_preflight_to_dict_keeps_its_shape_and_counts() -> None:
    """to_dict() keeps ok, regions and checks, and counts the checks by status."""
    data = report().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["ok", "regions", "counts", "checks"]
    assert data["counts"] == {"checks": 4, "ok": 1, "problem": 2, "unknown": 1}
    assert data["checks"][3] == report().checks[3].to_dict()


# -- accounts and OUs ---------------------------------------------------------------------------


def member(account_id: str, name: str, status: str = "ACTIVE", **kw: Any) -> Account:
    return Account(
        id=account_id,
        name=name,
        email=f"{account_id}@example.com",
        status=status,
        parent_id="ou-ab12-cdef3456",
        ou_path="Root/Workloads",
        **kw,
    )


def test_accounts_keep_tuple_behaviour() -> None:
    """Accounts is a tuple: equal to (and hashing as) a plain tuple, slicing, pickling."""
    items = (member("111111111111", "a"), member("222222222222", "b"))
    accounts = Accounts(items)
    assert isinstance(accounts, tuple)
    assert accounts == items
    assert hash(accounts) == hash(items)
    assert accounts[1:] == items[1:]
    assert type(accounts[1:]) is tuple
    back = pickle.loads(pickle.dumps(accounts))
    assert back == accounts
    assert type(back) is Accounts
    assert Tree("r-ab12", (), items) == Tree("r-ab12", OrganizationalUnits(()), accounts)


def test_accounts_table_inactive_first_and_escaped() -> None:
    """Suspended accounts come first; names are escaped; tags show when read."""
    accounts = Accounts(
        (
            member("111111111111", HOSTILE, tags={"env": "prod"}),
            member("222222222222", "old", "SUSPENDED", tags={}),
        )
    )
    assert repr(accounts) == "<Accounts: 1 ACTIVE, 1 SUSPENDED>"
    assert repr(Accounts()) == "<Accounts: none>"
    page = Page(accounts._repr_html_())
    assert "script" not in page.tags
    assert page.headers[0] == ["account", "name", "status", "OU", "tags"]
    assert [cells for _, cells in page.rows] == [
        ["222222222222", "old", "SUSPENDED", "Root/Workloads", ""],
        ["111111111111", HOSTILE, "ACTIVE", "Root/Workloads", "env=prod"],
    ]
    assert pretty(accounts).splitlines()[0] == "2 accounts: 1 ACTIVE, 1 SUSPENDED"


def test_account_and_ou_repr_and_to_dict() -> None:
    """An account and an OU show in one line and give plain data."""
    one = member("111111111111", "prod", joined_method="CREATED", joined_at=WHEN, arn="arn:x")
    assert repr(one) == "<Account 111111111111 'prod' ACTIVE in Root/Workloads>"
    data = one.to_dict()
    assert (
        json.loads(json.dumps(data))
        == data
        == {
            "id": "111111111111",
            "name": "prod",
            "email": "111111111111@example.com",
            "status": "ACTIVE",
            "parent_id": "ou-ab12-cdef3456",
            "ou_path": "Root/Workloads",
            "arn": "arn:x",
            "joined_method": "CREATED",
            "joined_at": "2024-01-02T03:04:05+00:00",
            "tags": None,
        }
    )
    assert member("1" * 12, "p", tags={"k": "v"}).to_dict()["tags"] == {"k": "v"}
    unit = OrganizationalUnit("ou-ab12-11112222", "Prod", "Root/Workloads/Prod", "ou-ab12-x", "a")
    assert repr(unit) == "<OrganizationalUnit ou-ab12-11112222 'Root/Workloads/Prod'>"
    assert json.loads(json.dumps(unit.to_dict())) == {
        "id": "ou-ab12-11112222",
        "name": "Prod",
        "path": "Root/Workloads/Prod",
        "parent_id": "ou-ab12-x",
        "arn": "a",
    }
    units = OrganizationalUnits((unit,))
    assert repr(units) == "<OrganizationalUnits: 1>"
    assert Page(units._repr_html_()).rows[0][1] == [
        "ou-ab12-11112222",
        "Root/Workloads/Prod",
        "ou-ab12-x",
    ]


def test_the_organization_returns_displayable_tuples() -> None:
    """org.accounts() (with or without tags) and org.organizational_units() render as tables."""
    with sandbox(accounts=3, ous={"Workloads": 2}) as sb:
        org = Organization.connect(sb.session, "us-east-1")
        for accounts in (org.accounts(), org.accounts(tags=True)):
            assert type(accounts) is Accounts
            assert len(Page(accounts._repr_html_()).rows) == 4
        units = org.organizational_units()
        assert type(units) is OrganizationalUnits
        assert pretty(units).splitlines()[0] == "1 organizational unit"
        assert repr(org.caller()).endswith(": management>")
        assert repr(org.describe()).startswith("<OrganizationInfo o-")


# -- plans and apply results -------------------------------------------------------------------


def a_plan(org: Organization) -> Plan:
    """One item of each action, in plan order (packs first, by name): unchanged first."""

    def change(name: str, action: Any, **more: Any) -> PlannedChange:
        return PlannedChange(kind="rule", name=name, region="us-east-1", action=action, **more)

    items = (
        change("a-same", "unchanged", status="CREATE_SUCCESSFUL"),
        change("b-new", "create", accounts_added=("111111111111", "222222222222")),
        change(
            "c-changed",
            "update",
            status="UPDATE_SUCCESSFUL",
            changes=(
                FieldChange("input_parameters['key']", "old", HOSTILE),
                FieldChange("input_parameters['secret']", "***", "***"),
                FieldChange("template_sha256", "a" * 64, "b" * 64),
            ),
            accounts_added=("333333333333",),
            accounts_removed=("444444444444", "555555555555", "666666666666", "777777777777"),
        ),
        change("d-gone", "delete", reason="not in the desired state", accounts_removed=("1" * 12,)),
        change("e-failed", "retry", reason="the last deployment ended CREATE_FAILED: NoRecorder"),
    )
    return Plan(org, items, prune=True, fingerprint="f" * 64, organization_id="o-abc123")


@pytest.fixture
def org() -> Iterator[Organization]:
    with sandbox() as sb:
        yield Organization.connect(sb.session, "us-east-1")


def test_plan_repr_and_table_changes_first(org: Organization) -> None:
    """retry, delete, update, create, then unchanged; each change's fields summarised."""
    plan = a_plan(org)
    assert repr(plan) == "<Plan o-abc123: 1 create, 1 update, 1 retry, 1 delete, 1 unchanged>"
    assert pretty(plan, cycle=True) == repr(plan)
    text = pretty(plan)
    assert text.splitlines()[0] == (
        "plan for o-abc123: 1 create, 1 update, 1 retry, 1 delete, 1 unchanged (prune)"
    )
    assert text.splitlines()[-1] == "apply() makes 4 changes and never touches what is unchanged"
    page = Page(plan._repr_html_())
    assert "script" not in page.tags
    assert page.headers[0] == ["action", "kind", "name", "region", "status now", "changes"]
    names = [cells[2] for _, cells in page.rows]
    assert names == ["e-failed", "d-gone", "c-changed", "b-new", "a-same"]
    tones = [cls for cls, _ in page.rows]
    assert tones == [f"orgconfig-{t}" for t in ("bad", "warn", "busy", "busy", "ok")]
    details = {cells[2]: cells[5] for _, cells in page.rows}
    assert details["e-failed"] == "the last deployment ended CREATE_FAILED: NoRecorder"
    assert details["d-gone"] == "not in the desired state; from 1 account"
    assert details["b-new"] == "to 2 accounts"
    assert details["a-same"] == ""
    assert details["c-changed"] == (
        "input_parameters['key']: 'old' → \"<script>alert('x')</script>\"; "
        "input_parameters['secret']: '***' → '***'; "
        f"template_sha256: '{'a' * 30}… → '{'b' * 30}…; "
        "+1 account: 333333333333; "
        "-4 accounts: 444444444444, 555555555555, 666666666666 and 1 more"
    )
    assert HOSTILE not in plan._repr_html_()


def test_a_plan_without_changes_says_so(org: Organization) -> None:
    """An all-unchanged plan shows its items and a note that apply has nothing to do."""
    same = PlannedChange(kind="rule", name="r", region="us-east-1", action="unchanged")
    plan = Plan(org, (same,), prune=False, fingerprint="f", organization_id="o-abc123")
    assert repr(plan) == "<Plan o-abc123: 1 unchanged>"
    assert pretty(plan).splitlines()[-1] == "no changes: the organization holds what is desired"
    assert repr(Plan(org, (), prune=False, fingerprint="f", organization_id="o-x")) == (
        "<Plan o-x: empty>"
    )


def an_apply_result() -> ApplyResult:
    """An ok change, then one failed in an account (hostile name), then one refused outright."""
    ok = AccountResult("111111111111", "CREATE_SUCCESSFUL", "prod")
    bad = AccountResult("222222222222", "CREATE_FAILED", HOSTILE, "NoRecorder", "no\nrecorder")
    return ApplyResult(
        items=(
            ItemResult(
                "rule", "fine", "us-east-1", "create", True, "CREATE_SUCCESSFUL", None, None, (ok,)
            ),
            ItemResult(
                "conformance_pack",
                "half",
                "eu-west-1",
                "update",
                False,
                "UPDATE_FAILED",
                "DeploymentFailedError",
                "it failed\nin detail",
                (bad, ok),
            ),
            ItemResult(
                "rule",
                "refused",
                "us-east-1",
                "delete",
                False,
                None,
                "AccessDeniedError",
                "not allowed",
                (),
            ),
        ),
        unchanged=2,
    )


def test_apply_result_repr_and_failures_first_with_account_names() -> None:
    """Failed changes first, then a table of their failed accounts, names escaped."""
    result = an_apply_result()
    assert repr(result) == "<ApplyResult applied 3 changes: 1 ok, 2 failed, 2 unchanged>"
    assert pretty(result, cycle=True) == repr(result)
    text = pretty(result)
    assert text.splitlines()[0] == "applied 3 changes: 1 ok, 2 failed, 2 unchanged"
    assert "it failed" in text
    assert "in detail" not in text
    assert "no recorder" in text
    page = Page(result._repr_html_())
    assert "script" not in page.tags
    items, accounts = page.rows[:3], page.rows[3:]
    assert [cells[3] for _, cells in items] == ["half", "refused", "fine"]
    assert [cls for cls, _ in items] == ["orgconfig-bad", "orgconfig-bad", "orgconfig-ok"]
    assert items[0][1][6] == "1/2"
    assert items[1][1][7] == "AccessDeniedError: not allowed"
    assert page.captions == ["failed accounts"]
    assert accounts == [
        (
            "orgconfig-bad",
            [
                "conformance_pack",
                "half",
                "eu-west-1",
                "222222222222",
                HOSTILE,
                "CREATE_FAILED",
                "NoRecorder",
                "no recorder",
            ],
        )
    ]
    assert HOSTILE not in result._repr_html_()
    assert "plan again" in text.splitlines()[-1]
    assert pretty(ApplyResult()).splitlines() == ["applied 0 changes: 0 ok, 0 failed, 0 unchanged"]


def test_plan_and_apply_records_have_short_reprs(org: Organization) -> None:
    """Every record of plan and apply shows as one short line, hostile text cleaned."""
    plan = a_plan(org)
    result = an_apply_result()
    assert repr(plan.items[2]) == "<PlannedChange update rule 'c-changed' in us-east-1: 3 fields>"
    assert repr(plan.items[2].changes[0]) == (
        "<FieldChange input_parameters['key']: 'old' → \"<script>alert('x')</script>\">"
    )
    assert repr(result.items[1]) == (
        "<ItemResult FAILED: update conformance_pack 'half' in eu-west-1: UPDATE_FAILED, "
        "1 of 2 accounts failed>"
    )
    assert repr(result.items[2]) == (
        "<ItemResult FAILED: delete rule 'refused' in us-east-1, AccessDeniedError>"
    )
    assert repr(result.items[1].accounts[0]) == (
        "<AccountResult 222222222222 (<script>alert('x')</script>): CREATE_FAILED: "
        "NoRecorder: no recorder>"
    )
    for record in (*plan.items, *result.items, *result.items[1].accounts):
        assert "\n" not in repr(record)
        assert len(repr(record)) < 160


# -- the guide ----------------------------------------------------------------------------------


def test_the_notebooks_guide_runs_and_shows_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's examples run, and the tables it prints are what the objects show."""
    monkeypatch.chdir(REPO)
    page = (REPO / "docs" / "notebooks.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", page, re.S | re.M)
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "<notebooks.md>", "exec"), namespace)
    result = namespace["result"]
    assert pretty(result) in page
    assert pretty(result.results["eu-west-1"]) in page
    shown = [result, result.results["eu-west-1"], namespace["report"], namespace["caller"]]
    shown += [namespace["accounts"], namespace["accounts"][3], namespace["units"][0]]
    shown.append(namespace["report"]["configuration_recorders"])
    plan, applied = namespace["plan"], namespace["applied"]
    assert pretty(plan) in page
    assert pretty(applied) in page
    shown += [plan, plan.items[0], applied, applied.items[0], namespace["rules"]]
    for item in shown:
        assert repr(item) in page
    failed = result.results["eu-west-1"].failed[0]
    assert repr(failed) in page
    assert json.dumps(failed.to_dict(), indent=2) in page
