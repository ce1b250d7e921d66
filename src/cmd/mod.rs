//! One module per command; each exposes `Args` (clap) and `run(&Config, Args)`.

pub mod certificate;
pub mod demo;
pub mod export;
pub mod fixtures;
pub mod ingest;
pub mod nightly;
pub mod person;
pub mod rebuild;
pub mod request;
pub mod retention;
pub mod search;
pub mod serve;
pub mod user;
pub mod verify;
