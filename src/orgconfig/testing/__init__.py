"""Test your AWS Config organization scripts against a faithful in-process simulation.

``orgconfig.testing`` gives you an AWS Organization on `moto <https://docs.getmoto.org>`_ whose
AWS Config organization APIs (conformance packs and rules) behave like the real service, served
to **ordinary boto3 clients**: your own scripts, orgconfig's SDK, or anything built on botocore
run unchanged inside the block. Install it with ``pip install "orgconfig[sandbox]"``.

Example::

    import boto3
    from orgconfig.testing import sandbox

    def test_my_rollout_script():
        with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=0) as sb:
            sb.set_deploy_duration(1800)            # each account takes 30 simulated minutes
            sb.remove_recorder(sb.member_account_ids[2])

            config = boto3.client("config", region_name="us-east-1")   # the management account
            config.put_organization_config_rule(
                OrganizationConfigRuleName="s3-versioning",
                OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
            )
            # time moves only when something advances the virtual clock: hand your script
            # sb.clock.sleep where it would call time.sleep (orgconfig's waits use it already)
            my_script.wait_for_rollout(config, sleep=sb.clock.sleep)

            statuses = config.get_organization_config_rule_detailed_status(
                OrganizationConfigRuleName="s3-versioning"
            )["OrganizationConfigRuleDetailedStatus"]
            failed = [s["AccountId"] for s in statuses
                      if s["MemberAccountRuleStatus"] == "CREATE_FAILED"]
            assert failed == [sb.member_account_ids[2]]     # no configuration recorder there
            assert sb.clock.monotonic() >= 1800
            assert sb.api_calls["PutOrganizationConfigRule"] == 1

With pytest, the ``org_sandbox`` fixture does the ``with`` for you (the plugin is registered
automatically when orgconfig is installed)::

    @pytest.mark.org_sandbox(accounts=10, regions=("eu-west-1",))
    def test_rollout(org_sandbox):
        config = org_sandbox.client("config")
        ...

What you get
------------
* **An organization**: a management account (moto's default, ``123456789012``) and ``accounts``
  member accounts with seeded, repeatable ids, optionally placed in OUs (``ous={"Security": 2}``),
  with all features (or ``feature_set="CONSOLIDATED_BILLING"``, or ``None`` for no organization).
  Every account has a configuration recorder in every sandbox region unless told otherwise
  (``recorders=``, ``management_recorder=``, :meth:`Sandbox.remove_recorder`).
* **The eleven organization operations** (Put/Describe/DescribeStatuses/GetDetailedStatus/Delete
  for conformance packs and for rules, and GetOrganizationCustomRulePolicy), plus tagging of their
  ARNs, in any region. Responses go through botocore's real parser; errors arrive as ordinary
  ``ClientError`` with AWS Config's codes and messages; every request constraint of the service
  model (lengths, patterns, enums, list sizes, either/or fields) is enforced.
* **The service's rules**: only the management account or a registered delegated administrator
  may call (``OrganizationAccessDeniedException``); no organization or no all-features gives the
  documented errors; a put enables trusted access and creates the service-linked role; each
  administrator sees only what it deployed; state is per region; ``Limit``/``NextToken``
  paginate; missing names give ``NoSuch...``; quotas (:class:`Quotas`) give ``MaxNumberOf...``;
  conformance pack templates (``TemplateBody``, or ``TemplateS3Uri`` read from moto's S3) are
  parsed and checked.
* **Time**: after a put or delete the pack or rule is ``*_IN_PROGRESS``; each targeted account
  (the management account included, excluded accounts left out) finishes after its own duration
  (:meth:`Sandbox.set_deploy_duration`, plus a seeded jitter); accounts without a recorder,
  suspended accounts (:meth:`Sandbox.suspend_account`) and accounts told to fail
  (:meth:`Sandbox.fail_account`) end ``*_FAILED`` with an ``ErrorCode`` and ``ErrorMessage``; the
  aggregate is ``*_FAILED`` when any account failed; a put or delete meanwhile gives
  ``ResourceInUseException``. All of it runs on :attr:`Sandbox.clock`, a virtual clock:
  orgconfig's waiting and botocore's retry back-off advance it instead of sleeping, and so can
  you (``sb.clock.advance(600)``, or ``sb.clock.sleep`` in place of ``time.sleep``). A script
  that sleeps with :func:`time.sleep` waits for real and sees no simulated time pass.
* **An organization that changes**: :meth:`Sandbox.add_account`, :meth:`Sandbox.move_account`,
  :meth:`Sandbox.remove_account`, :meth:`Sandbox.suspend_account`, or the same boto3
  Organizations calls made in the block. Joining accounts get every pack and rule of every owner
  (the aggregate goes back to ``*_IN_PROGRESS`` meanwhile); one without a recorder is retried for
  7 simulated hours; leaving accounts lose theirs and drop out of the detailed status.
* **AWS's rough edges, on by default**: the delegated-administrator quirk (a delegated admin's
  aggregate status stays ``*_IN_PROGRESS``; ``delegated_admin_quirk=``), read-after-write lag
  (reads show the state before a put for ``read_lag`` seconds), deletes that show
  ``DELETE_SUCCESSFUL`` for ``delete_retention`` seconds before the name disappears, ``NextToken``
  expiry (``next_token_ttl``), S3 bucket policies on templates
  (``InsufficientPermissionsException``) and delivery buckets (member accounts fail).
* **Faults**, seeded and repeatable (:meth:`Sandbox.faults`): throttling and 5xx answers that
  botocore retries as it would against AWS, lost answers (the request is applied, then answered
  with a 5xx, so botocore retries it: ``lost_response_rate=``, or
  :meth:`Sandbox.lose_next_response` for the next request of one operation), latency in virtual
  time, and the delegated-administrator quirk for every caller (``stuck_aggregate_status=``).
* **Counting**: :attr:`Sandbox.api_calls` counts requests per operation, retries included.
* **Identities**: :attr:`Sandbox.session` (management), :meth:`Sandbox.session_for` (any account,
  in the organization or not), :meth:`Sandbox.as_delegated_admin` (registers the account and
  returns its session; at most three, as in AWS), :meth:`Sandbox.client`. Sessions you build
  yourself with ``sts.assume_role`` into a member's ``OrganizationAccountAccessRole`` act as
  that member in every service and every sandbox region.
* **Scale**: start-up grows linearly with the number of accounts (5,000 start in seconds), and
  status reads do not walk every account: a status filter or a page reads only what it returns.

Describe calls list packs and rules in creation order; detailed statuses list accounts in the
order they joined the organization (the management account first).

Limits of the simulation
------------------------
Templates are checked with orgconfig's own parser (:class:`orgconfig.Template`), so a template
the SDK refuses is refused here too, including the few things the SDK checks more strictly than
AWS documents (``Source.Owner`` must be a literal, not an intrinsic function); the SDK's parser
is tested on its own against the 122 real templates of the corpus.

Error codes follow the service; messages follow AWS's where they are documented or reported
(validation errors, access denied outside an organization, rejected templates, CloudFormation's
parameter messages) and are modelled elsewhere (for example the per-account failure messages and
the aggregate ``ErrorMessage``): match on codes, not on message text.

Each behaviour's source (API reference, developer guide, reported by users, or modelled) is in
the fidelity record of the sandbox guide (``docs/sandbox.md``): rely on the documented ones,
and on the codes of the modelled ones, not on their timings or messages. In particular the read
lag is a fixed ``read_lag`` after every put (AWS's varies, and also follows deletes and delegated
administrator registrations, which the sandbox keeps consistent); a joining account starts
deploying when it joins, or when its recorder appears within the 7 hours (AWS retries
periodically); bucket policies are evaluated for the statements, principals and condition keys
``orgconfig.testing._policies`` lists (others never apply), IAM identity policies and SCPs are
not evaluated (the caller's own account may read and write its buckets), and a delivery bucket
that does not exist is not checked. ``InsufficientPermissionsException`` for missing IAM
permissions of the caller is not simulated.
Threads share the one virtual clock: one thread's sleep moves time for all of them.
Create your boto3 clients inside the block: a botocore session created before the first sandbox
of the process started does not know the sandbox, and its calls reach moto alone.
The wall-clock parts of botocore's *adaptive* retry mode (its client-side rate limiter) still use
real time; the *standard* and *legacy* modes cost no real time. Only one sandbox runs at a time
in a process. Inside the block, ``AWS_DEFAULT_REGION`` is the first sandbox region and moto's
fake credentials are in the environment, as with ``moto.mock_aws``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orgconfig.testing._kinds import OPERATIONS, Quotas
    from orgconfig.testing._sandbox import Sandbox, sandbox
    from orgconfig.testing._vclock import VirtualClock

__all__ = ["OPERATIONS", "Quotas", "Sandbox", "VirtualClock", "sandbox"]

# The names are imported on first use, so that importing the pytest plugin (which pytest does in
# every session, through the entry point) costs nothing and does not need moto installed.
_WHERE = {
    "OPERATIONS": "orgconfig.testing._kinds",
    "Quotas": "orgconfig.testing._kinds",
    "Sandbox": "orgconfig.testing._sandbox",
    "sandbox": "orgconfig.testing._sandbox",
    "VirtualClock": "orgconfig.testing._vclock",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    if name != "OPERATIONS":
        value.__module__ = __name__
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the module's names, the lazily imported ones included."""
    return sorted([*globals(), *__all__])
