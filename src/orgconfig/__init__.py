"""orgconfig: a typed SDK for AWS Config organization rules and conformance packs.

Deploy conformance packs and organization config rules to every account of an AWS Organization,
wait on the deployments, and learn exactly which member accounts failed and why.

Example::

    from orgconfig import ConformancePack, Organization, Template

    org = Organization.connect(region="eu-west-1")
    pack = ConformancePack("s3-baseline", Template.from_file("s3-baseline.yaml"))
    result = org.conformance_packs.put(pack).wait()
    print(result.summary())
    org.in_region("us-east-1").conformance_packs.put(pack).wait()

The errors live in :mod:`orgconfig.errors` (every class of the tree is re-exported here); the
sandbox for tests in :mod:`orgconfig.testing`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The errors are cheap and wanted everywhere: imported at once. Everything else is imported on
# first use (PEP 562), so that ``import orgconfig`` costs next to nothing beyond what is used:
# scripts that only catch errors, and the pytest plugin, do not pay for boto3, attrs or YAML.
from orgconfig.errors import (
    AccessDeniedError,
    ApiError,
    ConfigurationError,
    CredentialsError,
    DeploymentError,
    DeploymentFailedError,
    DeploymentSupersededError,
    DeploymentTimeoutError,
    InvalidRequestError,
    LimitExceededError,
    MultiRegionError,
    NotFoundError,
    OrganizationNotReadyError,
    OrgConfigError,
    ResourceInUseError,
    ServerError,
    ServiceUnavailableError,
    TemplateError,
    TemplateValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
)

if TYPE_CHECKING:
    from orgconfig._warnings import GuardNotCheckedWarning, OrgConfigWarning, UnknownNameWarning
    from orgconfig.deployments import (
        POLICY_TIMEOUT,
        Deployment,
        DeploymentResult,
        ProgressCallback,
    )
    from orgconfig.desired import DesiredPack, DesiredRule, DesiredState, load_desired
    from orgconfig.directory import (
        Account,
        Accounts,
        Caller,
        OrganizationalUnit,
        OrganizationalUnits,
        OrganizationInfo,
    )
    from orgconfig.models import (
        AccountStatus,
        ConformancePack,
        ConformancePackInfo,
        DeploymentStatus,
        OrgConfigRule,
        RuleKind,
        Status,
    )
    from orgconfig.multiregion import MultiRegionDeployment, MultiRegionResult, Regions
    from orgconfig.organization import Organization
    from orgconfig.plan import ApplyResult, Plan, PlannedChange, export_desired
    from orgconfig.preflight import Check, PreflightReport, QuotaLimits
    from orgconfig.regional import ConformancePacks, OrgConfigRules, Region
    from orgconfig.resolution import Resolution, TargetChanges
    from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy
    from orgconfig.targets import Targets
    from orgconfig.templates import (
        Template,
        TemplateIssue,
        TemplateParameter,
        TemplateRemediation,
        TemplateRule,
    )

_WHERE = {
    **dict.fromkeys(
        ("POLICY_TIMEOUT", "Deployment", "DeploymentResult", "ProgressCallback"),
        "orgconfig.deployments",
    ),
    **dict.fromkeys(
        (
            "AccountStatus",
            "ConformancePack",
            "ConformancePackInfo",
            "DeploymentStatus",
            "OrgConfigRule",
            "RuleKind",
            "Status",
        ),
        "orgconfig.models",
    ),
    "Organization": "orgconfig.organization",
    **dict.fromkeys(
        (
            "Account",
            "Accounts",
            "Caller",
            "OrganizationalUnit",
            "OrganizationalUnits",
            "OrganizationInfo",
        ),
        "orgconfig.directory",
    ),
    **dict.fromkeys(("Resolution", "TargetChanges"), "orgconfig.resolution"),
    "Targets": "orgconfig.targets",
    **dict.fromkeys(
        ("DesiredPack", "DesiredRule", "DesiredState", "load_desired"), "orgconfig.desired"
    ),
    **dict.fromkeys(("ApplyResult", "Plan", "PlannedChange", "export_desired"), "orgconfig.plan"),
    **dict.fromkeys(("Check", "PreflightReport", "QuotaLimits"), "orgconfig.preflight"),
    **dict.fromkeys(
        ("GuardNotCheckedWarning", "OrgConfigWarning", "UnknownNameWarning"),
        "orgconfig._warnings",
    ),
    **dict.fromkeys(
        ("MultiRegionDeployment", "MultiRegionResult", "Regions"), "orgconfig.multiregion"
    ),
    **dict.fromkeys(("ConformancePacks", "OrgConfigRules", "Region"), "orgconfig.regional"),
    **dict.fromkeys(("BusyPolicy", "CallRetryPolicy", "PollingPolicy"), "orgconfig.retries"),
    **dict.fromkeys(
        ("Template", "TemplateIssue", "TemplateParameter", "TemplateRemediation", "TemplateRule"),
        "orgconfig.templates",
    ),
}
# Classes from private modules report the public path (as httpx does), so reprs, docs and
# pickles point users to ``orgconfig.X``.
_PUBLIC_PATH = frozenset(
    {
        "ConformancePacks",
        "OrgConfigRules",
        "Region",
        "GuardNotCheckedWarning",
        "OrgConfigWarning",
        "UnknownNameWarning",
    }
)

__all__ = [
    "POLICY_TIMEOUT",
    "AccessDeniedError",
    "Account",
    "AccountStatus",
    "Accounts",
    "ApiError",
    "ApplyResult",
    "BusyPolicy",
    "CallRetryPolicy",
    "Caller",
    "Check",
    "ConfigurationError",
    "ConformancePack",
    "ConformancePackInfo",
    "ConformancePacks",
    "CredentialsError",
    "Deployment",
    "DeploymentError",
    "DeploymentFailedError",
    "DeploymentResult",
    "DeploymentStatus",
    "DeploymentSupersededError",
    "DeploymentTimeoutError",
    "DesiredPack",
    "DesiredRule",
    "DesiredState",
    "GuardNotCheckedWarning",
    "InvalidRequestError",
    "LimitExceededError",
    "MultiRegionDeployment",
    "MultiRegionError",
    "MultiRegionResult",
    "NotFoundError",
    "OrgConfigError",
    "OrgConfigRule",
    "OrgConfigRules",
    "OrgConfigWarning",
    "Organization",
    "OrganizationInfo",
    "OrganizationNotReadyError",
    "OrganizationalUnit",
    "OrganizationalUnits",
    "Plan",
    "PlannedChange",
    "PollingPolicy",
    "PreflightReport",
    "ProgressCallback",
    "QuotaLimits",
    "Region",
    "Regions",
    "Resolution",
    "ResourceInUseError",
    "RuleKind",
    "ServerError",
    "ServiceUnavailableError",
    "Status",
    "TargetChanges",
    "Targets",
    "Template",
    "TemplateError",
    "TemplateIssue",
    "TemplateParameter",
    "TemplateRemediation",
    "TemplateRule",
    "TemplateValidationError",
    "ThrottlingError",
    "TransportError",
    "UnknownNameWarning",
    "ValidationError",
    "__version__",
    "export_desired",
    "load_desired",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    if name in _PUBLIC_PATH:
        value.__module__ = __name__
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the module's names, the lazily imported ones included."""
    return sorted({*globals(), *__all__})
