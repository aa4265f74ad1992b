"""Seed format: parse and check a seed (dict or YAML/JSON file) into a frozen `Seed`; deterministic text embeddings.

Pure: no store. `mockserver.control.seed` documents the format and applies a `Seed` to a `Store`;
a remote seeder can replay the same `Seed` over HTTP (embeddings are already filled in).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from mockserver.errors import InvalidArgument
from mockserver.store import RecordBatch
from mockserver.store.catalog import DEFAULT_DATABASE, DEFAULT_TENANT
from mockserver.store.uuids import parse_uuid

FORMAT_VERSION = 1
DEFAULT_DIMENSION = 384
#: the largest `dimension` a seed collection may ask for (embeddings derived from documents have it)
MAX_DIMENSION = 65_536

SeedSource = Mapping[str, Any] | str | os.PathLike[str]

_TOP_KEYS = {"version", "profile", "tenants", "databases", "collections"}
PROFILES = ("local", "cloud")
_DATABASE_KEYS = {"name", "tenant", "id"}
_COLLECTION_KEYS = {
    "name",
    "tenant",
    "database",
    "id",
    "metadata",
    "configuration",
    "schema",
    "dimension",
    "records",
    "metadata_types",
}
_COLUMNS = {"ids": "id", "embeddings": "embedding", "documents": "document", "metadatas": "metadata", "uris": "uri"}


class SeedError(InvalidArgument):
    """A seed that cannot be loaded; the message names the file and the place in it."""


@dataclass(frozen=True)
class SeedDatabase:
    tenant: str
    name: str
    id: str | None = None


@dataclass(frozen=True)
class SeedRecords:
    """Columns ready for the add endpoint; `embeddings` is complete (derived ones filled in)."""

    ids: list[str]
    embeddings: list[Any]
    documents: list[str | None] | None
    metadatas: list[dict[str, Any] | None] | None
    uris: list[str | None] | None

    def batch(self) -> RecordBatch:
        return RecordBatch(self.ids, self.embeddings, self.documents, self.uris, self.metadatas)


@dataclass(frozen=True)
class SeedCollection:
    tenant: str
    database: str
    name: str
    id: str | None = None
    metadata: dict[str, Any] | None = None
    configuration: dict[str, Any] | None = None
    schema: dict[str, Any] | None = None
    dimension: int | None = None
    records: SeedRecords | None = None
    #: export detail: metadata key -> value types written to it (what `schema.keys` shows), replacing
    #: what adding `records` derives, so keys of deleted records survive a snapshot; None: derived
    metadata_types: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class Seed:
    """A parsed, checked seed: what `load_seed` applies (and what a remote seeder can replay)."""

    tenants: tuple[str, ...]  # every tenant named anywhere, in order of first mention
    databases: tuple[SeedDatabase, ...]  # every database named anywhere, in order of first mention
    collections: tuple[SeedCollection, ...]
    source: str = "<dict>"
    profile: str | None = None  # the profile the seed was written for (None: either)


# deterministic embeddings ----------------------------------------------------------------------
_TOKEN = re.compile(r"\w+")

def embed_text(text: str, dimension: int = DEFAULT_DIMENSION) -> list[float]:
    """A unit-length embedding of `text` that depends only on the text and the dimension.

    Feature hashing: every lower-cased word (weight 1) and every character trigram of each word
    (weight 0.5) adds ±weight to the bucket blake2b picks, then the vector is L2-normalised. Text
    without words gets a pseudo-random vector from shake_256 of the text.
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"dimension must be a positive integer, not {dimension!r}")
    import numpy as np  # imported on first use: a server that never seeds does not load numpy

    values = [0.0] * dimension
    for word in _TOKEN.findall(text.lower()):
        for index, weight in _word_features(word, dimension):
            values[index] += weight  # sums of +-1 and +-0.5: exact in any order
    vector = np.array(values, dtype=np.float64)
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        raw = np.frombuffer(hashlib.shake_256(text.encode("utf-8")).digest(4 * dimension), dtype="<u4")
        vector = raw.astype(np.float64) / 2**31 - 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
    return [float(x) for x in (vector / norm).astype(np.float32)]


@functools.lru_cache(maxsize=65536)
def _word_features(word: str, dimension: int) -> tuple[tuple[int, float], ...]:
    """The (bucket, signed weight) of a word and of its character trigrams (cached: words repeat)."""
    padded = f"<{word}>"
    return (
        _feature("w:" + word, dimension, 1.0),
        *(_feature("t:" + padded[i : i + 3], dimension, 0.5) for i in range(len(padded) - 2)),
    )


def _feature(feature: str, dimension: int, weight: float) -> tuple[int, float]:
    h = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
    return h % dimension, (weight if h >> 63 else -weight)


# reading ---------------------------------------------------------------------------------------
def read_seed(data_or_path: SeedSource | Seed) -> Seed:
    """Parse and check a seed (dict, or path to a .yaml/.yml/.json file) without touching a store.

    Files are parsed once per (path, modification time, size): later reads of an unchanged file
    return the same frozen `Seed` (YAML with libyaml's C loader when PyYAML has it).
    """
    if isinstance(data_or_path, Seed):
        return data_or_path
    if isinstance(data_or_path, Mapping):
        return _Parser("<dict>").seed(data_or_path)
    path = Path(data_or_path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise SeedError(f"seed {path}: cannot read: {exc.strerror or exc}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    seed = _read_file(path)
    with _CACHE_LOCK:
        _CACHE[key] = seed
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return seed


_CACHE_SIZE = 16
_CACHE: OrderedDict[tuple[str, int, int], Seed] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _read_file(path: Path) -> Seed:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"seed {path}: cannot read: {exc.strerror or exc}") from None
    import yaml  # only when a YAML seed is read

    is_json = path.suffix.lower() == ".json"
    try:
        data = orjson.loads(raw) if is_json else yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        raise SeedError(f"seed {path}: not valid {'JSON' if is_json else 'YAML'}: {exc}") from None
    return _Parser(str(path)).seed(data if data is not None else {})


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> SeedError:
        return SeedError(f"seed {self.source}: {where}: {message}" if where else f"seed {self.source}: {message}")

    def seed(self, data: Any) -> Seed:
        obj = self.object(data, "", _TOP_KEYS)
        version = obj.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail("version", f"unsupported seed format version {version!r} (expected {FORMAT_VERSION})")
        profile = obj.get("profile")
        if profile is not None and profile not in PROFILES:
            raise self.fail("profile", f"unknown profile {profile!r} (expected one of {', '.join(PROFILES)})")
        tenants: dict[str, None] = {}
        databases: dict[tuple[str, str], SeedDatabase] = {}
        for i, tenant in enumerate(self.array(obj.get("tenants"), "tenants")):
            tenants[self.string(tenant, f"tenants[{i}]")] = None
        for i, entry in enumerate(self.array(obj.get("databases"), "databases")):
            db = self.database(entry, f"databases[{i}]")
            tenants.setdefault(db.tenant)
            databases.setdefault((db.tenant, db.name), db)
        collections = []
        for i, entry in enumerate(self.array(obj.get("collections"), "collections")):
            c = self.collection(entry, f"collections[{i}]")
            tenants.setdefault(c.tenant)
            databases.setdefault((c.tenant, c.database), SeedDatabase(c.tenant, c.database))
            collections.append(c)
        return Seed(tuple(tenants), tuple(databases.values()), tuple(collections), self.source, profile)

    # shapes -------------------------------------------------------------------------------
    def object(self, value: Any, where: str, keys: set[str]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected an object, got {_kind(value)}")
        unknown = sorted(str(k) for k in value if k not in keys)
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(unknown)} (expected some of {', '.join(sorted(keys))})")
        return dict(value)

    def array(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {_kind(value)}")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"expected a string, got {_kind(value)}")
        return value

    def optional_object(self, value: Any, where: str) -> dict[str, Any] | None:
        if value is not None and not isinstance(value, Mapping):
            raise self.fail(where, f"expected an object, got {_kind(value)}")
        return None if value is None else dict(value)

    def uuid(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        canonical = parse_uuid(self.string(value, where))
        if canonical is None:
            raise self.fail(where, f"not a UUID: {value!r}")
        return canonical

    # entries ------------------------------------------------------------------------------
    def database(self, entry: Any, where: str) -> SeedDatabase:
        if isinstance(entry, str):
            return SeedDatabase(DEFAULT_TENANT, entry)
        obj = self.object(entry, where, _DATABASE_KEYS)
        if "name" not in obj:
            raise self.fail(where, "a database needs a name")
        return SeedDatabase(
            self.string(obj.get("tenant", DEFAULT_TENANT), f"{where}.tenant"),
            self.string(obj["name"], f"{where}.name"),
            self.uuid(obj.get("id"), f"{where}.id"),
        )

    def collection(self, entry: Any, where: str) -> SeedCollection:
        obj = self.object(entry, where, _COLLECTION_KEYS)
        if "name" not in obj:
            raise self.fail(where, "a collection needs a name")
        dimension = obj.get("dimension")
        if dimension is not None and (
            isinstance(dimension, bool) or not isinstance(dimension, int) or not 1 <= dimension <= MAX_DIMENSION
        ):
            raise self.fail(f"{where}.dimension", f"expected a positive integer up to {MAX_DIMENSION}, got {dimension!r}")
        records = obj.get("records")
        return SeedCollection(
            tenant=self.string(obj.get("tenant", DEFAULT_TENANT), f"{where}.tenant"),
            database=self.string(obj.get("database", DEFAULT_DATABASE), f"{where}.database"),
            name=self.string(obj["name"], f"{where}.name"),
            id=self.uuid(obj.get("id"), f"{where}.id"),
            metadata=self.optional_object(obj.get("metadata"), f"{where}.metadata"),
            configuration=self.optional_object(obj.get("configuration"), f"{where}.configuration"),
            schema=self.optional_object(obj.get("schema"), f"{where}.schema"),
            dimension=dimension,
            metadata_types=self.metadata_types(obj.get("metadata_types"), f"{where}.metadata_types"),
            records=None if records is None else self.records(records, f"{where}.records", dimension),
        )

    def metadata_types(self, value: Any, where: str) -> dict[str, list[str]] | None:
        if value is None:
            return None
        obj = self.optional_object(value, where) or {}
        return {
            self.string(key, where): [
                self.string(kind, f"{where}.{key}") for kind in self.array(kinds, f"{where}.{key}")
            ]
            for key, kinds in obj.items()
        }

    def records(self, value: Any, where: str, dimension: int | None) -> SeedRecords | None:
        columns: dict[str, list[Any] | None] = dict.fromkeys(_COLUMNS)
        if isinstance(value, Mapping):
            obj = self.object(value, where, set(_COLUMNS))
            if "ids" not in obj:
                raise self.fail(where, "columns need ids")
            for column in _COLUMNS:
                columns[column] = None if obj.get(column) is None else self.array(obj[column], f"{where}.{column}")
            n = len(columns["ids"] or [])
            for column, values in columns.items():
                if values is not None and len(values) != n:
                    raise self.fail(f"{where}.{column}", f"has {len(values)} entries for {n} ids")
        else:
            rows = [
                self.object(row, f"{where}[{i}]", set(_COLUMNS.values()))
                for i, row in enumerate(self.array(value, where))
            ]
            for i, row in enumerate(rows):
                if "id" not in row:
                    raise self.fail(f"{where}[{i}]", "a record needs an id")
            for column, key in _COLUMNS.items():
                if column == "ids" or any(key in row for row in rows):
                    columns[column] = [row.get(key) for row in rows]
        ids = [self.string(v, f"{where}.ids[{i}]") for i, v in enumerate(columns["ids"] or [])]
        if not ids:
            return None
        documents = columns["documents"]
        for i, doc in enumerate(documents or []):
            if doc is not None and not isinstance(doc, str):
                raise self.fail(f"{where}[{i}].document", f"expected a string, got {_kind(doc)}")
        given = columns["embeddings"] or [None] * len(ids)
        if any(e is None for e in given):
            size = dimension or _first_dimension(given) or DEFAULT_DIMENSION
            given = [
                embed_text(documents[i] if documents and documents[i] is not None else ids[i], size) if e is None else e
                for i, e in enumerate(given)
            ]
        return SeedRecords(ids, given, documents, columns["metadatas"], columns["uris"])


def _first_dimension(embeddings: list[Any]) -> int | None:
    for e in embeddings:
        if isinstance(e, list) or (hasattr(e, "shape") and hasattr(e, "dtype")):
            if not len(e):
                continue
            return len(e)
        if isinstance(e, str):
            try:
                return len(base64.b64decode(e, validate=True)) // 4 or None
            except (binascii.Error, ValueError):
                return None
    return None


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
