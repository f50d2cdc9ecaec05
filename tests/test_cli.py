"""The ``orgconfig`` command: every command, its ``--json`` and its exit code.

Each command runs once as a subprocess (``python -m orgconfig.cli``, or the console script), on
the embedded sandbox (``--sandbox``), as a script would run it; the other cases run in-process
through click's ``CliRunner`` (the same entry point, without the interpreter's start-up cost).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orgconfig import errors
from orgconfig.cli import run
from orgconfig.cli._commands import cli
from orgconfig.cli._exit import ExitCode, code_for, code_for_apply
from orgconfig.cli._output import Progress

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "examples" / "templates"

DESIRED = """\
version: 1
regions: [us-east-1]
conformance_packs:
  - name: s3-baseline
    template: {templates}/s3-baseline.yaml
    parameters: {{S3BucketVersioningEnabledParamIsMfaDeleteEnabled: "false"}}
    targets: {{ous: [Root/Workloads]}}
rules:
  - name: dynamodb-encrypted
    kind: custom_policy
    policy_file: {templates}/dynamodb-encrypted.guard
    resource_types: [AWS::DynamoDB::Table]
"""


def orgconfig(*args: str, cwd: Path | None = None) -> tuple[int, Any, str]:
    """Run ``python -m orgconfig.cli ARGS`` as a script would: (exit code, JSON out, stderr)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    done = subprocess.run(
        [sys.executable, "-m", "orgconfig.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
        check=False,
    )
    out = json.loads(done.stdout) if "--json" in args else done.stdout
    return done.returncode, out, done.stderr


def invoke(*args: str) -> tuple[int, Any, str]:
    """Run the command in-process: (exit code, JSON out or text, stderr)."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    out = json.loads(result.stdout) if "--json" in args else result.stdout
    return result.exit_code, out, result.stderr


@pytest.fixture
def desired(tmp_path: Path) -> Path:
    """A desired-state file: a pack and a Guard rule, in us-east-1."""
    path = tmp_path / "orgconfig.yaml"
    path.write_text(DESIRED.format(templates=TEMPLATES.as_posix()), encoding="utf-8")
    return path


# -- every command, as a subprocess ------------------------------------------------------------


def test_help_from_the_console_script() -> None:
    """The package installs an ``orgconfig`` script whose --help lists every command."""
    script = Path(sys.executable).with_name("orgconfig")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for command in (
        "demo",
        "preflight",
        "plan",
        "apply",
        "deploy",
        "status",
        "failures",
        "delete",
        "export",
        "accounts",
    ):
        assert command in done.stdout


def test_demo() -> None:
    """``demo --json`` runs the main job on the sandbox and reports every step."""
    code, out, _ = orgconfig("demo", "--json", "--quiet")
    assert code == ExitCode.OK
    assert out["conformance_pack"]["failed_regions"] == ["eu-west-1"]
    assert out["conformance_pack_again"]["ok"] is True
    assert out["rules"]["dynamodb-encrypted"]["ok"] is True
    assert out["guard_rule_reads_back"] is True
    assert out["targets_added"] == [out["joined_account"]]


def test_preflight_with_a_problem() -> None:
    """preflight exits 5 when a check finds a problem (a member without a recorder)."""
    code, out, _ = orgconfig("--sandbox", "preflight", "--ou", "Root/Workloads", "--json")
    assert code == ExitCode.ACCESS
    assert out["ok"] is False
    assert out["counts"]["problem"] == 1
    (bad,) = (c for c in out["checks"] if c["status"] == "problem")
    assert bad["name"] == "configuration_recorders"
    assert list(bad["by_region"]) == ["eu-west-1"]


def test_plan_saved_then_applied(desired: Path, tmp_path: Path) -> None:
    """plan --detailed-exitcode exits 2 with changes; the saved plan applies in a new run."""
    saved = tmp_path / "plan.json"
    code, out, err = orgconfig(
        "--sandbox", "plan", str(desired), "--detailed-exitcode", "--out", str(saved), "--json"
    )
    assert code == ExitCode.CHANGES, err
    assert out["has_changes"] is True
    assert out["counts"]["create"] == 1
    assert {(i["name"], i["action"]) for i in out["items"]} == {
        ("s3-baseline", "unchanged"),
        ("dynamodb-encrypted", "create"),
    }
    assert saved.exists()

    code, out, err = orgconfig("--sandbox", "apply", str(saved), "--json")
    assert code == ExitCode.OK, err
    assert out["result"]["ok"] is True
    (item,) = out["result"]["items"]
    assert (item["name"], item["action"], item["status"]) == (
        "dynamodb-encrypted",
        "create",
        "CREATE_SUCCESSFUL",
    )


def test_apply_a_desired_state_file_with_a_failure(desired: Path) -> None:
    """apply of a desired-state file exits 3 when a change fails in an account."""
    text = desired.read_text(encoding="utf-8")
    desired.write_text(text.replace("[us-east-1]", "[us-east-1, eu-west-1]"), encoding="utf-8")
    code, out, _ = orgconfig("--sandbox", "apply", str(desired), "--json")
    assert code == ExitCode.DEPLOYMENT_FAILED
    assert out["result"]["ok"] is False
    failed = [i for i in out["result"]["items"] if not i["ok"]]
    assert failed
    assert all(i["region"] == "eu-west-1" for i in failed)


def test_deploy_pack_failed_in_one_region() -> None:
    """deploy pack exits 3 when an account fails, and --json names it, in every region."""
    code, out, err = orgconfig(
        "--sandbox",
        "deploy",
        "pack",
        "baseline",
        "--template",
        str(TEMPLATES / "s3-baseline.yaml"),
        "--param",
        "S3BucketVersioningEnabledParamIsMfaDeleteEnabled=false",
        "--ou",
        "Root/Workloads",
        "--json",
    )
    assert code == ExitCode.DEPLOYMENT_FAILED
    assert out["ok"] is False
    assert out["failed_regions"] == ["eu-west-1"]
    assert out["results"]["us-east-1"]["ok"] is True
    (failed,) = (a for a in out["results"]["eu-west-1"]["accounts"] if a["status"].endswith("D"))
    assert failed["account_name"] == "member-002"
    assert failed["error_code"] == "NoAvailableConfigurationRecorderException"
    assert "MultiRegionError" in err


def test_deploy_rule() -> None:
    """deploy rule --managed exits 0 when every account succeeds."""
    code, out, _ = orgconfig(
        "--sandbox",
        "deploy",
        "rule",
        "s3-public-read",
        "--managed",
        "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        "--regions",
        "us-east-1",
        "--json",
    )
    assert code == ExitCode.OK
    assert out["ok"] is True
    assert out["counts"]["succeeded"] == 9


def test_status() -> None:
    """status gives the aggregate and every account, with names, per region."""
    code, out, _ = orgconfig("--sandbox", "status", "pack", "s3-baseline", "--json")
    assert code == ExitCode.OK
    assert sorted(out["regions"]) == ["eu-west-1", "us-east-1"]
    east = out["regions"]["us-east-1"]
    assert east["status"]["status"] == "CREATE_SUCCESSFUL"
    assert east["counts"]["accounts"] == 5
    assert all(a["account_name"] for a in east["accounts"])
    assert out["regions"]["eu-west-1"]["counts"]["failed"] == 1
    assert out["errors"] == {}


def test_failures() -> None:
    """failures lists each failed account with its region, name and error."""
    code, out, _ = orgconfig("--sandbox", "failures", "rule", "s3-versioning", "--json")
    assert code == ExitCode.OK
    assert out["count"] == 1
    (failure,) = out["failures"]
    assert failure["region"] == "eu-west-1"
    assert failure["account_name"] == "member-002"
    assert failure["error_code"]


def test_delete() -> None:
    """delete removes a pack from every region and waits."""
    code, out, _ = orgconfig("--sandbox", "delete", "pack", "s3-baseline", "--json", "-q")
    assert code == ExitCode.OK
    assert out["ok"] is True
    assert {r["status"] for r in out["results"].values()} == {"DELETE_SUCCESSFUL"}


def test_export(tmp_path: Path) -> None:
    """export writes a desired-state file that load_desired reads back."""
    from orgconfig.desired import load_desired

    code, out, _ = orgconfig("--sandbox", "export", "--json")
    assert code == ExitCode.OK
    assert out["regions"] == ["us-east-1", "eu-west-1"]
    text = out["desired_state"]
    assert "s3-versioning" in text
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "s3-baseline.yaml").write_bytes(
        (TEMPLATES / "s3-baseline.yaml").read_bytes()
    )
    (tmp_path / "exported.yaml").write_text(text, encoding="utf-8")
    state = load_desired(tmp_path / "exported.yaml")
    assert [p.name for p in state.conformance_packs] == ["s3-baseline"]


def test_accounts() -> None:
    """accounts lists the sandbox organization: the management account and eight members."""
    code, out, _ = orgconfig("--sandbox", "accounts", "--json")
    assert code == ExitCode.OK
    assert len(out["accounts"]) == 9
    assert {a["ou_path"] for a in out["accounts"]} == {"Root", "Root/Workloads", "Root/Sandbox"}


def test_invalid_input_exit_code() -> None:
    """A template that cannot be read exits 4 with a JSON error naming the field."""
    code, out, err = orgconfig(
        "--sandbox", "deploy", "pack", "p", "--template", "missing.yaml", "--json"
    )
    assert code == ExitCode.INVALID_INPUT
    assert out["error"]["type"] == "TemplateError"
    assert out["error"]["field"] == "template"
    assert out["exit_code"] == 4
    assert "Traceback" not in err


# -- the other cases, in-process ----------------------------------------------------------------


def test_timeout_exit_code() -> None:
    """A wait that runs out of time exits 6, with the progress seen so far."""
    code, out, err = invoke(
        "--sandbox",
        "--regions",
        "us-east-1",
        "deploy",
        "rule",
        "r1",
        "--managed",
        "S3_BUCKET_VERSIONING_ENABLED",
        "--timeout",
        "60",
        "--json",
    )
    assert code == ExitCode.TIMEOUT
    assert out["errors"]["us-east-1"]["type"] == "DeploymentTimeoutError"
    assert "DeploymentTimeoutError" in err


def test_not_found_exit_code() -> None:
    """status of a pack that exists nowhere exits 7."""
    code, out, _ = invoke("--sandbox", "status", "pack", "nope", "--json")
    assert code == ExitCode.NOT_FOUND
    assert out["error"]["type"] == "NotFoundError"


def test_usage_error_exit_code() -> None:
    """A usage error (a missing argument) is invalid input: exit 4, no traceback."""
    code, out, _ = invoke("status", "pack", "--json")
    assert code == ExitCode.INVALID_INPUT
    assert out["error"]["type"] == "UsageError"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--regions", "us-east1", "accounts"), "region"),
        (("deploy", "rule", "r", "--managed", "X", "--lambda", "arn"), "kind"),
        (("deploy", "pack", "p", "--template", "t.yaml", "--param", "novalue"), "--param"),
        (("--profile", "p", "accounts"), "--profile"),
    ],
)
def test_invalid_options(args: tuple[str, ...], field: str) -> None:
    """Bad option values exit 4 and name the option or field."""
    code, out, _ = invoke("--sandbox", *args, "--json")
    assert code == ExitCode.INVALID_INPUT
    assert out["error"]["field"] == field


def test_unknown_profile_is_an_access_problem(tmp_path: Path, monkeypatch: Any) -> None:
    """An AWS profile that does not exist is a configuration problem: exit 5."""
    empty = tmp_path / "config"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    code, out, _ = invoke("--profile", "nope", "accounts", "--json")
    assert code == ExitCode.ACCESS
    assert out["error"]["type"] == "ConfigurationError"


def test_stale_plan_is_refused(desired: Path, tmp_path: Path) -> None:
    """A saved plan whose organization changed since is refused: exit 1, nothing applied."""
    saved = tmp_path / "plan.json"
    code, _, _ = invoke("--sandbox", "-q", "plan", str(desired), "--out", str(saved))
    assert code == ExitCode.OK
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["fingerprint"] = "0" * 64
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = invoke("--sandbox", "apply", str(saved), "--json")
    assert code == ExitCode.ERROR
    assert out["error"]["type"] == "PlanStaleError"


def test_plan_without_changes_exits_0(tmp_path: Path) -> None:
    """plan --detailed-exitcode exits 0 when nothing would change."""
    path = tmp_path / "same.yaml"
    path.write_text(
        DESIRED.format(templates=TEMPLATES.as_posix()).split("rules:")[0], encoding="utf-8"
    )
    code, out, _ = invoke("--sandbox", "plan", str(path), "--detailed-exitcode", "--json")
    assert code == ExitCode.OK
    assert out["has_changes"] is False


def test_desired_state_error_names_the_line(tmp_path: Path) -> None:
    """A broken desired-state file exits 4; the message names the file, line and field."""
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nrules:\n  - name: r\n    kind: manged\n", encoding="utf-8")
    code, out, err = invoke("--sandbox", "plan", str(path), "--json")
    assert code == ExitCode.INVALID_INPUT
    assert "line 4" in out["error"]["message"]
    assert "rules[0].kind" in err


def test_text_output_and_global_options_after_the_command() -> None:
    """Without --json results are tables; global options work after the command too."""
    code, out, _ = invoke("status", "rule", "s3-versioning", "--sandbox", "--regions", "eu-west-1")
    assert code == ExitCode.OK
    assert "rule 's3-versioning' in eu-west-1: CREATE_FAILED" in out
    assert "member-002" in out


def test_bare_command_shows_help() -> None:
    """``orgconfig`` alone shows the help and exits 0; --version prints the version."""
    assert run([]) == ExitCode.OK
    code, out, _ = invoke("--version")
    assert code == ExitCode.OK
    assert "orgconfig" in out


# -- the parts ----------------------------------------------------------------------------------


def test_progress_live_and_plain() -> None:
    """On a terminal one line is rewritten per region; elsewhere a line per change."""
    stream = io.StringIO()
    progress = Progress("p", stream, live=True)
    progress.update("us-east-1", 0, 5)
    progress.update("eu-west-1", 2, 5)
    progress.update("eu-west-1", 2, 5)
    progress.close()
    assert stream.getvalue().endswith("\x1b[2Kp: eu-west-1 2/5, us-east-1 0/5 accounts finished\n")
    plain = io.StringIO()
    progress = Progress("p", plain, live=False)
    progress.update("us-east-1", 1, 5)
    progress.update("us-east-1", 1, 5)
    progress.close()
    assert plain.getvalue() == "p: us-east-1 1/5 accounts finished\n"


def test_exit_codes_of_errors() -> None:
    """Each error class maps to its documented code; subclasses before their bases."""
    assert code_for(errors.ConfigurationError("x")) == ExitCode.ACCESS
    assert code_for(errors.ValidationError("x")) == ExitCode.INVALID_INPUT
    assert code_for(errors.CredentialsError("x")) == ExitCode.ACCESS
    assert code_for(errors.ThrottlingError("x")) == ExitCode.ERROR
    assert code_for(errors.TransportError("x")) == ExitCode.ERROR
    assert code_for_apply([]) == ExitCode.OK
    assert code_for_apply(["DeploymentTimeoutError"]) == ExitCode.TIMEOUT
    assert code_for_apply(["DeploymentTimeoutError", None]) == ExitCode.DEPLOYMENT_FAILED
    assert code_for_apply(["AccessDeniedError"]) == ExitCode.ACCESS


def test_import_orgconfig_does_not_load_the_cli() -> None:
    """``import orgconfig`` loads neither click nor the CLI; --help loads no boto3."""
    code = (
        "import sys, orgconfig; assert 'click' not in sys.modules; "
        "from orgconfig.cli import run; run(['--help']); "
        "assert 'boto3' not in sys.modules and 'moto' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "x.yaml", "--bogus", "--json"),
        ("nosuchcommand", "--json"),
    ],
)
def test_json_after_a_usage_error_still_gives_json(args: tuple[str, ...]) -> None:
    """--json written after the mistake still turns the usage error into a JSON document."""
    code, data, _ = invoke(*args)
    assert code == ExitCode.INVALID_INPUT
    assert data["error"]["type"] == "UsageError"
