"""Fixtures of the template tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgconfig.templates import _yaml

_BACKENDS: list[Callable[[str], Any]] = [_yaml._PyLoader]
if getattr(_yaml, "_CLoader", None) is not None:
    _BACKENDS.append(_yaml._CLoader)


@pytest.fixture(params=_BACKENDS, ids=lambda loader: loader.__name__)
def yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test once with each YAML parser (pure Python, and libyaml when installed)."""
    monkeypatch.setattr(_yaml, "_Loader", request.param)
