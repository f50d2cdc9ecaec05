"""The sandbox's own tests: instantly consistent reads unless a test is about the lag.

Most tests here check one behaviour of the simulated service right after a put; the read lag
(on by default, :func:`orgconfig.testing.sandbox`'s ``read_lag``) would hide it for a few
simulated seconds. The ``org_sandbox`` fixture here starts sandboxes with ``read_lag=0``; a
marker that gives ``read_lag`` (the lag's own tests) wins.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from orgconfig.testing import sandbox
from orgconfig.testing.pytest_plugin import DEFAULTS

if TYPE_CHECKING:
    from orgconfig.testing import Sandbox

CONSISTENT: dict[str, Any] = {**DEFAULTS, "read_lag": 0.0}
"""The settings of this directory's sandboxes when a test does not say otherwise."""


@pytest.fixture
def org_sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes as the plugin's fixture does, instantly consistent by default."""
    with contextlib.ExitStack() as stack:

        def start(**kwargs: Any) -> Sandbox:
            stack.close()
            return stack.enter_context(sandbox(**{**CONSISTENT, **kwargs}))

        yield start
