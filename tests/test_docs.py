"""The documentation's examples run: the tutorial in order, and the rules guide on a sandbox."""

from __future__ import annotations

import re

import pytest

from orgconfig import Organization
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
