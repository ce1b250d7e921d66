//! Load benchmark of the web server (placeholder until written).
fn main() {}
