//! HTML views (maud). Each function takes what the page shows, already
//! read and masked by its handler, and returns markup; none does I/O.

pub mod admin;
pub mod dossier;
pub mod errors;
pub mod layout;
pub mod login;
pub mod page;
pub mod person;
pub mod requests;
pub mod retention;
pub mod search;
