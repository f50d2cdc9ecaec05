"""Options shared by several commands: the global ones, targets, ``KEY=VALUE`` pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from orgconfig import errors
from orgconfig.cli._context import Settings

__all__ = ["global_options", "pairs", "settings", "target_options", "targets_from"]

_F = TypeVar("_F", bound=Callable[..., Any])


def settings() -> Settings:
    """Return the run's :class:`Settings` (made by the group)."""
    return click.get_current_context().ensure_object(Settings)


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """An option callback that records a given value in the run's settings."""

    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None and value is not False:
            setattr(ctx.ensure_object(Settings), name, value)

    return callback


def global_options(function: _F) -> _F:
    """Add the global options: accepted before the command and after it."""
    options = (
        click.option(
            "--profile",
            metavar="NAME",
            expose_value=False,
            callback=_store("profile"),
            help="AWS profile to use (default: the default credentials chain).",
        ),
        click.option(
            "--region",
            metavar="REGION",
            expose_value=False,
            callback=_store("region"),
            help="Home region (default: the profile's; us-east-1 with --sandbox).",
        ),
        click.option(
            "--regions",
            metavar="LIST",
            expose_value=False,
            callback=_store("regions"),
            help="Regions to work in: comma-separated, or 'all' (default: the home region; "
            "both sandbox regions with --sandbox).",
        ),
        click.option(
            "--template-bucket",
            metavar="BUCKET",
            expose_value=False,
            callback=_store("template_bucket"),
            help="S3 bucket for templates over 51,200 bytes.",
        ),
        click.option(
            "--json",
            "json_",
            is_flag=True,
            expose_value=False,
            callback=_store("json"),
            help="Print the result as JSON (shapes in docs/cli.md).",
        ),
        click.option(
            "--sandbox",
            is_flag=True,
            expose_value=False,
            callback=_store("sandbox"),
            help="Run against the embedded sandbox organization (no AWS account needed).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_store("quiet"),
            help="No progress and no notes on standard error.",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def pairs(values: Iterable[str], option: str) -> dict[str, str]:
    """Return ``KEY=VALUE`` option values as a mapping.

    Raises:
        ValidationError: a value without ``=`` or with an empty key (``field`` is the option).
    """
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise errors.ValidationError(f"{option} takes KEY=VALUE, not {value!r}", field=option)
        out[key] = rest
    return out


def target_options(function: _F) -> _F:
    """Add the target options (``--ou``, ``--account``, ``--tag`` and their ``--exclude-``)."""
    options = (
        click.option(
            "--ou",
            "ous",
            multiple=True,
            metavar="PATH|ID",
            help="Include this OU and the OUs under it (Root/Workloads or ou-...).",
        ),
        click.option(
            "--account", "accounts", multiple=True, metavar="ID", help="Include this account."
        ),
        click.option(
            "--tag",
            "tags",
            multiple=True,
            metavar="KEY=VALUE",
            help="Include the accounts with this tag.",
        ),
        click.option(
            "--exclude-ou",
            "exclude_ous",
            multiple=True,
            metavar="PATH|ID",
            help="Leave this OU (and the OUs under it) out.",
        ),
        click.option(
            "--exclude-account",
            "exclude_accounts",
            multiple=True,
            metavar="ID",
            help="Leave this account out.",
        ),
        click.option(
            "--exclude-tag",
            "exclude_tags",
            multiple=True,
            metavar="KEY=VALUE",
            help="Leave the accounts with this tag out.",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def targets_from(options: dict[str, Any]) -> Any:
    """Return the :class:`~orgconfig.Targets` the target options say (popped from ``options``).

    No target option means the whole organization (``Targets()``).
    """
    from orgconfig import Targets  # noqa: PLC0415  (on use)

    return Targets(
        ous=list(options.pop("ous")),
        accounts=list(options.pop("accounts")),
        tags=pairs(options.pop("tags"), "--tag"),
        exclude_ous=list(options.pop("exclude_ous")),
        exclude_accounts=list(options.pop("exclude_accounts")),
        exclude_tags=pairs(options.pop("exclude_tags"), "--exclude-tag"),
    )
