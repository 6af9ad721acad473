"""SQL for the CHECK constraints that every domain's models share."""

from __future__ import annotations

import enum


def one_of(column: str, enum_cls: type[enum.StrEnum]) -> str:
    """`column IN ('a', 'b')` for the values of an enum: the database refuses anything else."""
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"
