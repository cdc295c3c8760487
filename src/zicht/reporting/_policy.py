"""The settings of the channel as its services use them, and the errors they raise."""

from __future__ import annotations

from dataclasses import dataclass

from zicht.config import Settings
from zicht.privacy import Cipher

__all__ = ["RateLimited", "ReportingError", "ReportingPolicy"]


class ReportingError(ValueError):
    """A request the channel refuses; `rule` names the rule (never a value given)."""

    def __init__(self, rule: str) -> None:
        super().__init__(f"refused: {rule}")
        self.rule = rule


class RateLimited(ReportingError):
    """A receipt sent more messages this hour than the setting allows."""

    def __init__(self) -> None:
        super().__init__("rate_limit")


@dataclass(frozen=True)
class ReportingPolicy:
    """Keys and limits of the channel.

    Attributes:
        work_key: signs proof-of-work challenges (derived from Zicht's key).
        pepper: keys the stored hash of a receipt (derived from Zicht's key).
    """

    work_key: bytes
    pepper: bytes
    work_bits: int = 18
    form_wait: int = 5
    messages_per_hour: int = 20
    retention_days: int = 90

    @classmethod
    def of(cls, settings: Settings, cipher: Cipher) -> ReportingPolicy:
        """The policy of the configured settings, its keys derived from `cipher`'s key."""
        return cls(
            work_key=cipher.derived_key("reporting/work"),
            pepper=cipher.derived_key("reporting/receipt"),
            work_bits=settings.reporting_work_bits,
            form_wait=settings.reporting_form_wait,
            messages_per_hour=settings.reporting_messages_per_hour,
            retention_days=settings.reporting_retention_days,
        )
