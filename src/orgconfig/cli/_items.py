"""The commands on one conformance pack or rule: ``deploy``, ``status``, ``failures``, ``delete``.

Each works in every region of the run (``--regions``; the home region by default) through
``org.in_regions()`` or ``org.in_region(name)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import click

from orgconfig import errors
from orgconfig.cli._exit import ExitCode, code_for
from orgconfig.cli._options import global_options, pairs, settings, target_options, targets_from
from orgconfig.cli._output import pretty

if TYPE_CHECKING:
    from orgconfig import (
        AccountStatus,
        ConformancePacks,
        MultiRegionDeployment,
        Organization,
        OrgConfigRules,
    )
    from orgconfig._limits import TriggerType

__all__ = ["COMMANDS"]

_KIND = click.Choice(["pack", "rule"])
_KIND_NAMES = {"pack": "conformance_pack", "rule": "rule"}
_TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    help="Seconds to wait in all (default: the polling policy's, 6 hours).",
)


def _collection(org: Organization, kind: str, region: str) -> ConformancePacks | OrgConfigRules:
    view = org.in_region(region)
    return view.conformance_packs if kind == "pack" else view.rules


def _finish(multi: MultiRegionDeployment, label: str, timeout: float | None) -> int:
    """Wait on ``multi`` with progress; print its result; return the exit code."""
    from orgconfig.cli._waiting import wait_everywhere  # noqa: PLC0415

    run = settings()
    try:
        result = wait_everywhere(multi, run.output.progress(label), timeout)
    except errors.MultiRegionError as e:
        run.output.result(e.result.to_dict(), pretty(e.result))
        message = str(e).replace("\n", "\n  ")
        click.echo(f"orgconfig: {type(e).__name__}: {message}", err=True)
        return code_for(e)
    run.output.result(result.to_dict(), pretty(result))
    return ExitCode.OK


# -- deploy -------------------------------------------------------------------------------------


@click.group()
def deploy() -> None:
    """Deploy one conformance pack or rule, and wait for every account."""


@deploy.command("pack")
@global_options
@click.argument("name")
@click.option("--template", required=True, metavar="FILE|S3URI", help="The pack's template.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter.")
@click.option(
    "--secret-param",
    "secret_params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter whose value is shown as *** everywhere.",
)
@click.option("--delivery-bucket", metavar="BUCKET", help="Where members deliver results.")
@click.option("--delivery-prefix", metavar="PREFIX", help="The key prefix in the bucket.")
@target_options
@_TIMEOUT
def deploy_pack(
    *,
    name: str,
    template: str,
    params: tuple[str, ...],
    secret_params: tuple[str, ...],
    delivery_bucket: str | None,
    delivery_prefix: str | None,
    timeout: float | None,
    **options: Any,
) -> int:
    """Deploy conformance pack NAME from a template, to the targeted accounts."""
    from orgconfig import ConformancePack, Template  # noqa: PLC0415

    parameters = pairs(params, "--param")
    secret = pairs(secret_params, "--secret-param")
    targets = targets_from(options)
    org = settings().organization()
    if template.startswith("s3://"):
        loaded = Template.from_s3_uri(template, session=org.session)
    else:
        loaded = Template.from_file(template)
    pack = ConformancePack(
        name,
        loaded,
        parameters={**parameters, **secret},
        sensitive=list(secret),
        delivery_bucket=delivery_bucket,
        delivery_prefix=delivery_prefix,
    )
    multi = org.in_regions().conformance_packs.put(pack, targets=targets)
    return _finish(multi, name, timeout)


@deploy.command("rule")
@global_options
@click.argument("name")
@click.option("--managed", metavar="IDENTIFIER", help="An AWS managed rule, by identifier.")
@click.option("--policy-file", metavar="FILE", help="A Guard custom policy rule, from a file.")
@click.option("--lambda", "lambda_arn", metavar="ARN", help="A custom Lambda rule.")
@click.option(
    "--trigger-type",
    "trigger_types",
    multiple=True,
    metavar="TYPE",
    help="For --lambda and --policy-file: ConfigurationItemChangeNotification, ...",
)
@click.option("--input", "inputs", multiple=True, metavar="KEY=VALUE", help="An input parameter.")
@click.option(
    "--resource-type",
    "resource_types",
    multiple=True,
    metavar="TYPE",
    help="Evaluate resources of this type (AWS::S3::Bucket).",
)
@click.option("--description", help="The rule's description.")
@click.option("--max-frequency", metavar="FREQUENCY", help="One_Hour, ..., TwentyFour_Hours.")
@target_options
@_TIMEOUT
def deploy_rule(
    *,
    name: str,
    managed: str | None,
    policy_file: str | None,
    lambda_arn: str | None,
    trigger_types: tuple[str, ...],
    inputs: tuple[str, ...],
    resource_types: tuple[str, ...],
    description: str | None,
    max_frequency: str | None,
    timeout: float | None,
    **options: Any,
) -> int:
    """Deploy rule NAME: one of --managed, --policy-file or --lambda."""
    from orgconfig import OrgConfigRule  # noqa: PLC0415

    given = [
        o
        for o, v in (
            ("--managed", managed),
            ("--policy-file", policy_file),
            ("--lambda", lambda_arn),
        )
        if v is not None
    ]
    if len(given) != 1:
        raise errors.ValidationError(
            "give exactly one of --managed, --policy-file and --lambda"
            + (f", not {' and '.join(given)}" if given else ""),
            field="kind",
        )
    targets = targets_from(options)
    common: dict[str, Any] = {
        "description": description,
        "input_parameters": pairs(inputs, "--input") or None,
        "max_frequency": max_frequency,
        "resource_types": list(resource_types),
    }
    if managed is not None:
        if trigger_types:
            raise errors.ValidationError(
                "--trigger-type is for --lambda and --policy-file", field="--trigger-type"
            )
        rule = OrgConfigRule.managed(name, managed, **common)
    elif policy_file is not None:
        if trigger_types:
            common["trigger_types"] = list(trigger_types)
        rule = OrgConfigRule.custom_policy_from_file(name, policy_file, **common)
    else:
        assert lambda_arn is not None
        rule = OrgConfigRule.custom_lambda(
            name, lambda_arn, cast("list[TriggerType]", list(trigger_types)), **common
        )
    org = settings().organization()
    multi = org.in_regions().rules.put(rule, targets=targets)
    return _finish(multi, name, timeout)


# -- delete -------------------------------------------------------------------------------------


@click.command()
@global_options
@click.argument("kind", type=_KIND)
@click.argument("name")
@click.option("--missing-ok", is_flag=True, help="Succeed when it does not exist.")
@_TIMEOUT
def delete(kind: str, name: str, missing_ok: bool, timeout: float | None) -> int:
    """Delete pack or rule NAME from every account, and wait (KIND: pack or rule)."""
    org = settings().organization()
    everywhere = org.in_regions()
    collection = everywhere.conformance_packs if kind == "pack" else everywhere.rules
    multi = collection.delete(name, missing_ok=missing_ok)
    return _finish(multi, name, timeout)


# -- status and failures ------------------------------------------------------------------------


def _with_names(org: Organization, accounts: list[AccountStatus]) -> list[AccountStatus]:
    """The accounts with their names and states, when the caller may read the organization."""
    import attrs  # noqa: PLC0415

    try:
        known = {a.id: a for a in org.accounts()}
    except (errors.AccessDeniedError, errors.OrganizationNotReadyError):
        return accounts
    named = []
    for account in accounts:
        found = known.get(account.account_id)
        named.append(
            attrs.evolve(
                account,
                account_name=found.name if found else None,
                account_state=found.status if found else "DEPARTED",
            )
        )
    return named


def _per_region(
    kind: str, name: str
) -> tuple[dict[str, tuple[Any, list[AccountStatus]]], dict[str, errors.OrgConfigError]]:
    """Read ``name``'s aggregate and per-account status in every region of the run.

    Raises:
        OrgConfigError: every region failed (the first region's error).
    """
    org = settings().organization()
    found: dict[str, tuple[Any, list[AccountStatus]]] = {}
    failed: dict[str, errors.OrgConfigError] = {}
    for region in org.regions:
        collection = _collection(org, kind, region)
        try:
            status = collection.status(name)
            accounts = _with_names(org, list(collection.account_statuses(name)))
        except errors.OrgConfigError as e:
            if isinstance(e, errors.ValidationError) and not isinstance(e, errors.ApiError):
                raise  # bad input is bad everywhere
            failed[region] = e
            continue
        found[region] = (status, accounts)
    if not found:
        raise next(iter(failed.values()))
    return found, failed


def _errors_dict(failed: dict[str, errors.OrgConfigError]) -> dict[str, Any]:
    return {
        region: {
            "type": type(e).__name__,
            "code": getattr(e, "code", None),
            "message": str(e),
        }
        for region, e in sorted(failed.items())
    }


@click.command()
@global_options
@click.argument("kind", type=_KIND)
@click.argument("name")
def status(kind: str, name: str) -> int:
    """Show pack or rule NAME's status: in aggregate and per account, in every region."""
    from orgconfig import DeploymentResult  # noqa: PLC0415

    found, failed = _per_region(kind, name)
    regions: dict[str, Any] = {}
    text: list[str] = []
    for region, (aggregate, accounts) in sorted(found.items()):
        table = DeploymentResult(name, _KIND_NAMES[kind], region, aggregate.status, tuple(accounts))
        shape = table.to_dict()
        regions[region] = {
            "status": aggregate.to_dict(),
            "ok": shape["ok"],
            "counts": shape["counts"],
            "accounts": shape["accounts"],
        }
        text.append(pretty(table))
    text += [f"{region}: {type(e).__name__}: {e}" for region, e in sorted(failed.items())]
    data = {
        "kind": _KIND_NAMES[kind],
        "name": name,
        "regions": regions,
        "errors": _errors_dict(failed),
    }
    settings().output.result(data, "\n\n".join(text))
    return ExitCode.OK


@click.command()
@global_options
@click.argument("kind", type=_KIND)
@click.argument("name")
def failures(kind: str, name: str) -> int:
    """List the accounts where pack or rule NAME failed, with their names and errors."""
    found, failed = _per_region(kind, name)
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    for region, (_aggregate, accounts) in sorted(found.items()):
        for account in accounts:
            if account.status.failed:
                rows.append({"region": region, **account.to_dict()})
                who = (
                    f"{account.account_id} ({account.account_name})"
                    if account.account_name
                    else account.account_id
                )
                lines.append(
                    f"{region}  {who}  {account.status.value}  "
                    f"{account.error_code or ''}: {account.error_message or ''}"
                )
    lines += [f"{region}: {type(e).__name__}: {e}" for region, e in sorted(failed.items())]
    head = f"{_KIND_NAMES[kind]} {name!r}: {len(rows)} failed account(s)"
    data = {
        "kind": _KIND_NAMES[kind],
        "name": name,
        "regions": sorted(found),
        "count": len(rows),
        "failures": rows,
        "errors": _errors_dict(failed),
    }
    settings().output.result(data, "\n".join([head, *lines]))
    return ExitCode.OK


COMMANDS = (deploy, delete, status, failures)
"""The commands this module adds to the group."""
