"""The moto adapter: the one module that imports moto, and what happens when moto is missing."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

import orgconfig.testing

TESTING = Path(orgconfig.testing.__file__).parent


@pytest.fixture
def without_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto unimportable, and the sandbox's moto-bound modules import afresh (restored)."""
    monkeypatch.setitem(sys.modules, "moto", None)
    for name in ("orgconfig.testing._moto", "orgconfig.testing._sandbox"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    for name in ("sandbox", "Sandbox", "_moto", "_sandbox"):
        monkeypatch.delitem(vars(orgconfig.testing), name, raising=False)


@pytest.mark.usefixtures("without_moto")
def test_without_moto_the_adapter_names_the_extra() -> None:
    """Importing the adapter without moto raises ImportError naming orgconfig[sandbox]."""
    with pytest.raises(ImportError) as caught:
        importlib.import_module("orgconfig.testing._moto")
    assert 'pip install "orgconfig[sandbox]"' in str(caught.value)
    assert isinstance(caught.value.__cause__, ImportError)
    assert caught.value.name == "moto"


@pytest.mark.usefixtures("without_moto")
def test_without_moto_sandbox_cannot_be_imported() -> None:
    """`from orgconfig.testing import sandbox` without moto raises the same ImportError."""
    with pytest.raises(ImportError, match=r"orgconfig\[sandbox\]"):
        from orgconfig.testing import sandbox  # noqa: F401


@pytest.mark.usefixtures("without_moto")
def test_without_moto_quotas_and_operations_still_import() -> None:
    """The names that need no moto (Quotas, OPERATIONS) import without it."""
    from orgconfig.testing import OPERATIONS, Quotas

    assert len(OPERATIONS) == 11
    assert Quotas().conformance_packs == 50


def test_after_the_missing_moto_tests_the_sandbox_runs() -> None:
    """The modules blocked above are back: a sandbox starts and serves requests."""
    from orgconfig.testing import sandbox

    with sandbox(accounts=1) as sb:
        listed = sb.client("config").describe_organization_config_rules()
        assert listed["OrganizationConfigRules"] == []


def test_moto_is_patched_only_while_a_sandbox_runs() -> None:
    """The constant-time lookups replace moto's while the sandbox runs, and moto's come back."""
    from moto.core.base_backend import BackendDict
    from moto.iam import models as iam_models

    from orgconfig.testing import _moto, sandbox

    lookup, create = iam_models.get_account_id_from, BackendDict._create_account_specific_backend
    with sandbox(accounts=2) as sb:
        assert iam_models.get_account_id_from is _moto.account_of_key
        assert BackendDict._create_account_specific_backend is not create
        recorders = sb.client("config", account_id=sb.member_account_ids[1])
        assert recorders.describe_configuration_recorders()["ConfigurationRecorders"]
    assert iam_models.get_account_id_from is lookup
    assert BackendDict._create_account_specific_backend is create


def imported_modules(path: Path) -> set[str]:
    """The top-level names of the modules ``path`` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(TESTING.glob("*.py")), ids=lambda p: p.name)
def test_only_the_adapter_imports_moto(path: Path) -> None:
    """No module of orgconfig.testing but _moto imports moto."""
    assert ("moto" in imported_modules(path)) == (path.name == "_moto.py")
