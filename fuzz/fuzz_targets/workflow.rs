//! Fuzz target `workflow`: see `flowdrill_tests::fuzz::workflow`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flowdrill_tests::fuzz::workflow(data));
