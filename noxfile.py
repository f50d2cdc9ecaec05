"""Sessions: tests, lint, typecheck, docs, demo, benchmarks.

Each session builds its own virtualenv from the project's own files, so a fresh machine needs
only Python and nox: ``python3 -m pip install nox && python3 -m nox -s tests``.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True
# `compat` runs on the Pythons that are installed and skips the others (README promises it).
nox.options.error_on_missing_interpreters = False

SOURCES = ("src", "tests", "benchmarks", "examples", "noxfile.py", "docs/conf.py")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (two workers; the sandbox makes it hermetic).

    Dependencies are upgraded eagerly, so a reused environment tests what a fresh machine
    installs: the newest release of every dependency.
    """
    session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    session.run("pytest", "-n", "2", "--dist", "loadfile", *session.posargs)


@nox.session(python=["3.10", "3.12", "3.13"])
def compat(session: nox.Session) -> None:
    """The test suite on the other supported Pythons (run where those interpreters exist)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-n", "2", "--dist", "loadfile", "-q", *session.posargs)


MINIMUMS = (
    "boto3==1.43.40",
    "botocore==1.43.40",
    "attrs==24.1.0",
    "cattrs==24.1.0",
    "tenacity==8.2.0",
    "PyYAML==6.0",
    "click==8.2.0",
)


@nox.session
def minimums(session: nox.Session) -> None:
    """The test suite on the lowest runtime dependency versions pyproject.toml allows."""
    session.install("-e", ".[test]")
    session.install(*MINIMUMS)
    session.run("pytest", "-n", "2", "--dist", "loadfile", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff: lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/ and tests/ (and the examples and benchmarks)."""
    session.install("-e", ".[typecheck]", "pytest-benchmark>=4")
    session.run("mypy", "--strict", "src", "tests", "examples", "benchmarks")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into docs/_build/html (warnings are errors)."""
    session.install("-e", ".[docs]")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")


@nox.session
def demo(session: nox.Session) -> None:
    """Run the demo: deploy to an organization simulated by the sandbox, show every account."""
    session.install("-e", ".[sandbox,guard]")  # guard: the demo's Guard rule is checked
    session.run("orgconfig", "demo", *session.posargs)


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Run the benchmarks (ratios against raw boto3 on the same sandbox backend)."""
    session.install("-e", ".[test]", "pytest-benchmark>=4")
    session.run("pytest", "benchmarks", "--benchmark-only", "-p", "no:xdist", *session.posargs)
