"""Store: Chroma's name rules for tenants, databases and collections (pure validation)."""

from __future__ import annotations

import ipaddress
import re

from mockserver.errors import InvalidArgument

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]")


def name_problem(name: str) -> str | None:
    """Chroma's collection/database name rule; returns the message or None when valid.

    A name may also be `<topology>+<name>` (at most one `+`, 3-512 characters in all), where
    both parts must follow the rule.
    """
    parts = name.split("+")
    if len(parts) > 2:
        return "Expected a name to contain at most one topology:  Got two `+` characters."
    if len(parts) == 2:
        if not 3 <= len(name) <= 512:
            return f"Expected a name containing 3-512 characters. Got: {len(name)}"
        return _part_problem(parts[0]) or _part_problem(parts[1])
    return _part_problem(name)


def _part_problem(name: str) -> str | None:
    if not _NAME.fullmatch(name):
        return (
            "Expected a name containing 3-512 characters from [a-zA-Z0-9._-], starting and ending "
            f"with a character in [a-zA-Z0-9]. Got: {name}"
        )
    if ".." in name:
        return f"Expected a name that does not contains two consecutive periods (..). Got {name}"
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return None
    return f"Expected a name that is not a valid ip address. Got {name}"


def check_collection_name(name: str, field: str = "name") -> None:
    problem = name_problem(name)
    if problem is not None:
        raise InvalidArgument(f"Validation error: {field}: {problem}")


def check_database_name(name: str) -> None:
    problem = name_problem(name)
    if problem is not None:
        raise InvalidArgument(problem)


def check_tenant_name(name: str) -> None:
    if len(name) < 3:
        raise InvalidArgument(
            'Validation error: name: Validation error: length [{"min": Number(3), "value": '
            f'String("{name}")}}]'
        )


def check_database_segment(database: str) -> None:
    """Record and collection endpoints only check that the database segment is 3+ bytes long."""
    if len(database.encode("utf-8")) < 3:
        raise InvalidArgument("database name must be at least 3 characters")
