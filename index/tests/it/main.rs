//! Integration tests of `arhiva-index`: one binary, one harness.
//!
//! - `search`: the query language, filters, facets, sorting, snippets, on
//!   small hand-written pages.
//! - `lifecycle`: replacing and deleting pages, reopening, recreating a
//!   broken index.
//! - `quality`: recall and precision against the ground truth of a
//!   generated delivery (OCR-noised sidecars), figures printed.

mod harness;
mod lifecycle;
mod quality;
mod search;
