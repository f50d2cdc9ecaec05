"""When is a deployment finished? The decision as data, in the manner of botocore's acceptors.

A poll reduces what the service said to two facts: the state of the **aggregate** status (or that
the pack or rule is **gone**) and, while the aggregate is in progress, whether **every targeted
account** has ended the current action. :data:`TABLE` maps them, with the kind of operation
followed, to an :class:`Outcome`; :func:`decide` returns the first row that matches.
``docs/waiting.md`` shows :func:`markdown_table`'s rendering of it, and a test keeps them equal.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["TABLE", "Accounts", "Aggregate", "Outcome", "Row", "decide", "markdown_table"]


class Aggregate(enum.Enum):
    """What the aggregate status read says."""

    SUCCESSFUL = "aggregate `*_SUCCESSFUL`"
    FAILED = "aggregate `*_FAILED`"
    IN_PROGRESS = "aggregate `*_IN_PROGRESS`"
    UNKNOWN = "aggregate in a state orgconfig does not know"
    GONE = "the pack or rule no longer exists"
    OTHER_ACTION = "the other operation: a delete for a put, a create or update for a delete"
    STALE = (
        "right after this handle's put or delete: an aggregate from before it (final, or in "
        "progress since long before), or no pack or rule yet after a put"
    )


class Accounts(enum.Enum):
    """What the per-account statuses say (read only while the aggregate is not final)."""

    ANY = "any"
    ENDED = "every targeted account ended this action"
    PENDING = "an account is still in progress (or none is listed yet)"


class Outcome(enum.Enum):
    """What orgconfig decides."""

    SUCCEEDED = "finished: succeeded"
    FAILED = "finished: failed (`wait()` raises `DeploymentFailedError`)"
    FROM_ACCOUNTS = "finished: failed if an account failed, else succeeded"
    DELETED = "finished: deleted from every account"
    NOT_FOUND = "`NotFoundError`"
    SUPERSEDED = "`DeploymentSupersededError`"
    WAIT = "keep waiting"

    @property
    def finished(self) -> bool:
        """True for every outcome that ends the wait."""
        return self is not Outcome.WAIT


@attrs.frozen
class Row:
    """One acceptor: when ``aggregate`` and ``accounts`` match (and ``deleting`` when not None).

    ``deleting`` is True for a delete, and for a resumed deployment once it has seen the delete
    action (or was resumed with ``operation="delete"``); False otherwise.
    """

    aggregate: Aggregate
    accounts: Accounts
    deleting: bool | None
    outcome: Outcome
    why: str

    def matches(self, aggregate: Aggregate, accounts: Accounts, *, deleting: bool) -> bool:
        """Return whether this row applies to one poll's facts."""
        return (
            self.aggregate is aggregate
            and self.accounts in (Accounts.ANY, accounts)
            and self.deleting in (None, deleting)
        )


TABLE: tuple[Row, ...] = (
    Row(Aggregate.SUCCESSFUL, Accounts.ANY, None, Outcome.SUCCEEDED, "the service says so"),
    Row(Aggregate.FAILED, Accounts.ANY, None, Outcome.FAILED, "the service says so"),
    Row(
        Aggregate.GONE,
        Accounts.ANY,
        True,
        Outcome.DELETED,
        "a delete removes the pack or rule once every account is done",
    ),
    Row(
        Aggregate.GONE,
        Accounts.ANY,
        False,
        Outcome.NOT_FOUND,
        "a put or resume needs the pack or rule to exist",
    ),
    Row(
        Aggregate.IN_PROGRESS,
        Accounts.ENDED,
        None,
        Outcome.FROM_ACCOUNTS,
        "the delegated-administrator quirk: the aggregate can stay in progress after every "
        "account finished",
    ),
    Row(Aggregate.IN_PROGRESS, Accounts.PENDING, None, Outcome.WAIT, "still deploying"),
    Row(
        Aggregate.UNKNOWN,
        Accounts.ENDED,
        None,
        Outcome.FROM_ACCOUNTS,
        "a state added by AWS since: the accounts tell",
    ),
    Row(Aggregate.UNKNOWN, Accounts.PENDING, None, Outcome.WAIT, "a state added by AWS since"),
    Row(
        Aggregate.OTHER_ACTION,
        Accounts.ANY,
        True,
        Outcome.DELETED,
        "the delete finished, then a put made the pack or rule anew (a delete resumed by "
        "name that never saw its delete raises `DeploymentSupersededError`)",
    ),
    Row(
        Aggregate.OTHER_ACTION,
        Accounts.ANY,
        False,
        Outcome.SUPERSEDED,
        "someone deletes what this put deployed",
    ),
    Row(
        Aggregate.STALE,
        Accounts.ANY,
        None,
        Outcome.WAIT,
        "read-after-write lag: the previous deployment's result, not this one's",
    ),
)
"""The decision table, first match wins."""


def decide(aggregate: Aggregate, accounts: Accounts, *, deleting: bool) -> Row:
    """Return the first row of :data:`TABLE` that matches one poll's facts."""
    for row in TABLE:
        if row.matches(aggregate, accounts, deleting=deleting):
            return row
    raise AssertionError(f"no acceptor for {aggregate}, {accounts}")  # pragma: no cover


def markdown_table() -> str:
    """Render :data:`TABLE` as the Markdown table that ``docs/waiting.md`` shows."""
    lines = [
        "| what the service says | per-account statuses | operation | orgconfig decides | why |",
        "|---|---|---|---|---|",
    ]
    for row in TABLE:
        operation = {None: "any", True: "a delete", False: "a put"}[row.deleting]
        lines.append(
            f"| {row.aggregate.value} | {row.accounts.value} | {operation} "
            f"| {row.outcome.value} | {row.why} |"
        )
    return "\n".join(lines)
