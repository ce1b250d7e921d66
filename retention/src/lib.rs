//! `arhiva-retention`: see ARCHITECTURE.md.
