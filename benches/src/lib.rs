//! Benchmarks live in this folder as `[[bench]]` targets; this library is empty.
