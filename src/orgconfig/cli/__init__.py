"""The ``orgconfig`` command: a thin layer over orgconfig's public API.

``orgconfig --help`` lists the commands; ``docs/cli.md`` is the reference (every command, option,
exit code and JSON shape). The command is built with `click <https://click.palletsprojects.com>`_
and imported only when it runs: ``import orgconfig`` never loads it.

Example::

    orgconfig --sandbox status pack s3-baseline --json
    orgconfig plan orgconfig.yaml --detailed-exitcode --out plan.json
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main", "run"]


def run(args: Sequence[str] | None = None) -> int:
    """Run the command with ``args`` (the process's arguments when None); return the exit code."""
    from orgconfig.cli._commands import cli  # noqa: PLC0415  (click, on use)

    return int(cli.main(args, prog_name="orgconfig", standalone_mode=False))


def main() -> None:
    """The console script ``orgconfig``: run the command and exit with its code."""
    raise SystemExit(run())
