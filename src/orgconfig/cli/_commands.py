"""The ``orgconfig`` command: the group, and the commands over the organization as a whole.

Each command is a thin layer over the public API (``Organization``, ``load_desired``,
``make_plan``, ``Plan``, ``export_desired``): it parses options, calls the API, and prints the
result (``to_dict()`` with ``--json``). Errors of :mod:`orgconfig.errors` become exit codes in
:class:`OrgconfigGroup` (see :mod:`orgconfig.cli._exit`); the commands on one pack or rule are in
:mod:`orgconfig.cli._items`.
"""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

import click

from orgconfig import __version__, errors
from orgconfig.cli._context import Settings
from orgconfig.cli._exit import ExitCode, code_for, code_for_apply
from orgconfig.cli._options import global_options, settings, target_options, targets_from
from orgconfig.cli._output import pretty

__all__ = ["OrgconfigGroup", "cli"]


class OrgconfigGroup(click.Group):
    """The command group, whose ``main`` turns orgconfig errors into documented exit codes."""

    def main(  # type: ignore[override]  # returns the exit code when not standalone
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the command; exit (or, not standalone, return) with its exit code."""
        run = extra.pop("obj", None) or Settings()
        code = self._run(run, args, prog_name, complete_var, extra)
        if standalone_mode:
            sys.exit(int(code))
        return int(code)

    def _run(
        self,
        run: Settings,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        extra: dict[str, Any],
    ) -> ExitCode:
        try:
            with run.stack, _warnings_shown():
                value = super().main(
                    args,
                    prog_name or "orgconfig",
                    complete_var,
                    standalone_mode=False,
                    obj=run,
                    **extra,
                )
            return ExitCode(value) if isinstance(value, int) else ExitCode.OK
        except errors.OrgConfigError as e:
            code = code_for(e)
            run.output.error(e, code)
            return code
        except click.exceptions.NoArgsIsHelpError as e:
            e.show()
            return ExitCode.OK
        except click.UsageError as e:
            e.show()
            # The parse stopped before --json was read when it came after the mistake: the
            # arguments still say whether the caller asked for JSON.
            asked = run.json or "--json" in (sys.argv[1:] if args is None else list(args))
            if asked:
                message = errors.ValidationError(e.format_message(), field=None)
                click.echo(json.dumps(_usage(message), indent=2))
            return ExitCode.INVALID_INPUT
        except click.ClickException as e:
            e.show()
            return ExitCode.ERROR
        except (click.Abort, KeyboardInterrupt):
            click.echo("orgconfig: interrupted", err=True)
            return ExitCode.INTERRUPTED


@contextlib.contextmanager
def _warnings_shown() -> Iterator[None]:
    """Show warnings as one line each, ``orgconfig: UnknownNameWarning: ...``, once each."""
    shown: set[str] = set()

    def show(  # noqa: PLR0917  (warnings.showwarning's signature)
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        del filename, lineno, file, line  # one line, without the code that warned
        text = f"orgconfig: {category.__name__}: {message}"
        if text not in shown:
            shown.add(text)
            click.echo(text, err=True)

    from orgconfig import OrgConfigWarning  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.filterwarnings("default", category=OrgConfigWarning)
        warnings.showwarning = show
        yield


def _usage(error: errors.ValidationError) -> dict[str, Any]:
    from orgconfig.cli._output import error_dict  # noqa: PLC0415

    data = error_dict(error, ExitCode.INVALID_INPUT)
    data["error"]["type"] = "UsageError"
    return data


@click.group(
    cls=OrgconfigGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    no_args_is_help=True,
)
@global_options
@click.version_option(__version__, prog_name="orgconfig")
def cli() -> None:
    """Deploy AWS Config conformance packs and rules across an AWS Organization.

    Every command takes --json (results as JSON on standard output) and --sandbox (runs
    against an embedded, simulated organization: try any command without an AWS account).
    Exit codes: 0 ok, 1 error, 2 plan has changes (plan --detailed-exitcode), 3 deployment
    failed, 4 invalid input, 5 access or organization problem, 6 timeout, 7 not found.
    """


# -- demo ---------------------------------------------------------------------------------------


@cli.command()
@global_options
def demo() -> int:
    """Run the demo on the sandbox: preflight, a pack in two regions, two rules.

    Always runs on the embedded sandbox (no AWS account, no network); the region options do
    not apply.
    """
    from orgconfig.cli._demo import run_demo  # noqa: PLC0415

    run = settings()
    report = run_demo(run.open_sandbox(seeded=False), run.output)
    run.output.result(report, "")
    return ExitCode.OK


# -- preflight ----------------------------------------------------------------------------------


@cli.command()
@global_options
@target_options
@click.option(
    "--delivery-bucket",
    "delivery_buckets",
    multiple=True,
    metavar="BUCKET",
    help="Check this delivery bucket's policy too.",
)
def preflight(delivery_buckets: tuple[str, ...], **options: Any) -> int:
    """Check every prerequisite of a deployment (changes nothing).

    Exits 0 when every check is ok, 5 when a check found a problem or could not be made.
    """
    targets = targets_from(options)
    org = settings().organization()
    report = org.preflight(targets=targets, delivery_buckets=list(delivery_buckets))
    settings().output.result(report.to_dict(), report.summary())
    return ExitCode.OK if report.ok else ExitCode.ACCESS


# -- plan, apply, export ------------------------------------------------------------------------


def _prune(prune: bool, prune_all: bool) -> bool | Literal["all"]:
    return "all" if prune_all else prune


_FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command()
@global_options
@click.argument("desired", type=_FILE)
@click.option("--prune", is_flag=True, help="Also delete orgconfig-managed items not in the file.")
@click.option("--prune-all", is_flag=True, help="Also delete every item not in the file.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the plan has changes, 0 when it has none.",
)
@click.option("--out", type=_FILE, help="Save the plan to this file, for 'apply'.")
def plan(
    desired: Path, prune: bool, prune_all: bool, detailed_exitcode: bool, out: Path | None
) -> int:
    """Show what applying the desired-state file DESIRED would change."""
    from orgconfig.desired import load_desired  # noqa: PLC0415
    from orgconfig.plan import make_plan  # noqa: PLC0415

    run = settings()
    org = run.organization()
    state = load_desired(desired, session=org.session)
    made = make_plan(org, state, _prune(prune, prune_all))
    if out is not None:
        made.save(out)
        run.output.note(f"plan saved to {out}: apply it with 'orgconfig apply {out}'")
    run.output.result(made.to_dict(), made.summary())
    return ExitCode.CHANGES if detailed_exitcode and made.has_changes else ExitCode.OK


def _is_saved_plan(path: Path) -> bool:
    """Whether ``path`` holds a plan saved by ``plan --out`` (a JSON object with a format)."""
    try:
        with open(path, encoding="utf-8") as stream:
            head = stream.read(1).lstrip()
            if head != "{":
                return False
            data = json.loads(head + stream.read())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "format" in data and "items" in data


@cli.command()
@global_options
@click.argument("source", type=_FILE)
@click.option("--prune", is_flag=True, help="Also delete orgconfig-managed items not in the file.")
@click.option("--prune-all", is_flag=True, help="Also delete every item not in the file.")
@click.option(
    "--max-concurrency",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Changes made at once.",
)
@click.option("--timeout", type=click.FloatRange(min=0), help="Seconds to wait on each change.")
def apply(
    source: Path, prune: bool, prune_all: bool, max_concurrency: int, timeout: float | None
) -> int:
    """Make the organization hold SOURCE: a desired-state file, or a plan saved by 'plan --out'.

    A saved plan is applied exactly as reviewed, and refused (exit 1) if the organization
    changed since it was made.
    """
    from orgconfig.cli._waiting import wait_timeout  # noqa: PLC0415
    from orgconfig.desired import load_desired  # noqa: PLC0415
    from orgconfig.plan import Plan, make_plan  # noqa: PLC0415

    run = settings()
    org = run.organization()
    if _is_saved_plan(source):
        if prune or prune_all:
            raise errors.ValidationError(
                "--prune applies to a desired-state file: a saved plan keeps what it was made with",
                field="--prune",
            )
        made = Plan.load(source, org)
    else:
        desired = load_desired(source, session=org.session)
        made = make_plan(org, desired, _prune(prune, prune_all))
    run.output.note(f"applying {len(made.changes)} change(s)")
    with run.output.progress("apply") as progress:
        result = made.apply(
            max_concurrency=max_concurrency,
            timeout=wait_timeout(timeout),
            on_progress=lambda change, done, total: progress.update(
                f"{change.name}@{change.region}", done, total
            ),
        )
    text = made.summary() + "\n\n" + result.summary()
    run.output.result({"plan": made.to_dict(), "result": result.to_dict()}, text)
    return code_for_apply(item.error_type for item in result.failed)


@cli.command()
@global_options
@click.option("--out", type=_FILE, help="Write the desired-state file here (default: stdout).")
def export(out: Path | None) -> int:
    """Write a desired-state file for what is deployed now (to adopt an organization)."""
    from orgconfig.plan import export_desired  # noqa: PLC0415

    run = settings()
    org = run.organization()
    regions = list(org.regions)
    text = export_desired(org, regions)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:
            raise errors.ValidationError(
                f"cannot write {str(out)!r}: {e.strerror or e}", field="--out"
            ) from e
        run.output.note(f"desired state written to {out}")
    shown = "" if out is not None else text.rstrip("\n")
    data = {"regions": regions, "path": None if out is None else str(out), "desired_state": text}
    run.output.result(data, shown)
    return ExitCode.OK


# -- accounts -----------------------------------------------------------------------------------


@cli.command()
@global_options
def accounts() -> int:
    """List the organization's accounts with their OUs."""
    run = settings()
    org = run.organization()
    found = org.accounts()
    info = org.describe()
    data = {
        "organization_id": info.id,
        "management_account_id": info.management_account_id,
        "accounts": [account.to_dict() for account in found],
    }
    run.output.result(data, pretty(found))
    return ExitCode.OK


def _register() -> None:
    from orgconfig.cli import _items  # noqa: PLC0415  (the commands on one pack or rule)

    for command in _items.COMMANDS:
        cli.add_command(command)


_register()
