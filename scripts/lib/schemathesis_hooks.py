"""Schemathesis hooks for scripts/fuzz (loaded through SCHEMATHESIS_HOOKS).

Generates the string formats the API document defines (`cursor`, `nhs-number`,
`upn`: rules beyond a pattern), and mends the values schemathesis draws from
their patterns alone; see the sections below.

Also works around a CPython 3.11 fault, not one of earlyhelp's: building an AST
(`ast.parse`) in two threads at once can fail with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905). Hypothesis
parses source files to describe the lambdas in its strategies, and with
`--workers 2` schemathesis generates data in two threads, so a run would now
and then end in a "Runtime Error" that says nothing about the API. Parsing
one file at a time avoids it; it costs next to nothing, as Hypothesis caches
what it parsed.
"""

import ast
import base64
import json
import re
import string
import threading
import uuid

import schemathesis
from hypothesis import strategies as st

_lock = threading.RLock()
_parse = ast.parse


def _serialised_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


if getattr(ast.parse, "__name__", "") != "_serialised_parse":
    ast.parse = _serialised_parse


# --- String formats the document defines --------------------------------------
# The document names a `format` where a rule is beyond its pattern (see
# crates/http/src/openapi/patterns.rs): these generate values that keep the
# rule, as the server's checks read it, so that schema-valid data is valid data.


def _nhs_number(digits, grouping):
    """A valid NHS number from nine digits (modulus 11 check digit), or None."""
    total = sum(digit * weight for digit, weight in zip(digits, range(10, 1, -1)))
    check = (11 - total % 11) % 11
    if check == 10 or len(set(digits + [check])) == 1:
        return None
    text = "".join(map(str, digits + [check]))
    if grouping:
        text = grouping.join((text[:3], text[3:6], text[6:]))
    return text


schemathesis.openapi.format(
    "nhs-number",
    st.builds(_nhs_number, st.lists(st.integers(0, 9), min_size=9, max_size=9), st.sampled_from(["", " ", "-"])).filter(
        lambda value: value is not None
    ),
)

# A UPN's check letter and temporary last character: A to Z but I, O and S.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _upn(digits, last, lower):
    """A valid UPN: the check letter (modulus 23 of the weighted digits and last character)."""
    last_value = int(last) if last.isdigit() else _UPN_LETTERS.index(last)
    total = sum(value * weight for value, weight in zip([*digits, last_value], range(2, 15)))
    text = _UPN_LETTERS[total % 23] + "".join(map(str, digits)) + last
    return text.lower() if lower else text


schemathesis.openapi.format(
    "upn",
    st.builds(
        _upn,
        st.lists(st.integers(0, 9), min_size=11, max_size=11),
        st.sampled_from(string.digits + _UPN_LETTERS),
        st.booleans(),
    ),
)


def _cursor(key, record):
    """A cursor as the server writes one: unpadded base64url of {"k": key, "i": id}."""
    text = json.dumps({"k": key, "i": str(record)}, ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


schemathesis.openapi.format(
    "cursor",
    st.builds(
        _cursor,
        # Any key without control characters (the server refuses those in a key).
        st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=40),
        st.uuids(),
    ),
)


# --- Values of those formats that were drawn from their patterns -----------------
# Where a schema has a pattern beside its format, schemathesis' coverage phase draws
# boundary values from the pattern alone (63 zeros for a cursor, ten digits for an
# NHS number) and ignores a `not` (twelve equal characters for a new password).
# Such a value is schema-valid only in appearance: it breaks the rule the format (or
# the `not`) names. In positive cases, each is replaced with one that keeps it, so
# that positive_data_acceptance judges the server, not the generator.


_CURSOR_TEXT = re.compile(r"^[A-Za-z0-9_-]*$")


def _is_cursor(value):
    """Whether the server would read `value` as a cursor (pagination::Cursor::decode)."""
    if not isinstance(value, str) or not _CURSOR_TEXT.match(value) or len(value) % 4 == 1:
        return False
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != value:
            return False  # unused trailing bits set
        cursor = json.loads(raw.decode("utf-8"))
        key = cursor["k"]
        uuid.UUID(cursor["i"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return isinstance(key, str) and len(key.encode("utf-8")) <= 1000 and not any(
        ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in key
    )


def _is_nhs_number(value):
    text = value.strip()
    if not text:
        return True
    if any(c not in "0123456789 -" for c in text):
        return True  # not the shape: the pattern's business, left alone
    digits = [int(c) for c in text if c.isdigit()]
    return len(digits) != 10 or _nhs_number(digits[:9], "") == "".join(map(str, digits))


def _is_upn(value):
    text = value.strip().upper()
    if len(text) != 13 or not text[1:12].isdigit() or text[0] not in _UPN_LETTERS:
        return True  # blank, or not the shape
    last = text[12]
    if not (last.isdigit() or last in _UPN_LETTERS):
        return True
    return _upn([int(c) for c in text[1:12]], last, False) == text


def _seed(value):
    return uuid.uuid5(uuid.NAMESPACE_URL, repr(value))


def _repair(value):
    """`value` (a body, or part of one) with each broken number replaced by a valid one."""
    if isinstance(value, list):
        return [_repair(item) for item in value]
    if not isinstance(value, dict):
        return value
    repaired = {}
    for key, item in value.items():
        if key == "nhs_number" and isinstance(item, str) and not _is_nhs_number(item):
            digits = [int(c) for c in f"{_seed(item).int:030d}"[:9]]
            item = _nhs_number(digits, "") or "9434765919"
        elif key == "upn" and isinstance(item, str) and not _is_upn(item):
            item = _upn([int(c) for c in f"{_seed(item).int:030d}"[:11]], "1", False)
        elif key == "password" and isinstance(item, str) and len(set(item)) == 1 and len(item) >= 12:
            item = item[:-1] + ("b" if item[-1] != "b" else "c")
        else:
            item = _repair(item)
        repaired[key] = item
    return repaired


@schemathesis.hook
def map_case(ctx, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    query = case.query
    if isinstance(query, dict) and "cursor" in query and not _is_cursor(query["cursor"]):
        key = "".join(c for c in str(query["cursor"])[:40] if c.isalnum())
        query["cursor"] = _cursor(key, _seed(query["cursor"]))
    if isinstance(case.body, (dict, list)):
        case.body = _repair(case.body)
    return case
