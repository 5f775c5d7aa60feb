//! Small building blocks shared by the other modules.

pub(crate) mod dense;
pub(crate) mod sort;
