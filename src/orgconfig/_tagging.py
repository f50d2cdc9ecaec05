"""Keeping orgconfig's own tags on a pack or rule true after every put.

AWS applies a put's ``Tags`` only when it creates the pack or rule; an update leaves the tags it
had. orgconfig records what a pack or rule was deployed with in tags of its own (keys starting
``orgconfig:``: the targets, the template's hash), so after each put it brings those tags in line
with the put: adds or changes what the put carries, removes ``orgconfig:`` keys it no longer
carries. The user's other tags are never touched. Best effort: a failure to tag is logged at
WARNING and never turns a put that was made into a failure.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from orgconfig import errors
from orgconfig._aws.config import ConfigApi
from orgconfig._recorded import ORGCONFIG_TAG_PREFIX

__all__ = ["arn_of", "sync_own_tags"]

_log = logging.getLogger("orgconfig")


def sync_own_tags(api: ConfigApi, arn: str | None, wanted: Mapping[str, str]) -> None:
    """Make ``arn``'s ``orgconfig:`` tags exactly those of ``wanted`` (other tags untouched)."""
    if not arn:
        return
    own = {k: v for k, v in wanted.items() if k.startswith(ORGCONFIG_TAG_PREFIX)}
    try:
        held = {
            str(t["Key"]): str(t["Value"])
            for t in api.items("ListTagsForResource", "Tags", {"ResourceArn": arn})
        }
        stale = [k for k in held if k.startswith(ORGCONFIG_TAG_PREFIX) and k not in own]
        changed = [{"Key": k, "Value": v} for k, v in own.items() if held.get(k) != v]
        if stale:
            api.call("UntagResource", {"ResourceArn": arn, "TagKeys": stale})
        if changed:
            api.call("TagResource", {"ResourceArn": arn, "Tags": changed})
    except errors.OrgConfigError as err:
        _log.warning(
            "the put of %s was made, but its orgconfig tags could not be updated: %s", arn, err
        )


def arn_of(response: Mapping[str, Any]) -> str | None:
    """The ARN a put answered with (packs and rules name it differently)."""
    for key in ("OrganizationConformancePackArn", "OrganizationConfigRuleArn"):
        value = response.get(key)
        if isinstance(value, str):
            return value
    return None
