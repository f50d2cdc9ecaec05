"""Conformance pack templates as the simulated service checks them before deploying."""

from __future__ import annotations

from collections.abc import Mapping

from orgconfig.errors import TemplateError
from orgconfig.templates import Template
from orgconfig.testing._errors import ServiceError

__all__ = ["TEMPLATE_ERROR", "check_template"]


TEMPLATE_ERROR = "OrganizationConformancePackTemplateValidationException"


def _invalid_template(detail: str) -> str:
    """Wrap a template problem in the words AWS Config uses for a rejected pack template."""
    return (
        f"Invalid conformance pack template provided. Errors found: [{detail}]. "
        "Fix your template and try again."
    )


def check_template(
    text: str | bytes, *, source: str | None, supplied: Mapping[str, str], rules_limit: int
) -> Template:
    """Parse a conformance pack template and check it the way AWS Config does before deploying.

    Raises ServiceError(OrganizationConformancePackTemplateValidationException) when the template
    is too large or not UTF-8, cannot be parsed, holds resources other than Config rules and
    remediation configurations, holds more rules than a pack may (``rules_limit``, and never more
    than 130: the parser's own limit), needs a parameter that was not supplied, or is given one it
    does not declare (CloudFormation's words for the last two). Returns the parsed template.
    """
    try:
        template = Template.from_string(text, source=source)
    except TemplateError as e:
        raise ServiceError(TEMPLATE_ERROR, _invalid_template(str(e))) from e
    if len(template.rules) > rules_limit:
        raise ServiceError(
            TEMPLATE_ERROR,
            _invalid_template(
                f"The template holds {len(template.rules)} Config rules; a conformance pack can "
                f"hold at most {rules_limit}"
            ),
        )
    missing = sorted(template.required_parameters - set(supplied))
    if missing:
        raise ServiceError(TEMPLATE_ERROR, f"Parameters: [{', '.join(missing)}] must have values")
    undeclared = sorted(set(supplied) - set(template.parameters))
    if undeclared:
        raise ServiceError(
            TEMPLATE_ERROR, f"Parameters: [{', '.join(undeclared)}] do not exist in the template"
        )
    return template
