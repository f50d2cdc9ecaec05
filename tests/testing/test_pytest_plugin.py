"""The pytest plugin: the org_sandbox fixture, its marker, and the factory."""

from __future__ import annotations

from typing import Any

import pytest

from orgconfig.testing import Sandbox
from orgconfig.testing.pytest_plugin import DEFAULTS

pytest_plugins = ["pytester"]


def test_the_fixture_is_a_running_sandbox_with_defaults(org_sandbox: Sandbox) -> None:
    """Without a marker the fixture has 3 members in us-east-1 and seed 0."""
    assert len(org_sandbox.member_account_ids) == DEFAULTS["accounts"] == 3
    assert org_sandbox.regions == ("us-east-1",)
    assert org_sandbox.seed == 0
    assert (
        org_sandbox.client("config").describe_organization_config_rules()["OrganizationConfigRules"]
        == []
    )


@pytest.mark.org_sandbox(accounts=2, regions=("eu-west-1",), seed=9)
def test_the_marker_configures_the_fixture(org_sandbox: Sandbox) -> None:
    """The marker's keyword arguments are the sandbox's."""
    assert len(org_sandbox.member_account_ids) == 2
    assert org_sandbox.regions == ("eu-west-1",)
    assert org_sandbox.seed == 9


def test_the_factory_starts_one_sandbox_after_another(org_sandbox_factory: Any) -> None:
    """Each factory call stops the previous sandbox and starts a new one."""
    first = org_sandbox_factory(accounts=1)
    assert len(first.member_account_ids) == 1
    second = org_sandbox_factory(accounts=2, seed=4)
    assert len(second.member_account_ids) == 2
    with pytest.raises(RuntimeError, match="not running"):
        _ = first.member_account_ids


def test_in_a_pytest_session(pytester: pytest.Pytester) -> None:
    """In a session: the marker passes --strict-markers, the sandbox stops after its test, and
    positional marker arguments are an error."""
    pytester.makepyfile(
        """
        import pytest
        from orgconfig.testing import _seam

        seen = []

        @pytest.mark.org_sandbox(accounts=1)
        def test_one(org_sandbox):
            seen.append(org_sandbox)
            assert _seam.active() is not None
            assert len(org_sandbox.member_account_ids) == 1

        def test_two():
            assert _seam.active() is None
            assert "stopped" in repr(seen[0])

        @pytest.mark.org_sandbox(5)
        def test_positional(org_sandbox):
            pass
        """
    )
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.org_sandbox takes keyword arguments only*"]
    )


def test_the_marker_is_documented(pytester: pytest.Pytester) -> None:
    """pytest --markers lists the org_sandbox marker with its settings."""
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.org_sandbox(**kwargs): settings for the*"])
