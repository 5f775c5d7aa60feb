//! Fuzz target `actions`: see `flowdrill_tests::fuzz::actions`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flowdrill_tests::fuzz::actions(data));
