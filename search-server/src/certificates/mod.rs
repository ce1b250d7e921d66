//! Certificates: here is a former employee at the counter; prove the years
//! they worked here, with the pages that show it.
//!
//! The archive's most frequent job is the work-seniority certificate
//! ("adeverință de vechime în muncă"): a person asks, staff find them in
//! the archived payroll lists ("state de plată"), and the archive issues a
//! certificate listing the months found, with the dossier and page of each.
//! The same workflow answers requests for certified copies of pages
//! ("copii conforme cu originalul").
//!
//! # How a request goes
//!
//! 1. **Registered** ([`register::register`]): a per-year number
//!    (`1234/2026`), the petitioner (name, former names, CNP, address), what
//!    is asked, department and period claimed, purpose. The legal deadline
//!    follows from the kind ([`deadline`]): a petition 30 days (OG 27/2002,
//!    extendable once by 15 with notice), a public-information request 10
//!    days, 30 if complex (Legea 544/2001). The list marks requests due soon
//!    and overdue.
//! 2. **In search** ([`workspace`]): the person search of the index (name in
//!    either order, diacritic- and OCR-tolerant, CNP exact), for the current
//!    and the former names, grouped by month. Staff confirm or reject each
//!    hit; a batch run decides by a fixed rule (same CNP, or no CNP on the
//!    row and every part of the name matching) and stops where it cannot.
//! 3. **Drafted**: the confirmed months become periods ([`periods`]) —
//!    consecutive months merged while function and salary stay the same —
//!    and the draft PDF can be read before issuing.
//! 4. **Issued** or **answered negatively** ([`issue`]): the certificate,
//!    the negative answer letter when nothing was confirmed, or the certified
//!    copy is rendered ([`documents`], [`copy`], on the small writer in [`pdf`] with
//!    DejaVu Sans embedded so every Romanian diacritic prints and extracts),
//!    stored in the content store and named by a journaled `certificate`
//!    record in the same commit that closes the request.
//!
//! # What is kept, and where
//!
//! A request is one generic journal record (kind `request`, key
//! `YYYY-NNNNNN`) rewritten whole on every change, with its decisions and a
//! history of who did what. Each change is one group commit that also holds
//! the action's audit entry (kind `audit`, the server's audit format), so
//! the journal and the audit log never disagree — for the web UI and the
//! command line alike. Everything is a function of the record: the issue
//! date printed is the record's, the PDF has no other timestamp, and
//! rendering an issued record again gives the stored bytes.
//!
//! # Who calls it
//!
//! The web routes in `routes::requests` (pages and `/api/requests…`) and the
//! `arhiva request` / `arhiva certificate` commands.
//!
//! ```
//! use arhiva_server::certificates::{deadline, register, FixedClock, NewRequest, Actor};
//! let dir = tempfile::tempdir().unwrap();
//! let archive = arhiva_store::Archive::open(dir.path()).unwrap();
//! let clock = FixedClock::on(time::macros::date!(2024 - 01 - 31));
//! let r = register::register(&archive, &Actor::new("ana", "cli"), &clock, NewRequest {
//!     name: "Ștefănescu Ioana".into(),
//!     ..Default::default()
//! }).unwrap();
//! assert_eq!(r.number.to_string(), "1/2024");
//! // 2024 is a leap year: 31 January + 30 days is 1 March.
//! assert_eq!(deadline::due_date(&r), time::macros::date!(2024 - 03 - 01));
//! ```

pub mod copy;
pub mod coverage;
pub mod deadline;
pub mod documents;
mod error;
pub mod issue;
pub mod model;
pub mod pdf;
pub mod periods;
pub mod register;
pub mod workspace;

pub use coverage::{coverage, Coverage, MonthState};
pub use deadline::{due_date, urgency, Clock, FixedClock, SystemClock, Urgency};
pub use documents::Letterhead;
pub use error::{CertificateError, Result};
pub use issue::{
    clerk_of, issue, issue_batch, render, stored_pdf, BatchOutcome, CertificateRecord,
};
pub use model::{
    Clerk, Decision, DocumentKind, NewRequest, PageRef, Request, RequestKind, RequestNumber,
    Status, Subject, YearRange,
};
pub use periods::{periods, Period};
pub use register::Actor;
pub use workspace::{search, workspace, Workspace};
