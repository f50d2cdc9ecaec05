"""Calls on the AWS Config organization APIs: one region's client, pages, error translation.

Collections and deployments never see a client or a ``ClientError``: they call :class:`ConfigApi`,
which turns every botocore exception into :mod:`orgconfig.errors`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

from orgconfig._aws import translate_errors

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

__all__ = ["ConfigApi"]


class ConfigApi:
    """AWS Config calls for one region, with orgconfig's error translation.

    Args:
        client: a boto3 ``config`` client (its per-call retries are botocore's business).
        region: the client's region, reported in errors.
    """

    def __init__(self, client: ConfigServiceClient, region: str) -> None:
        self.client = client
        self.region = region
        self._local = threading.local()
        service = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"needs-retry.{service}", self._note_attempt)

    def _note_attempt(
        self,
        response: tuple[Any, Any] | None = None,
        caught_exception: Exception | None = None,
        **_: Any,
    ) -> None:
        """Botocore's per-attempt event: remember attempts that may have been applied unseen.

        A throttled or refused attempt (4xx) was not applied; a 5xx answer or a connection that
        broke after the request was sent may have been.
        """
        status = getattr(response[0], "status_code", None) if response else None
        unsent = isinstance(caught_exception, EndpointConnectionError | ConnectTimeoutError)
        if (caught_exception is not None and not unsent) or (
            isinstance(status, int) and status >= 500
        ):
            self._local.uncertain = True

    def last_call_uncertain(self) -> bool:
        """Whether an attempt of this thread's last :meth:`call` may have been applied unseen.

        True when one of its attempts got a 5xx answer or lost its connection: the service may
        have acted on it although its answer never arrived.
        """
        return bool(getattr(self._local, "uncertain", False))

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``operation`` (its API name, e.g. ``"PutOrganizationConformancePack"``)."""
        method = getattr(self.client, xform_name(operation))
        self._local.uncertain = False
        with translate_errors(operation, self.region, service="config"):
            response: dict[str, Any] = method(**params)
        return response

    def pages(self, operation: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Yield every page of ``operation``'s answer, following ``NextToken`` lazily."""
        paginator = self.client.get_paginator(xform_name(operation))  # type: ignore[call-overload]  # the name is computed; every paginated operation we call has a paginator
        iterator = iter(paginator.paginate(**params))
        while True:
            with translate_errors(operation, self.region, service="config"):
                page: dict[str, Any] | None = next(iterator, None)
            if page is None:
                return
            yield page

    def items(
        self, operation: str, result_key: str, params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Yield the items under ``result_key`` across every page of ``operation``."""
        for page in self.pages(operation, params):
            yield from page.get(result_key, [])

    def first_page(
        self, operation: str, result_key: str, params: Mapping[str, Any], *, limit: int
    ) -> list[dict[str, Any]]:
        """Return at most ``limit`` items of ``operation``'s first page (one call, no paging)."""
        response = self.call(operation, {**params, "Limit": limit})
        items: list[dict[str, Any]] = response.get(result_key, [])
        return items
