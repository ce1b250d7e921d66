//! `arhiva-server`: see ARCHITECTURE.md.
