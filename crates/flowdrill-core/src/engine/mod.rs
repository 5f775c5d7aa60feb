//! The engine: the compiled form of a workflow and the one function that moves a case.

pub mod compiled;
