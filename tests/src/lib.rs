//! Cross-crate tests over the example library.
