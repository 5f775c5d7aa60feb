//! Fuzz target `calendar`: see `flowdrill_tests::fuzz::calendar`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flowdrill_tests::fuzz::calendar(data));
