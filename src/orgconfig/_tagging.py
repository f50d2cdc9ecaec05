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
from collections.abc import Callable, Mapping
from typing import Any

from orgconfig import errors
from orgconfig._aws.config import ConfigApi
from orgconfig._recorded import ORGCONFIG_TAG_PREFIX

__all__ = ["arn_of", "is_own", "sync_own_tags", "sync_tags"]

_log = logging.getLogger("orgconfig")


def sync_tags(
    api: ConfigApi, arn: str, wanted: Mapping[str, str], *, keys: Callable[[str], bool]
) -> None:
    """Make ``arn``'s tags whose keys ``keys`` selects exactly those of ``wanted`` it selects.

    Tags ``keys`` does not select are left as they are; at most three calls (list, untag, tag).
    """
    held = {
        str(t["Key"]): str(t["Value"])
        for t in api.items("ListTagsForResource", "Tags", {"ResourceArn": arn})
    }
    mine = {k: v for k, v in held.items() if keys(k)}
    desired = {k: v for k, v in wanted.items() if keys(k)}
    stale = [k for k in mine if k not in desired]
    changed = [{"Key": k, "Value": v} for k, v in desired.items() if mine.get(k) != v]
    if stale:
        api.call("UntagResource", {"ResourceArn": arn, "TagKeys": stale})
    if changed:
        api.call("TagResource", {"ResourceArn": arn, "Tags": changed})


def is_own(key: str) -> bool:
    """Whether a tag key is orgconfig's own (``orgconfig:...``)."""
    return key.startswith(ORGCONFIG_TAG_PREFIX)


def sync_own_tags(api: ConfigApi, arn: str | None, wanted: Mapping[str, str]) -> None:
    """Make ``arn``'s ``orgconfig:`` tags exactly those of ``wanted`` (other tags untouched)."""
    if not arn:
        return
    try:
        sync_tags(api, arn, wanted, keys=is_own)
    except errors.OrgConfigError as err:
        _log.warning(
            "the put of %s was made, but its orgconfig tags could not be updated: %s", arn, err
        )


def arn_of(response: Mapping[str, Any]) -> str | None:
    """The ARN in a put's answer or a describe item (packs and rules name it differently)."""
    for key in ("OrganizationConformancePackArn", "OrganizationConfigRuleArn"):
        value = response.get(key)
        if isinstance(value, str):
            return value
    return None
