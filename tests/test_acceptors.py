"""The completion decision as data: the acceptor table and its page in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgconfig._acceptors import TABLE, Accounts, Aggregate, Outcome, decide, markdown_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "waiting.md"


def test_the_docs_show_the_table_the_code_uses() -> None:
    """docs/waiting.md holds the rendering of the acceptor table, row for row."""
    assert markdown_table() in DOCS.read_text(encoding="utf-8")


@pytest.mark.parametrize("aggregate", list(Aggregate))
@pytest.mark.parametrize("accounts", [Accounts.ENDED, Accounts.PENDING])
@pytest.mark.parametrize("deleting", [True, False])
def test_every_combination_has_a_decision(
    aggregate: Aggregate, accounts: Accounts, deleting: bool
) -> None:
    """No poll can fall through the table."""
    assert decide(aggregate, accounts, deleting=deleting) in TABLE


@pytest.mark.parametrize(
    ("aggregate", "accounts", "deleting", "outcome"),
    [
        (Aggregate.SUCCESSFUL, Accounts.PENDING, False, Outcome.SUCCEEDED),
        (Aggregate.FAILED, Accounts.ENDED, False, Outcome.FAILED),
        (Aggregate.GONE, Accounts.PENDING, True, Outcome.DELETED),
        (Aggregate.GONE, Accounts.PENDING, False, Outcome.NOT_FOUND),
        (Aggregate.IN_PROGRESS, Accounts.ENDED, False, Outcome.FROM_ACCOUNTS),
        (Aggregate.IN_PROGRESS, Accounts.PENDING, True, Outcome.WAIT),
        (Aggregate.UNKNOWN, Accounts.ENDED, False, Outcome.FROM_ACCOUNTS),
        (Aggregate.STALE, Accounts.ENDED, False, Outcome.WAIT),
    ],
)
def test_decisions(
    aggregate: Aggregate, accounts: Accounts, deleting: bool, outcome: Outcome
) -> None:
    """The table decides as the docs say: final states end, the quirk ends, stale reads wait."""
    assert decide(aggregate, accounts, deleting=deleting).outcome is outcome


def test_only_wait_is_unfinished() -> None:
    """Every outcome but WAIT ends the wait."""
    assert [o for o in Outcome if not o.finished] == [Outcome.WAIT]
