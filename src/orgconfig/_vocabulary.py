"""The API's small vocabularies, shared by the models and the template checks."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "FREQUENCIES",
    "GUARD_RUNTIME",
    "POLICY_TEXT_MAX",
    "TRIGGER_TYPES",
    "Frequency",
    "TriggerType",
]

Frequency = Literal["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]
"""How often a periodic rule runs at most."""

TriggerType = Literal[
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
    "ScheduledNotification",
]
"""What makes AWS Config evaluate a custom rule."""

FREQUENCIES: tuple[Frequency, ...] = (
    "One_Hour",
    "Three_Hours",
    "Six_Hours",
    "Twelve_Hours",
    "TwentyFour_Hours",
)
"""Every maximum execution frequency, shortest first."""

TRIGGER_TYPES: tuple[TriggerType, ...] = (
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
    "ScheduledNotification",
)
"""Every trigger type a custom rule may have."""

GUARD_RUNTIME = "guard-2.x.x"
"""The one policy runtime the API accepts for Guard (custom policy) rules."""

POLICY_TEXT_MAX = 10_000
"""The longest Guard policy text, in characters."""
