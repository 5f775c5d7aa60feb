//! Fuzz target `check`: see `flowdrill_tests::fuzz::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flowdrill_tests::fuzz::check(data));
