"""Store: the `validator` crate's report of a payload: every field's problem in one 400, one per line."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.errors import InvalidArgument

PREFIX = "Validation error: "


def validate_fields(*checks: Callable[[], object]) -> None:
    """Run each field's check; when any fails, one 400 "Validation error: a: ...\\nb: ..." lists them all.

    Chroma's `validator` derive checks every field of a payload before it reports, in a hash map whose
    order varies from one request to the next; the mock lists the fields in the order of `checks`.
    Errors that are not validator errors (no "Validation error: " prefix) pass through at once.
    """
    problems: list[str] = []
    for check in checks:
        try:
            check()
        except InvalidArgument as error:
            if not error.message.startswith(PREFIX):
                raise
            problems.append(error.message.removeprefix(PREFIX))
    if problems:
        raise InvalidArgument(PREFIX + "\n".join(problems))
