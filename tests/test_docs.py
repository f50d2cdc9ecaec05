"""The documentation's examples run: the quickstart, the tutorial, the guides on a sandbox."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orgconfig import MultiRegionResult, Organization
from orgconfig.testing import Sandbox, sandbox
from tests.conftest import POLLING, REPO

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: str) -> list[str]:
    return _BLOCK.findall((REPO / "docs" / page).read_text(encoding="utf-8"))


def run_blocks(blocks: list[str], namespace: dict[str, object]) -> None:
    for i, block in enumerate(blocks):
        code = compile(block, f"<block {i + 1}>", "exec")
        exec(code, namespace)


def test_tutorial_runs_from_top_to_bottom(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code block of the tutorial runs, in order, as a reader would type it."""
    monkeypatch.chdir(REPO)
    blocks = python_blocks("tutorial.md")
    assert len(blocks) >= 7
    namespace: dict[str, object] = {"print": lambda *args, **kwargs: None}
    try:
        run_blocks(blocks, namespace)
    finally:
        sb = namespace.get("sb")
        if isinstance(sb, Sandbox):
            sb.stop()
    result = namespace["result"]
    assert "1 failed" in result.summary()  # type: ignore[attr-defined]  # a DeploymentResult


def test_rules_guide_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code block of the rules guide runs against a sandboxed organization."""
    monkeypatch.chdir(REPO)
    with sandbox(accounts=3) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        namespace: dict[str, object] = {"org": org, "print": lambda *a, **k: None}
        exec("from orgconfig import Template", namespace)
        run_blocks(python_blocks("rules.md"), namespace)
        assert sorted(org.rules.names()) == ["dynamodb-encrypted", "s3-versioning"]


@pytest.mark.parametrize(
    "page", ["README.md", "docs/sandbox.md", "docs/regions.md", "docs/prerequisites.md"]
)
def test_sandbox_examples_run(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox examples of the README and the sandbox guide run as written."""
    monkeypatch.chdir(REPO)
    text = (REPO / page).read_text(encoding="utf-8")
    blocks = [b for b in _BLOCK.findall(text) if "with sandbox(" in b]
    assert blocks
    for block in blocks:
        run_blocks([block.replace("    ...", "    pass")], {"print": lambda *a, **k: None})


def test_the_design_map_lists_every_module_and_only_those() -> None:
    """docs/design.md names each module of the package, and names none that does not exist."""
    text = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    listed: set[str] = set()
    folder = ""
    for line in block.splitlines():
        match = re.match(r"^(\s*)([\w/]+(?:\.py|/))\s", line + " ")
        if not match:
            continue
        indent, name = match.groups()
        if name.endswith("/"):
            folder = name
            continue
        listed.add(f"{folder if indent else ''}{name}")
        if not indent:
            folder = ""
    package = REPO / "src" / "orgconfig"
    actual = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    assert listed == actual


def test_the_readme_quickstart_runs_against_a_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """README's first example runs as written, in an organization that has its OU and regions."""
    monkeypatch.chdir(REPO)
    block = _BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))[0]
    assert "Organization.connect(" in block
    with sandbox(accounts=4, regions=("eu-west-1", "us-east-1"), ous={"Workloads": 2}) as sb:
        sb.session.client("s3", region_name="eu-west-1").create_bucket(
            Bucket="my-org-templates",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        run_blocks([block], {"print": lambda *a, **k: None})


def _blocks(page: str, language: str) -> list[str]:
    pattern = re.compile(rf"^```{language}\n(.*?)^```", re.S | re.M)
    return pattern.findall((REPO / "docs" / page).read_text(encoding="utf-8"))


def test_the_quickstart_script_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quickstart's first script runs as written, from the root of the checkout."""
    monkeypatch.chdir(REPO)
    blocks = python_blocks("quickstart.md")
    assert len(blocks) == 1
    namespace: dict[str, object] = {"print": lambda *a, **k: None}
    try:
        run_blocks(blocks, namespace)
    finally:
        sb = namespace.get("sb")
        if isinstance(sb, Sandbox):
            sb.stop()
    result = namespace["result"]
    assert isinstance(result, MultiRegionResult)
    assert result.ok
    assert set(result.results) == {"us-east-1", "eu-west-1"}


def test_the_quickstart_desired_state_file_loads() -> None:
    """The quickstart's desired-state file is valid, its template path relative to the checkout."""
    from orgconfig.desired import DesiredState

    (text,) = _blocks("quickstart.md", "yaml")
    desired = DesiredState.from_yaml(text, source="orgconfig.yaml", base_dir=REPO)
    assert [p.name for p in desired.conformance_packs] == ["s3-baseline"]
    assert desired.conformance_packs[0].targets.ous == ("Root/Workloads",)
    assert [r.name for r in desired.rules] == ["s3-versioning"]
    assert desired.regions == ("us-east-1", "eu-west-1")


# What each `orgconfig --sandbox` command of the quickstart exits with (docs/cli.md's codes).
_QUICKSTART_EXITS = {"preflight": 5, "plan": 0, "apply": 0}


def test_the_quickstart_commands_run(tmp_path: Path) -> None:
    """The quickstart's sandbox commands run as a subprocess, in order, with the codes it says."""
    (text,) = _blocks("quickstart.md", "yaml")
    (tmp_path / "orgconfig.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    lines = [
        line.split("#", 1)[0].split()
        for block in _blocks("quickstart.md", "sh")
        for line in block.splitlines()
        if line.startswith("orgconfig --sandbox ")
    ]
    assert [words[2] for words in lines] == ["preflight", "plan", "apply"]
    for words in lines:
        done = subprocess.run(
            [sys.executable, "-m", "orgconfig.cli", *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == _QUICKSTART_EXITS[words[2]], (words, done.stdout, done.stderr)
    assert (tmp_path / "plan.json").exists()


def test_the_automation_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The automation page's script and its sandbox test run, the test as the fixture would."""
    from orgconfig.testing.pytest_plugin import DEFAULTS

    monkeypatch.chdir(REPO)
    script, test, *_logging = python_blocks("automation.md")
    namespace: dict[str, object] = {}
    run_blocks([script, test], namespace)
    tests = {k: v for k, v in namespace.items() if k.startswith("test_") and callable(v)}
    assert tests
    for function in tests.values():
        (marker,) = [m for m in getattr(function, "pytestmark", []) if m.name == "org_sandbox"]
        with sandbox(**{**DEFAULTS, **marker.kwargs}) as sb:
            function(sb)


def test_the_automation_logging_examples_run() -> None:
    """The logging examples run, and leave logging as they found it."""
    import logging

    from orgconfig import redaction

    blocks = [b for b in python_blocks("automation.md") if "logging.getLogger" in b]
    blocks = [b for b in blocks if "def rollout" not in b]
    assert len(blocks) == 2
    loggers = [logging.getLogger(n) for n in ("orgconfig", "botocore")]
    levels = [lg.level for lg in loggers]
    root_handlers = list(logging.getLogger().handlers)
    was_installed = redaction.installed()
    try:
        run_blocks(blocks, {})
        assert redaction.installed()
        assert logging.getLogger("orgconfig").level == logging.INFO
    finally:
        if not was_installed:
            redaction.uninstall()
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        root = logging.getLogger()
        for handler in root.handlers[:]:
            if handler not in root_handlers:
                root.removeHandler(handler)


def _policy_actions(page: str) -> list[set[str]]:
    found = []
    for block in _blocks(page, "json"):
        document = json.loads(block)
        actions: set[str] = set()
        for statement in document["Statement"]:
            names = statement["Action"]
            actions.update([names] if isinstance(names, str) else names)
        found.append(actions)
    return found


def test_the_iam_policy_names_every_call_and_real_actions() -> None:
    """The guide's IAM policy grants every AWS Config call orgconfig makes, and only real ones.

    The Config and Organizations actions are checked against botocore's models (an IAM action
    of these services is named as the API operation).
    """
    import botocore.session

    from orgconfig._kinds import PACKS, RULES

    (actions,) = _policy_actions("aws-accounts.md")
    made = {
        f"config:{getattr(kind, verb)}"
        for kind in (PACKS, RULES)
        for verb in ("put", "describe", "statuses", "detailed", "delete")
    }
    made |= {
        "config:GetOrganizationCustomRulePolicy",
        "config:ListTagsForResource",
        "config:TagResource",
        "config:UntagResource",
        "organizations:EnableAWSServiceAccess",
        "organizations:RegisterDelegatedAdministrator",
        "sts:AssumeRole",
    }
    assert made <= actions
    session = botocore.session.get_session()
    for service in ("config", "organizations", "sts"):
        operations = set(session.get_service_model(service).operation_names)
        named = {a.split(":", 1)[1] for a in actions if a.startswith(f"{service}:")}
        assert named <= operations, named - operations


def test_the_api_reference_names_every_public_name() -> None:
    """docs/api.md documents each name of orgconfig.__all__ (the errors through their module)."""
    import orgconfig
    from orgconfig import errors

    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in orgconfig.__all__
        if name != "__version__" and name not in errors.__all__ and f"orgconfig.{name}" not in text
    ]
    assert missing == []
    assert ".. automodule:: orgconfig.errors" in text
