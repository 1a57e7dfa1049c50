"""How enum values are called on screen and in emails: each enum people see derives from
``LabelledEnum`` and says, next to its members, what each one is called (translated when shown).

Pages, emails and choices all ask the enum (``member.label``, ``Kind.label_of("sick")``, the
``label`` template filter), so no raw value such as ``sick`` or ``cancelled`` reaches a reader
and each label is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

# Every LabelledEnum by class name, for templates that hold a stored value (a string in an
# email's context or a JSON payload) rather than the enum member.
REGISTRY: dict[str, type[LabelledEnum]] = {}


class LabelledEnum(StrEnum):
    """A StrEnum whose members have translated labels; subclasses define ``labels``."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        REGISTRY[cls.__name__] = cls

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        """Each member's value -> its label in the current language (call gettext here)."""
        raise NotImplementedError(cls.__name__)

    @classmethod
    def label_of(cls, value: object) -> str:
        """The label of a stored value; an unknown value is shown as it is."""
        return cls.labels().get(str(value), str(value))

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) for each member, in order: what a select offers."""
        labels = cls.labels()
        return [(member.value, labels[member.value]) for member in cls]

    @property
    def label(self) -> str:
        return self.label_of(self.value)


def label(value: object, enum_name: str = "") -> str:
    """The ``label`` template filter: ``{{ row.status | label }}`` for an enum member,
    ``{{ leave.kind | label("TimeOffKind") }}`` for a value that may be a plain string."""
    if isinstance(value, LabelledEnum):
        return value.label
    if enum_name:
        return REGISTRY[enum_name].label_of(value)
    return str(value)
