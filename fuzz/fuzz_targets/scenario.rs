//! Fuzz target `scenario`: see `flowdrill_tests::fuzz::scenario`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flowdrill_tests::fuzz::scenario(data));
