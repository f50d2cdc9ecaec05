"""The error answers the sandbox gives, before they are put on the wire."""

from __future__ import annotations


class ServiceError(Exception):
    """An AWS error answer: its code (``"ValidationException"``), message, HTTP status, extras.

    The sandbox raises it anywhere inside a simulated operation; the seam turns it into the
    JSON error body AWS Config sends, so boto3 raises an ordinary ``ClientError``.
    """

    def __init__(
        self, code: str, message: str, status: int = 400, *, extra: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = dict(extra or {})  # more members of the error body, e.g. Organizations' Reason
