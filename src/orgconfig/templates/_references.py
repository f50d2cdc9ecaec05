"""Reference checks: every name a template refers to is one it declares.

Every ``Ref`` names a parameter, a resource or a pseudo parameter (in ``Conditions``, a parameter or
a pseudo parameter only); every ``Fn::GetAtt`` and dotted ``Fn::Sub`` variable a resource; every
``Condition`` and ``Fn::If`` a declared condition. :class:`ReferenceChecker` holds what the
template declares and the checks; the template checker (:mod:`orgconfig.templates._checks`) builds
on it, filling in the declarations as it reads the sections, then walking the sections that may
hold references.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgconfig import errors
from orgconfig.templates import _cloudformation as cfn
from orgconfig.templates._records import TemplateParameter

__all__ = ["ReferenceChecker"]


class ReferenceChecker:
    """What a template declares, and the checks that its references name those declarations.

    Attributes:
        source: the template's file or S3 URI, for the errors' ``path``.
        parameters: the declared parameters by name.
        conditions: the ``Conditions`` section.
        resources: the ``Resources`` section.
        used_parameters: the parameters referred to so far.
    """

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.parameters: dict[str, TemplateParameter] = {}
        self.conditions: dict[str, Any] = {}
        self.resources: dict[str, Any] = {}
        self.used_parameters: set[str] = set()

    def error(self, location: str, message: str) -> errors.TemplateError:
        """Build the error for ``location``; the caller raises it."""
        return errors.TemplateError(f"{location}: {message}", path=self.source, location=location)

    def mapping(self, value: Any, location: str, what: str) -> dict[Any, Any]:
        """Return ``value`` if it is a mapping; raise otherwise (``what`` names it)."""
        if not isinstance(value, dict):
            raise self.error(location, f"{what} must be a mapping, not a {cfn.kind(value)}")
        return value

    def check_condition_name(self, name: Any, location: str) -> None:
        if not isinstance(name, str):
            raise self.error(location, f"a condition name must be a string, not a {cfn.kind(name)}")
        if name not in self.conditions:
            declared = ", ".join(map(str, self.conditions)) or "none"
            raise self.error(
                location,
                f"the condition {name!r} is not declared in Conditions (declared: {declared})",
            )

    def check_ref(self, target: Any, location: str, *, in_conditions: bool) -> None:
        if not isinstance(target, str):
            raise self.error(location, f"Ref takes a name, not a {cfn.kind(target)}")
        if target in self.parameters:
            self.used_parameters.add(target)
            return
        if target in cfn.PSEUDO_PARAMETERS:
            return
        if target in self.resources:
            if in_conditions:
                raise self.error(
                    location,
                    f"{target!r} is a resource; conditions can refer only to parameters and "
                    "pseudo parameters",
                )
            return
        raise self.error(
            location,
            f"{target!r} is not a parameter, a resource or a pseudo parameter of this template",
        )

    def check_get_att(self, argument: Any, location: str) -> None:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error(location, "Fn::GetAtt takes [LogicalId, Attribute]")
        resource = argument[0]
        if not isinstance(resource, str) or resource not in self.resources:
            raise self.error(location, f"{resource!r} is not a resource of this template")

    def check_sub(self, argument: Any, location: str, *, in_conditions: bool) -> None:
        local: Mapping[Any, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[0], str):
                raise self.error(location, "Fn::Sub takes a string or [string, {variables}]")
            local = self.mapping(argument[1], f"{location}[1]", "the Fn::Sub variables")
            argument = argument[0]
        if not isinstance(argument, str):
            raise self.error(location, f"Fn::Sub takes a string, not a {cfn.kind(argument)}")
        for variable in cfn.SUB_VARIABLE.findall(argument):
            name = variable.strip()
            if name.startswith("!") or name in local:
                continue
            if "." in name and not name.startswith("AWS::"):
                self.check_get_att(name, location)
            else:
                self.check_ref(name, location, in_conditions=in_conditions)

    def walk(
        self, value: Any, location: str, *, in_conditions: bool, condition_args: bool = False
    ) -> None:
        """Check every reference under ``value``; ``condition_args`` marks Fn::And/Or/Not args."""
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.walk(
                    item,
                    f"{location}[{index}]",
                    in_conditions=in_conditions,
                    condition_args=condition_args,
                )
            return
        if not isinstance(value, dict):
            return
        if len(value) == 1:
            ((key, argument),) = value.items()
            at = f"{location}.{key}"
            if key == "Ref":
                self.check_ref(argument, at, in_conditions=in_conditions)
                return
            if key == "Condition" and (in_conditions or condition_args):
                self.check_condition_name(argument, at)
                return
            if key == "Fn::GetAtt":
                self.check_get_att(argument, at)
            elif key == "Fn::Sub":
                self.check_sub(argument, at, in_conditions=in_conditions)
            elif key == "Fn::If":
                if not isinstance(argument, list) or len(argument) != 3:
                    raise self.error(at, "Fn::If takes [condition, value if true, value if false]")
                self.check_condition_name(argument[0], f"{at}[0]")
            if key in cfn.CONDITION_FUNCTIONS:
                self.walk(argument, at, in_conditions=in_conditions, condition_args=True)
                return
        for key, item in value.items():
            self.walk(item, f"{location}.{key}", in_conditions=in_conditions)
