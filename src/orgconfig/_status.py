"""The states of a deployment: :class:`Status`, and the records that carry one.

:class:`DeploymentStatus` is the aggregate state of a pack or rule across the organization,
:class:`AccountStatus` its state in one member account. :mod:`orgconfig.models` re-exports them,
and they report it as their module.
"""

# The annotations stay strings, as they were when these classes lived in orgconfig.models (readable
# signatures in help() and the docs). The classes report that module as theirs, so
# typing.get_type_hints() resolves the strings there: it imports every name they use.
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Literal

import attrs

from orgconfig import _checks as checks
from orgconfig import _display as display
from orgconfig import _limits as limits
from orgconfig.redaction import redact

__all__ = [
    "BLOCKED_STATES",
    "DEPARTED",
    "AccountStatus",
    "DeploymentStatus",
    "Status",
    "status_text",
]

_Action = Literal["create", "update", "delete"]
_ACTIONS: dict[str, _Action] = {"CREATE": "create", "UPDATE": "update", "DELETE": "delete"}


class Status(str, enum.Enum):
    """The state of a deployment (of a pack or rule, in aggregate or in one member account).

    ``UNKNOWN`` stands for a state this version of orgconfig does not know (AWS may add some);
    the state's text is kept in the ``unknown_status`` field of the status record.

    Example::

        if status.status.failed:
            print(status.status.action, "failed")
    """

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_SUCCESSFUL = "CREATE_SUCCESSFUL"
    CREATE_FAILED = "CREATE_FAILED"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_SUCCESSFUL = "UPDATE_SUCCESSFUL"
    UPDATE_FAILED = "UPDATE_FAILED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_SUCCESSFUL = "DELETE_SUCCESSFUL"
    DELETE_FAILED = "DELETE_FAILED"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Status:
        """Return the member for ``text``, or ``UNKNOWN`` for a state this version does not know."""
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    @property
    def in_progress(self) -> bool:
        """True for the three ``*_IN_PROGRESS`` states."""
        return self.value.endswith("_IN_PROGRESS")

    @property
    def succeeded(self) -> bool:
        """True for the three ``*_SUCCESSFUL`` states."""
        return self.value.endswith("_SUCCESSFUL")

    @property
    def failed(self) -> bool:
        """True for the three ``*_FAILED`` states."""
        return self.value.endswith("_FAILED")

    @property
    def finished(self) -> bool:
        """True once the action ended, well or badly (``UNKNOWN`` is not finished)."""
        return self.succeeded or self.failed

    @property
    def action(self) -> _Action | None:
        """``"create"``, ``"update"`` or ``"delete"``; None for ``UNKNOWN``."""
        return _ACTIONS.get(self.value.split("_", 1)[0])


def _status(value: Status | str) -> Status:
    if isinstance(value, Status):
        return value
    try:
        return Status(value)
    except ValueError:
        raise checks.fail(
            "status", f"{checks.show(value)} is not a status; use one of {', '.join(Status)}"
        ) from None


def status_text(record: DeploymentStatus | AccountStatus) -> str:
    """The record's status as shown: the state, or ``UNKNOWN (the service's text)``."""
    if record.status is Status.UNKNOWN and record.unknown_status:
        return f"UNKNOWN ({record.unknown_status})"
    return record.status.value


def _error_text(record: DeploymentStatus | AccountStatus, width: int = 60) -> str:
    """``": code: message"`` (shortened, one line), or nothing when there is no error."""
    parts = [p for p in (record.error_code, record.error_message) if p]
    if not parts:
        return ""
    return ": " + display.shorten(display.clean(": ".join(parts)), width)


def _message(text: str | None) -> str | None:
    return None if text is None else redact(text)


def _keep_unknown_only(record: DeploymentStatus | AccountStatus) -> None:
    """Drop ``unknown_status`` from a record whose status is known (e.g. after ``evolve``)."""
    if record.status is not Status.UNKNOWN and record.unknown_status is not None:
        object.__setattr__(record, "unknown_status", None)


_STATUS_NAME = checks.text(1, limits.STATUS_NAME_MAX)
_OPTIONAL_TEXT = checks.optional(checks.is_a(str, "a string"))


@attrs.frozen
class DeploymentStatus:
    """The aggregate status of a conformance pack or rule across the organization.

    ``name`` is the pack's or the rule's name. ``unknown_status`` holds the service's text when
    ``status`` is :attr:`Status.UNKNOWN`, and is None otherwise.

    Example::

        s = org.conformance_packs.status("s3-baseline")
        if s.status.failed:
            print(s.error_code, s.error_message)
    """

    name: str = attrs.field(validator=checks.field(*_STATUS_NAME))
    status: Status = attrs.field(converter=_status)
    error_code: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    error_message: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    last_update: datetime | None = attrs.field(default=None, validator=checks.last_update())
    unknown_status: str | None = attrs.field(
        default=None, kw_only=True, validator=checks.optional(*_STATUS_NAME)
    )

    def __attrs_post_init__(self) -> None:
        _keep_unknown_only(self)

    def __repr__(self) -> str:
        name = display.clean(repr(self.name))
        return f"<DeploymentStatus {name} {status_text(self)}{_error_text(self)}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the status as plain data (JSON-ready; the time as ISO 8601 text).

        The shape (every key always present; see ``docs/notebooks.md``)::

            {"name": "s3-baseline", "status": "CREATE_FAILED", "unknown_status": None,
             "error_code": "OrganizationAccessDeniedException", "error_message": "...",
             "last_update": "2024-01-01T12:00:00+00:00"}
        """
        return {
            "name": self.name,
            "status": self.status.value,
            "unknown_status": self.unknown_status,
            "error_code": self.error_code,
            "error_message": _message(self.error_message),
            "last_update": display.iso(self.last_update),
        }


DEPARTED = "DEPARTED"
"""``AccountStatus.account_state`` of an account that is no longer in the organization."""

BLOCKED_STATES = frozenset({"SUSPENDED", "PENDING_CLOSURE", DEPARTED})
"""Account states in which AWS Config cannot create or delete anything."""


@attrs.frozen
class AccountStatus:
    """The status of a conformance pack or rule in one member account.

    ``member_name`` is the name the service gave the pack or rule it created in the member
    account (such as ``OrgConformsPack-s3-baseline-abcd1234``). ``unknown_status`` holds the
    service's text when ``status`` is :attr:`Status.UNKNOWN`, and is None otherwise.

    ``account_name`` and ``account_state`` come from AWS Organizations, not from AWS Config, and
    are filled in deployment results when the caller may read the organization (None
    otherwise): the account's name, and its state there (``"ACTIVE"``, ``"SUSPENDED"``,
    ``"PENDING_CLOSURE"``, or :data:`DEPARTED` for an account no longer in the organization).

    Example::

        for account in org.conformance_packs.account_statuses("s3-baseline"):
            if account.status.failed:
                print(account.account_id, account.error_code, account.error_message)
    """

    account_id: str = attrs.field(validator=checks.field(*checks.ACCOUNT))
    status: Status = attrs.field(converter=_status)
    member_name: str = attrs.field(validator=checks.field(*_STATUS_NAME))
    error_code: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    error_message: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    last_update: datetime | None = attrs.field(default=None, validator=checks.last_update())
    unknown_status: str | None = attrs.field(
        default=None, kw_only=True, validator=checks.optional(*_STATUS_NAME)
    )

    account_name: str | None = attrs.field(default=None, kw_only=True, validator=_OPTIONAL_TEXT)
    account_state: str | None = attrs.field(default=None, kw_only=True, validator=_OPTIONAL_TEXT)

    def __attrs_post_init__(self) -> None:
        _keep_unknown_only(self)

    @property
    def blocked(self) -> bool:
        """True for an account AWS cannot act in: suspended, closing, or gone from the org."""
        return self.account_state in BLOCKED_STATES

    def __repr__(self) -> str:
        who = self.account_id
        if self.account_name:
            who += f" ({display.shorten(display.clean(self.account_name), 40)})"
        state = f" [{self.account_state}]" if self.blocked else ""
        return f"<AccountStatus {who}: {status_text(self)}{state}{_error_text(self)}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the account's status as plain data (JSON-ready; the time as ISO 8601 text).

        The shape (every key always present; see ``docs/notebooks.md``)::

            {"account_id": "111122223333", "account_name": "prod", "account_state": "ACTIVE",
             "status": "CREATE_FAILED", "unknown_status": None,
             "member_name": "OrgConformsPack-s3-baseline-abcd1234",
             "error_code": "NoAvailableConfigurationRecorder", "error_message": "...",
             "last_update": "2024-01-01T12:00:00+00:00"}
        """
        return {
            "account_id": self.account_id,
            "account_name": self.account_name,
            "account_state": self.account_state,
            "status": self.status.value,
            "unknown_status": self.unknown_status,
            "member_name": self.member_name,
            "error_code": self.error_code,
            "error_message": _message(self.error_message),
            "last_update": display.iso(self.last_update),
        }
