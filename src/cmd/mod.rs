//! One module per command; each exposes `Args` (clap) and `run(&Config, Args)`.

pub mod fixtures;
