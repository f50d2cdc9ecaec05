"""What the command prints: results (text or ``--json``), errors, and live progress.

Results go to standard output: the text a person reads, or with ``--json`` one JSON document (the
``to_dict()`` shapes of the public API, documented in ``docs/cli.md``). Everything else (progress,
notes, error messages) goes to standard error, so a script can parse standard output.

Progress shows finished/total accounts per region: on a terminal one line rewritten in place,
elsewhere a plain line whenever a count changes.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from typing import Any, TextIO

import click

from orgconfig import errors
from orgconfig.cli._exit import ExitCode

__all__ = ["Output", "Progress", "error_dict", "pretty"]


def error_dict(error: errors.OrgConfigError, code: ExitCode) -> dict[str, Any]:
    """Return ``error`` as the ``--json`` error document (see ``docs/cli.md``)."""
    aws_code = getattr(error, "code", None)
    field = getattr(error, "field", None)
    return {
        "error": {
            "type": type(error).__name__,
            "code": aws_code if isinstance(aws_code, str) else None,
            "field": field if isinstance(field, str) else None,
            "message": str(error),
        },
        "exit_code": int(code),
    }


class Progress:
    """Finished/total accounts per region, for one wait.

    ``callback(region)`` gives the ``on_progress`` callback of that region's wait. On a
    terminal (``live``) one line is rewritten in place and ended by :meth:`close`; otherwise a
    plain line is written whenever a region's count changes. A disabled progress writes nothing.
    """

    def __init__(self, label: str, stream: TextIO, *, live: bool, enabled: bool = True) -> None:
        self.label = label
        self._stream = stream
        self._live = live
        self._enabled = enabled
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._shown = False

    def callback(self, region: str) -> Any:
        """Return an ``on_progress(finished, total)`` callback for ``region``."""

        def report(finished: int, total: int) -> None:
            self.update(region, finished, total)

        return report

    def update(self, region: str, finished: int, total: int) -> None:
        """Record ``region``'s counts and show them."""
        with self._lock:
            if self._counts.get(region) == (finished, total):
                return
            self._counts[region] = (finished, total)
            if not self._enabled:
                return
            if self._live:
                self._write("\r\x1b[2K" + self.line())
                self._shown = True
            else:
                self._write(f"{self.label}: {region} {finished}/{total} accounts finished\n")

    def line(self) -> str:
        """Return the counts as one line: ``label: us-east-1 3/6, eu-west-1 2/6 accounts``."""
        parts = [
            f"{region} {done}/{total}" for region, (done, total) in sorted(self._counts.items())
        ]
        return f"{self.label}: {', '.join(parts)} accounts finished"

    def close(self) -> None:
        """End the live line (a no-op otherwise)."""
        with self._lock:
            if self._live and self._shown:
                self._write("\n")
                self._shown = False

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Output:
    """Where and how a command prints.

    Attributes:
        json: print results as JSON (``--json``).
        quiet: no progress and no notes (``--quiet``).
    """

    def __init__(self, *, json: bool = False, quiet: bool = False) -> None:
        self.json = json
        self.quiet = quiet

    @property
    def stdout(self) -> TextIO:
        """Standard output (looked up on use, so a test runner's replacement is used)."""
        return sys.stdout

    @property
    def stderr(self) -> TextIO:
        """Standard error (looked up on use)."""
        return sys.stderr

    def result(self, data: Mapping[str, Any], text: str) -> None:
        """Print a command's result: ``data`` as JSON with ``--json``, else ``text``."""
        if self.json:
            click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        elif text:
            click.echo(text)

    def say(self, text: str = "") -> None:
        """Print a line for a person (standard output; nothing with ``--json``)."""
        if not self.json:
            click.echo(text)

    def note(self, text: str) -> None:
        """Print a note to standard error (nothing with ``--quiet``)."""
        if not self.quiet:
            click.echo(text, err=True)

    def error(self, error: errors.OrgConfigError, code: ExitCode) -> None:
        """Report ``error``: its message on standard error; with ``--json`` also a document."""
        message = str(error).replace("\n", "\n  ")
        click.echo(f"orgconfig: {type(error).__name__}: {message}", err=True)
        if self.json:
            click.echo(json.dumps(error_dict(error, code), indent=2, ensure_ascii=False))

    def progress(self, label: str) -> Progress:
        """Return a progress display for one wait (live on a terminal, on standard error)."""
        stream = self.stderr
        live = _is_terminal(stream)
        return Progress(label, stream, live=live, enabled=not self.quiet)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Printer:
    """The part of IPython's pretty printer that ``_repr_pretty_`` uses, collecting text."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, obj: str) -> None:
        self.parts.append(obj)


def pretty(obj: object) -> str:
    """Return ``obj`` as its notebook table (``_repr_pretty_``), else its ``str``."""
    show = getattr(obj, "_repr_pretty_", None)
    if show is None:
        return str(obj)
    printer = _Printer()
    show(printer, False)
    return "".join(printer.parts)
