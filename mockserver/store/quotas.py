"""Store: Chroma Cloud's quotas (cloud profile): their names, defaults and `Quota exceeded` error.

The names are the snake_case usage types of Chroma's quota vocabulary (`rust/frontend/src/quota/mod.rs`
at 1.5.9), the message texts its `Display`s; which checks Cloud runs and its values are in a closed
enforcer, so the defaults are Chroma Cloud's documented limits where there is one, else the open
code's default (README, "Quotas"). A usage above the limit (never equal to it: the message says
"exceeds") is 422 `ChromaError` `Quota exceeded: '<usage>' exceeded quota limit for action
'<action>': current usage of <u> exceeds limit of <l>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.errors import Unprocessable

#: name -> (the usage type's message text, the default limit)
QUOTA_TYPES: dict[str, tuple[str, int]] = {
    "num_records": ("Number of records", 300),
    "id_size_bytes": ("ID size (bytes)", 128),
    "document_size_bytes": ("Document size (bytes)", 16_384),
    "uri_size_bytes": ("URI size (bytes)", 256),
    "embedding_dimensions": ("Embedding dimension", 4096),
    "num_metadata_keys": ("Number of metadata dictionary keys", 32),
    "metadata_key_size_bytes": ("Size of metadata dictionary key (bytes)", 36),
    "metadata_value_size_bytes": ("Size of metadata dictionary value (bytes)", 4096),
    "name_size_bytes": ("Name size (bytes)", 128),
    "limit_value": ("Limit value", 300),
    "num_results": ("Number of results", 300),
    "num_query_embeddings": ("Number of query embeddings", 20),
    "num_where_predicates": ("Number of where clause predicates", 8),
    "where_document_value_length": ("Length of where document value", 256),
    "num_search_payloads": ("Number of search payloads in a search", 5),
}


class QuotaExceeded(Unprocessable):
    """Cloud's `QuotaEnforcerError::QuotaExceeded` (422 `ChromaError`)."""

    def __init__(self, name: str, action: str, usage: int, limit: int) -> None:
        text = QUOTA_TYPES[name][0]
        super().__init__(
            f"Quota exceeded: '{text}' exceeded quota limit for action '{action}': "
            f"current usage of {usage} exceeds limit of {limit}"
        )


class QuotaFileError(ValueError):
    """A `--quota`/`--quotas` value that is not a known quota name with a non-negative integer."""


@dataclass(frozen=True)
class Quotas:
    """The limits in force: every name of QUOTA_TYPES -> its value."""

    limits: Mapping[str, int] = field(default_factory=lambda: {n: d for n, (_, d) in QUOTA_TYPES.items()})

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.limits.items())))

    def check(self, name: str, action: str, usage: int) -> None:
        """Raise QuotaExceeded when `usage` is above the limit called `name`."""
        limit = self.limits[name]
        if usage > limit:
            raise QuotaExceeded(name, action, usage, limit)

    def replaced(self, overrides: Mapping[str, Any]) -> Quotas:
        """These quotas with some limits replaced (QuotaFileError on an unknown name or a bad value)."""
        limits = dict(self.limits)
        for name, value in overrides.items():
            if name not in QUOTA_TYPES:
                raise QuotaFileError(f"unknown quota {name!r}: choose one of {', '.join(QUOTA_TYPES)}")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise QuotaFileError(f"quota {name}: expected a non-negative integer, got {value!r}")
            limits[name] = value
        return Quotas(limits)


DEFAULT_QUOTAS = Quotas()


def parse_quota_option(text: str) -> tuple[str, int]:
    """`NAME=VALUE` (the `--quota` option) -> (name, value); QuotaFileError when malformed."""
    name, sep, value = text.partition("=")
    if not sep or not value.strip().isdigit():
        raise QuotaFileError(f"--quota {text!r}: expected NAME=VALUE with a non-negative integer VALUE")
    return name.strip(), int(value)


def load_quota_file(path: str | Path) -> dict[str, Any]:
    """A YAML/JSON quota file: a mapping of quota name -> limit (`quotas:` at the top, optional)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise QuotaFileError(f"cannot read quota file {path}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("quotas"), dict):
        data = data["quotas"]
    if not isinstance(data, dict):
        raise QuotaFileError(f"{path}: expected a mapping of quota name -> limit")
    return data
