//! Integration tests live in `api/`; this library is empty on purpose so the package has a target.
