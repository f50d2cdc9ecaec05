"""The words of the simulated service's refusals: callers, organizations, busy resources."""

from __future__ import annotations

__all__ = ["IN_USE", "NOT_ADMIN", "NOT_ALL_FEATURES", "NOT_IN_ORG", "NO_ORG_ON_PUT"]

NOT_IN_ORG = "This action can only be made by accounts in an AWS Organization"
NO_ORG_ON_PUT = (
    "Organization is not available. This action can only be made by accounts in an AWS "
    "Organization."
)
NOT_ADMIN = (
    "This action can only be performed if you are a registered delegated administrator for AWS "
    "Config with permissions to call ListDelegatedAdministrators API."
)
NOT_ALL_FEATURES = (
    "Config resource cannot be created because your organization does not have all features "
    "enabled."
)
IN_USE = {
    "pack": (
        "The organization conformance pack {name} is being {doing}. Try your request again later."
    ),
    "rule": "The organization Config rule {name} is being {doing}. Try your request again later.",
}
