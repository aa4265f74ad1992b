"""Store: the `validator` crate's report of a payload: every field's problem in one 400, one per line."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.errors import InvalidArgument

PREFIX = "Validation error: "


def validate_fields(*checks: Callable[[], object]) -> None:
    """Run each field's check; when any fails, one 400 "Validation error: a: ...\\nb: ..." lists them all.

    Chroma's `validator` derive checks every field of a payload before it reports, in a hash map whose
    order varies from one request to the next; the mock lists the fields in the order of `checks`.
    A check's other errors (no "Validation error: " prefix) are Chroma's later checks: the first is
    raised only when no field failed validation.
    """
    problems: list[str] = []
    later: InvalidArgument | None = None
    for check in checks:
        try:
            check()
        except InvalidArgument as error:
            if error.message.startswith(PREFIX):
                problems.append(error.message.removeprefix(PREFIX))
            elif later is None:
                later = error
    if problems:
        raise InvalidArgument(PREFIX + "\n".join(problems))
    if later is not None:
        raise later
