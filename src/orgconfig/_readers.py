"""The status reads of one pack or rule: what a :class:`~orgconfig.Deployment` is given.

A :class:`Reader` implements :class:`orgconfig.deployments.StatusReader` on the AWS Config
organization APIs, for one kind (packs or rules) and one name, in one region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orgconfig import errors
from orgconfig._aws.config import ConfigApi
from orgconfig._kinds import Kind
from orgconfig.models import AccountStatus, DeploymentStatus

__all__ = ["Reader"]

_DETAIL_PAGE = 100  # the most accounts one detailed-status page may hold


def _canonical(value: object) -> object:
    """A form of a wire value that compares equal whatever the order of its lists."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), repr(_canonical(v))) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(sorted(repr(_canonical(v)) for v in value))
    return value


class Reader:
    """The status calls of one pack or rule: what a :class:`~orgconfig.Deployment` reads."""

    def __init__(
        self,
        api: ConfigApi,
        kind: Kind,
        name: str,
        *,
        directory: Callable[[bool], Mapping[str, tuple[str, str]]] | None = None,
    ) -> None:
        self._api = api
        self._directory = directory
        self._kind = kind
        self.kind = kind.key
        self.label = kind.label
        self.region = api.region
        self.name = name
        self._missing: errors.NotFoundError | None = None

    def account_details(self, refresh: bool) -> Mapping[str, tuple[str, str]]:
        """Return account id -> (name, state in AWS Organizations); empty when not known.

        A caller that may not read the organization gets an empty mapping, never an error:
        the names only adorn a result.
        """
        if self._directory is None:
            return {}
        try:
            return self._directory(refresh)
        except errors.OrgConfigError:
            return {}

    def call_uncertain(self) -> bool:
        """Whether an attempt of this thread's last call may have been applied unseen."""
        return self._api.last_call_uncertain()

    def holds(self, request: Mapping[str, Any]) -> bool:
        """Whether the service holds what ``request`` (a put) asked for, as far as it shows.

        A pack's template is never returned by AWS, so for packs the parameters, excluded
        accounts and delivery settings are compared; for rules, every field.
        """
        try:
            response = self._api.call(self._kind.describe, {self._kind.names_param: [self.name]})
        except errors.NotFoundError:
            return False
        items = response.get(self._kind.describe_key, [])
        if not items:
            return False
        held = items[0]
        skipped = {"Tags", "TemplateBody", "TemplateS3Uri", self._kind.name_param}
        return all(
            _canonical(held.get(key)) == _canonical(value)
            for key, value in request.items()
            if key not in skipped
        )

    def not_found(self) -> errors.NotFoundError:
        if self._missing is not None:
            named = self._kind.named(self._missing, self.name)
            assert isinstance(named, errors.NotFoundError)
            return named
        return errors.NotFoundError(
            f"{self.label} {self.name!r} not found",
            code=self._kind.not_found_code,
            operation=self._kind.statuses,
            region=self.region,
            service="config",
        )

    def aggregate(self) -> DeploymentStatus | None:
        try:
            response = self._api.call(self._kind.statuses, {self._kind.names_param: [self.name]})
        except errors.NotFoundError as missing:
            self._missing = missing
            return None
        items = response.get(self._kind.statuses_key, [])
        return self._kind.status_from_api(items[0]) if items else None

    def accounts(self) -> list[AccountStatus]:
        params = {self._kind.name_param: self.name}
        convert = self._kind.account_status_from_api
        try:
            return [
                convert(item)
                for item in self._api.items(self._kind.detailed, self._kind.detailed_key, params)
            ]
        except errors.NotFoundError as err:
            raise self._kind.named(err, self.name) from err.__cause__

    def _in_progress(self, action: str) -> dict[str, Any]:
        return {
            self._kind.name_param: self.name,
            "Filters": {self._kind.detailed_status_filter: f"{action.upper()}_IN_PROGRESS"},
        }

    def any_in_progress(self, action: str) -> bool:
        page = self._api.first_page(
            self._kind.detailed, self._kind.detailed_key, self._in_progress(action), limit=1
        )
        return bool(page)

    def count_in_progress(self, action: str) -> tuple[int, int]:
        count = pages = 0
        params = {**self._in_progress(action), "Limit": _DETAIL_PAGE}
        for page in self._api.pages(self._kind.detailed, params):
            pages += 1
            count += len(page.get(self._kind.detailed_key, []))
        return count, pages
