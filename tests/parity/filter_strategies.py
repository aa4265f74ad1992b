"""Hypothesis strategies for `where` / `where_document` clauses over the data of `filter_data`.

- `wheres()`: valid `where` clauses, the whole grammar of reference section 7.1: scalar shorthand,
  `$eq $ne $gt $gte $lt $lte` (numbers for the ordering operators: ints, integral and fractional
  floats, hitting the float-bound truncation quirk), `$in`/`$nin` with homogeneous lists (a float
  list may go on with ints: `[1.0, 3]`), `$contains`/`$not_contains` with every scalar type,
  `#document` with the four document operators, and `$and`/`$or` with 0..3 children, nested.
- `where_documents()`: valid `where_document` clauses: `$contains`/`$not_contains` on substrings
  of the stored documents (and a few absent strings), `$regex`/`$not_regex` on Rust-escaped
  substrings (optionally anchored, optionally `(?i)`) and on a fixed list of regex constructs,
  and `$and`/`$or` nestings.
- `bad_wheres()` / `bad_where_documents()`: malformed (or borderline) clauses: wrong shapes,
  unknown operators, wrong operand types, mixed lists, u64 / beyond-u64 ints, invalid regexes,
  `#document` equality, each possibly buried inside a valid `$and`/`$or`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .filter_data import BIG_INT, FLOATS, I64_MAX, I64_MIN, METADATA_KEYS, NON_NULL_DOCUMENTS, RECORDS, STRINGS, TAGS

KEYS = METADATA_KEYS + ["nokey", "#id"]
ORDERING = ["$gt", "$gte", "$lt", "$lte"]

ints = st.one_of(
    st.integers(-4, 4),
    st.integers(-3, 3),  # (twice: values that occur, more often than the extremes)
    st.sampled_from([BIG_INT, BIG_INT - 1, 2**53, I64_MAX, I64_MIN, 123456, -123457]),
)
floats = st.one_of(
    st.sampled_from(FLOATS + [-3.5, 3.5, -1.0, 0.25, -2.0, float(2**53), 9.3e18, -9.3e18, 123456.0]),
    st.integers(-40, 40).map(lambda n: n / 10),  # fractional bounds: the truncation quirk
    st.floats(-5, 5, allow_nan=False, allow_infinity=False),
)
numbers = st.one_of(ints, floats)
strings = st.sampled_from(sorted(set(STRINGS + TAGS + ["nothere", "APPLE", "apple "])))
bools = st.booleans()
scalars = st.one_of(numbers, strings, bools)


def _float_list() -> st.SearchStrategy[list[Any]]:
    """A float list: the first element decides the list type, ints may follow."""
    return st.builds(lambda first, rest: [first, *rest], floats, st.lists(numbers, max_size=3))


in_lists = st.one_of(
    st.lists(ints, min_size=1, max_size=4),
    _float_list(),
    st.lists(strings, min_size=1, max_size=4),
    st.lists(bools, min_size=1, max_size=2),
)

# documents ------------------------------------------------------------------------------------------
_RUST_META = set("\\.+*?()|[]{}^$#&-~")


def rust_escape(text: str) -> str:
    return "".join("\\" + c if c in _RUST_META else c for c in text)


@st.composite
def substrings(draw: st.DrawFn) -> str:
    """Mostly a substring of a stored document (possibly empty), sometimes a string found nowhere."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["zzz", "APPLE PIE", "%", "_", "\\", "\n", "Pie", "dog ", "éa"]))
    document = draw(st.sampled_from([d for d in NON_NULL_DOCUMENTS if d]))
    start = draw(st.integers(0, len(document)))
    end = draw(st.integers(start, min(len(document), start + 8)))
    return document[start:end]


# fmt: off
REGEX_CONSTRUCTS = [
    "", "^$", ".", "^.{3}$", "\\d+", "\\d{3}", "[[:upper:]]", "[[:alpha:]]+\\s", "[[:^alpha:]]", "\\bdog\\b",
    "\\Bog", "colou?r", "(?i)apple", "(?i)NAÏVE", "(?i)CAFÉ", "\\p{Greek}", "\\pL+", "\\PL", "[^a-z ]", "a.c",
    "a\\.c", "line1$", "(?m)line1$", "(?s)line1.line2", "line1.line2", "^the", "(?i)^the", "\\w+", "[α-ω]+",
    "é", "%", "_", "\\\\", "\\t", "\\n", "(?x) a a a", "a{2,}", "(foo|bar)\\d", "[0-9]{2}%", "\\x{e9}",
    "\\u00E9", "(?U)a+", "[a-c&&b]", "[\\w--\\d]", "^\\S+$", "\\Aapple", "pie\\z", "(?i)[A-Z]{5}", "o{2}",
    "^[^\\n]*$", "\\s$", "\\.$", "[[:punct:]]", "\\p{Lu}\\p{Ll}", "\\W{2}", "(?i)ß", "d\\b", "^(?:the|apple)",
]


@st.composite
def regexes(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(REGEX_CONSTRUCTS))
    pattern = rust_escape(draw(substrings()))
    if draw(st.booleans()):
        pattern = draw(st.sampled_from(["^", "", "(?i)"])) + pattern + draw(st.sampled_from(["", "$", ".*"]))
    return pattern


def document_leaf(op: str) -> st.SearchStrategy[dict[str, str]]:
    text = regexes() if op in ("$regex", "$not_regex") else substrings()
    return text.map(lambda t: {op: t})


document_leaves = st.sampled_from(["$contains", "$not_contains", "$regex", "$not_regex"]).flatmap(document_leaf)


def _nest(leaves: st.SearchStrategy[Any], max_leaves: int) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=3).map(lambda items: {"$or": items}),
            st.lists(children, max_size=2).map(lambda items: {"$and": items}),  # longer ones match nothing
        ),
        max_leaves=max_leaves,
    )


def where_documents(max_leaves: int = 5) -> st.SearchStrategy[Any]:
    return _nest(document_leaves, max_leaves)


# where ---------------------------------------------------------------------------------------------
def _observed(key: str) -> dict[type, list[Any]]:
    """The values stored under `key` (scalars, and the elements of arrays), by Python type."""
    found: dict[type, list[Any]] = {}
    for record in RECORDS:
        value = (record["metadata"] or {}).get(key)
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            if item not in found.setdefault(type(item), []):
                found[type(item)].append(item)
    return found


def _keyed(key: str) -> st.SearchStrategy[dict[str, Any]]:
    """A comparison on `key`; operands are half the time values stored under that key (so the
    clause selects some records), half the time drawn from the generic pools."""
    if key == "#document":
        return document_leaves.map(lambda leaf: {"#document": leaf})
    observed = _observed(key)
    seen = [st.sampled_from(values) for values in observed.values()]
    seen_numbers = [st.sampled_from(v) for t, v in observed.items() if t in (int, float)]
    scalar = st.one_of(*seen, scalars) if seen else scalars
    number = st.one_of(*seen_numbers, numbers) if seen_numbers else numbers
    in_list = st.one_of(*(st.lists(s, min_size=1, max_size=3) for s in seen), in_lists)
    return st.one_of(
        scalar.map(lambda v: {key: v}),
        st.builds(lambda op, v: {key: {op: v}}, st.sampled_from(["$eq", "$ne"]), scalar),
        st.builds(lambda op, v: {key: {op: v}}, st.sampled_from(ORDERING), number),
        st.builds(lambda op, v: {key: {op: v}}, st.sampled_from(["$in", "$nin"]), in_list),
        st.builds(lambda op, v: {key: {op: v}}, st.sampled_from(["$contains", "$not_contains"]), scalar),
    )


where_leaves = st.sampled_from(METADATA_KEYS * 3 + ["nokey", "#id", "#document", "#document"]).flatmap(_keyed)


def wheres(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """A single comparison half the time (they select some records more often than an `$and`)."""
    return st.one_of(where_leaves, _nest(where_leaves, max_leaves))


# malformed -----------------------------------------------------------------------------------------
# fmt: off
ALL_OPS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$contains", "$not_contains", "$regex",
           "$not_regex", "$and", "$or", "$not", "$exists", "$foo", "eq", ""]
# fmt: on
odd_operands: st.SearchStrategy[Any] = st.one_of(
    scalars,
    st.sampled_from([None, [], {}, {"$eq": 1}, 2**63, 2**64 - 1, 2**64, 2**70, -(2**63) - 1, 1e308, -1e308]),
    st.lists(st.one_of(scalars, st.none()), min_size=1, max_size=3),  # mixed lists
    st.lists(st.sampled_from([2**63, 2**64, 2**70, 1, 1.5]), min_size=1, max_size=3),
    st.sampled_from(["(", "[a-", "\\", "a{2,1}", "(?P<n>a)(?P<n>b)", "\\p{Nope}", "*a", "(?<", "[z-a]", "\\xZZ"]),
)

# fmt: off
FIXED_BAD_WHERES: list[Any] = [
    {}, {"i": 1, "s": "apple"}, {"i": None}, {"i": [1, 2]}, {"i": {}}, {"i": {"$eq": 1, "$ne": 2}},
    {"tags": {"$eq": ["x", "y"]}}, {"s": {"$gt": "a"}}, {"b": {"$lt": True}}, {"i": {"$in": []}},
    {"i": {"$in": [1, "a"]}}, {"i": {"$in": [1, 2.5]}}, {"b": {"$in": [True, 1]}}, {"i": {"$in": 1}},
    {"$and": {}}, {"$and": [{}]}, {"$or": None}, {"$not": {"i": 1}}, {"$contains": "x"}, {"$i": 1},
    {"#document": "x"}, {"#document": {"$contains": 1}}, {"#document": {"$eq": "x"}},
    {"#document": {"$in": ["x"]}}, {"#document": {"$ne": "x"}}, {"#document": {"$nin": ["x", "y"]}},
    {"#document": {"$regex": "("}}, {"s": {"$regex": "a"}}, {"i": 2**63}, {"i": {"$gt": 2**64}},
    {"i": 2**64}, {"i": 2**70}, {"i": {"$in": [2**63]}}, {"i": {"$in": [1, 2**63]}}, {"i": {"$in": [1.5, 2**70]}},
    [], "i", 1, [{"i": 1}], {"$and": [{"i": 1}, {"$or": [{"s": {"$lte": "z"}}]}]},
]
# fmt: on


def bad_where_leaves() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(FIXED_BAD_WHERES),
        st.builds(
            lambda k, op, v: {k: {op: v}}, st.sampled_from(KEYS + ["#document"]), st.sampled_from(ALL_OPS), odd_operands
        ),
        st.builds(lambda k, v: {k: v}, st.sampled_from(KEYS + ["#document", "$and", "$or", "$eq"]), odd_operands),
    )


def bad_wheres() -> st.SearchStrategy[Any]:
    """A malformed clause, alone or inside a valid `$and`/`$or` (with valid siblings)."""
    return st.one_of(
        bad_where_leaves(),
        st.builds(
            lambda op, bad, good, at: {op: [*good[:at], bad, *good[at:]]},
            st.sampled_from(["$and", "$or"]),
            bad_where_leaves(),
            st.lists(where_leaves, max_size=2),
            st.integers(0, 2),
        ),
    )


# fmt: off
FIXED_BAD_DOCUMENTS: list[Any] = [
    {}, {"$contains": "a", "$regex": "b"}, {"$contains": 1}, {"$contains": None}, {"$not": {"$contains": "a"}},
    "apple", ["apple"], 1, {"$and": {"$contains": "a"}}, {"$and": [{}]}, {"$or": [1]}, {"$eq": "apple"},
    {"$regex": "("}, {"$regex": "[a-"}, {"$not_regex": "a{2,1}"}, {"$regex": "\\p{Nope}"}, {"$regex": "(?<"},
    {"$regex": "\\"}, {"$regex": "*a"}, {"$regex": "[z-a]"}, {"$regex": "(?P<n>a)(?P<n>b)"}, {"$regex": "\\xZZ"},
    {"$regex": "a\\"}, {"$regex": "(?-u:\\xFF)"}, {"$regex": "(?-u)."}, {"$regex": "x{1001}"},
    {"#document": {"$contains": "a"}}, {"$contains": ["a"]},
]
# fmt: on


def bad_where_documents() -> st.SearchStrategy[Any]:
    bad = st.one_of(
        st.sampled_from(FIXED_BAD_DOCUMENTS),
        st.builds(lambda op, v: {op: v}, st.sampled_from(ALL_OPS), odd_operands),
    )
    return st.one_of(
        bad,
        st.builds(
            lambda op, b, good: {op: [*good, b]},
            st.sampled_from(["$and", "$or"]),
            bad,
            st.lists(document_leaves, max_size=2),
        ),
    )
