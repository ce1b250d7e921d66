//! One module per command; each exposes `Args` (clap) and `run(&Config, Args)`.

pub mod fixtures;
pub mod ingest;
pub mod nightly;
pub mod person;
pub mod rebuild;
pub mod search;
pub mod verify;
