//! Integration tests live in `api/` (HTTP) and `faults/` (fault injection, against the real
//! binary); this library is empty on purpose so the package has a target.
