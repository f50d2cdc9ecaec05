"""orgconfig: a typed SDK for AWS Config organization rules and conformance packs.

Deploy conformance packs and organization config rules to every account of an AWS Organization,
wait on the deployments, and learn exactly which member accounts failed and why.

Example::

    from orgconfig import ConformancePack, Organization, Template

    org = Organization.connect(region="eu-west-1")
    pack = ConformancePack("s3-baseline", Template.from_file("s3-baseline.yaml"))
    result = org.conformance_packs.put(pack).wait()
    print(result.summary())

The errors live in :mod:`orgconfig.errors` (every class of the tree is re-exported here); the
sandbox for tests in :mod:`orgconfig.testing`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from orgconfig._resources import ConformancePacks, OrgConfigRules
from orgconfig.deployments import Deployment, DeploymentResult, ProgressCallback
from orgconfig.errors import (
    AccessDeniedError,
    ApiError,
    DeploymentError,
    DeploymentFailedError,
    DeploymentTimeoutError,
    InvalidRequestError,
    LimitExceededError,
    NotFoundError,
    OrganizationNotReadyError,
    OrgConfigError,
    ResourceInUseError,
    ServiceUnavailableError,
    TemplateError,
    TemplateValidationError,
    ThrottlingError,
    TransportError,
    ValidationError,
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
from orgconfig.organization import Organization
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy
from orgconfig.templates import (
    Template,
    TemplateIssue,
    TemplateParameter,
    TemplateRemediation,
    TemplateRule,
)

__all__ = [
    "AccessDeniedError",
    "AccountStatus",
    "ApiError",
    "BusyPolicy",
    "CallRetryPolicy",
    "ConformancePack",
    "ConformancePackInfo",
    "ConformancePacks",
    "Deployment",
    "DeploymentError",
    "DeploymentFailedError",
    "DeploymentResult",
    "DeploymentStatus",
    "DeploymentTimeoutError",
    "InvalidRequestError",
    "LimitExceededError",
    "NotFoundError",
    "OrgConfigError",
    "OrgConfigRule",
    "OrgConfigRules",
    "Organization",
    "OrganizationNotReadyError",
    "PollingPolicy",
    "ProgressCallback",
    "ResourceInUseError",
    "RuleKind",
    "ServiceUnavailableError",
    "Status",
    "Template",
    "TemplateError",
    "TemplateIssue",
    "TemplateParameter",
    "TemplateRemediation",
    "TemplateRule",
    "TemplateValidationError",
    "ThrottlingError",
    "TransportError",
    "ValidationError",
    "__version__",
]

# Classes from private modules report the public path (as httpx does), so reprs, docs and
# pickles point users to ``orgconfig.X``.
for _cls in (ConformancePacks, OrgConfigRules):
    _cls.__module__ = "orgconfig"
del _cls
