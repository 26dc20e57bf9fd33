"""Schemathesis hooks for scripts/fuzz (loaded through SCHEMATHESIS_HOOKS).

Works around a CPython 3.11 fault, not one of earlyhelp's: building an AST
(`ast.parse`) in two threads at once can fail with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905). Hypothesis
parses source files to describe the lambdas in its strategies, and with
`--workers 2` schemathesis generates data in two threads, so a run would now
and then end in a "Runtime Error" that says nothing about the API. Parsing
one file at a time avoids it; it costs next to nothing, as Hypothesis caches
what it parsed.
"""

import ast
import threading

_lock = threading.RLock()
_parse = ast.parse


def _serialised_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


if getattr(ast.parse, "__name__", "") != "_serialised_parse":
    ast.parse = _serialised_parse
