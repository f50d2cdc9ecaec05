"""pytest plugin: the ``org_sandbox`` and ``org_sandbox_factory`` fixtures.

Registered through the ``pytest11`` entry point, so installing orgconfig makes the fixtures
available in every test suite. Nothing heavy is imported until a test asks for a fixture.

``org_sandbox`` is a running :class:`orgconfig.testing.Sandbox` for one test (3 member accounts
in ``us-east-1``, seed 0), configured with the ``org_sandbox`` marker, whose keyword arguments are
those of :func:`orgconfig.testing.sandbox`::

    import pytest

    @pytest.mark.org_sandbox(accounts=10, regions=("eu-west-1",), seed=7)
    def test_rollout(org_sandbox):
        config = org_sandbox.client("config")
        assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []

``org_sandbox_factory`` starts sandboxes on demand (one at a time) and stops them after the
test::

    def test_two_setups(org_sandbox_factory):
        sb = org_sandbox_factory(accounts=1, feature_set="CONSOLIDATED_BILLING")
        ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from orgconfig.testing import Sandbox

__all__ = ["DEFAULTS", "org_sandbox", "org_sandbox_factory", "pytest_configure"]

DEFAULTS: dict[str, Any] = {"accounts": 3, "regions": ("us-east-1",), "seed": 0}
"""The fixture's sandbox settings when the marker does not say otherwise."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``org_sandbox`` marker."""
    config.addinivalue_line(
        "markers",
        "org_sandbox(**kwargs): settings for the org_sandbox fixture, the keyword arguments of "
        "orgconfig.testing.sandbox() (default: accounts=3, regions=('us-east-1',), seed=0).",
    )


@pytest.fixture
def org_sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with the keyword arguments of ``orgconfig.testing.sandbox``.

    Each call stops the sandbox the previous call started (sandboxes do not nest); the last one
    stops when the test ends.
    """
    # Imported here: pytest loads this plugin in every session, the sandbox (moto) only on use.
    from orgconfig.testing import sandbox  # noqa: PLC0415

    with contextlib.ExitStack() as stack:

        def start(**kwargs: Any) -> Sandbox:
            stack.close()
            return stack.enter_context(sandbox(**{**DEFAULTS, **kwargs}))

        yield start


@pytest.fixture
def org_sandbox(
    request: pytest.FixtureRequest, org_sandbox_factory: Callable[..., Sandbox]
) -> Sandbox:
    """A running sandbox for this test, configured by the ``org_sandbox`` marker."""
    marker = request.node.get_closest_marker("org_sandbox")
    if marker is not None and marker.args:
        raise TypeError("@pytest.mark.org_sandbox takes keyword arguments only")
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    return org_sandbox_factory(**kwargs)
