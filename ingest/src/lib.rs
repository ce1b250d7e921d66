//! `arhiva-ingest`: see ARCHITECTURE.md.
