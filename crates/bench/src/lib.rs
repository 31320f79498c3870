//! The benchmark's process helpers as a library: starting `antom-sim` and `antom-checkout` as
//! separate processes on a fresh database, and reading their memory and CPU from `/proc`.
//! Used by the `bench` binary and by the `soak` crate.

pub mod procs;
