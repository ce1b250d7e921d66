//! `arhiva-retention`: what may go, what must stay, what goes to the
//! National Archives — and the careful removal of what may go.
//!
//! Romanian archives keep each dossier for the term its nomenclator gives
//! (1 to 70 years, or `P`, permanent), counted from 1 January of the year
//! after its last year. Nothing is thrown away automatically: the archive
//! lists what fell due, the selection commission proposes it, the National
//! Archives' county service approves the proposal, and only then is it
//! destroyed. Permanent records are never destroyed; after the transfer age
//! (30 years by default) they are handed over to the National Archives.
//!
//! The crate follows the janitor's pattern — plan, mark, sweep:
//!
//! - **Plan** ([`plan`]): a pure function from a [`Snapshot`] of the
//!   catalog, a date and the [`Rules`] to a [`Plan`]: due dossiers grouped
//!   by inventory and department with totals, due ones kept by a
//!   [`LegalHold`], permanent ones due for transfer. No I/O, no clock:
//!   tested exhaustively.
//! - **Mark** ([`propose`], [`approve`], [`place_hold`]): journaled records
//!   (generic `Put` events of the store) freezing the commission's list and
//!   recording the approval's number and date.
//! - **Sweep** ([`dispose`]): for an approved proposal, removes what is
//!   still due and not held — content objects no kept dossier references,
//!   index entries — and journals `DossierDisposed`, leaving the
//!   description as a tombstone naming the approval. Crash-safe: intent is
//!   journaled first, every later step is idempotent, and a rerun finishes
//!   interrupted work. [`check`] says whether all views agree.
//!
//! Around them: [`documents`] writes the official inventory layout (Legea
//! 16/1996, Anexa 2) as CSV and PDF — the inventory proposed for
//! elimination, the matching inventory of permanent documents, a draft
//! proces-verbal, the destruction record; [`bagit`] writes transfer
//! packages (RFC 8493). The `arhiva retention …` and `arhiva export`
//! commands are thin wrappers over these.
//!
//! ```
//! use arhiva_retention::{plan, DossierFacts, Rules, Snapshot};
//! use arhiva_store::{Dossier, Location, RetentionTerm, TermSource};
//! use time::macros::date;
//!
//! let dossier = |cota: &str, years: (i32, i32), term| DossierFacts {
//!     dossier: Dossier {
//!         cota: cota.into(), fond: "Primăria Municipiului Arad".into(),
//!         inventory: "INV-1".into(), indicativ: "II-3".into(),
//!         title: "Corespondență".into(), department: "Registratură".into(),
//!         first_year: years.0, last_year: years.1, sheets: Some(120), term,
//!         term_source: TermSource::Nomenclator { version: "2015".into() },
//!         location: Location::default(), notes: String::new(),
//!         doc_type: String::new(), batch: "b1".into(),
//!     },
//!     pages: 120, bytes: 1 << 20, disposed: false,
//! };
//! let snapshot = Snapshot {
//!     dossiers: vec![
//!         dossier("A-1", (1998, 2001), RetentionTerm::Years(10)),
//!         dossier("A-2", (1960, 1962), RetentionTerm::Permanent),
//!     ],
//!     holds: vec![],
//! };
//! let rules = Rules::default();
//! // Ten years from 1 January 2002: not yet on the last day of 2011 ...
//! assert!(plan(&snapshot, date!(2011 - 12 - 31), &rules).due.is_empty());
//! // ... due on 1 January 2012.
//! let p = plan(&snapshot, date!(2012 - 01 - 01), &rules);
//! assert_eq!(p.due[0].cota, "A-1");
//! assert_eq!(p.due_totals.pages, 120);
//! // The permanent dossier is never due, but is listed for transfer.
//! assert_eq!(p.transfer[0].cota, "A-2");
//! ```

#![warn(missing_docs)]

pub mod bagit;
mod check;
pub mod date;
pub mod dispose;
pub mod documents;
mod error;
mod holds;
mod plan;
mod proposal;
pub mod records;
mod rules;
mod snapshot;
pub mod text;

pub use check::{check, Problem};
pub use dispose::{
    destruction_record, dispose, DestructionRecord, DisposalReport, DisposeEvent, DisposeOptions,
    DisposedDossier, SkipReason,
};
pub use error::{Result, RetentionError};
pub use holds::{holds, place_hold, release_hold, HoldRelease, HoldTarget, LegalHold};
pub use plan::{groups, plan, Group, Held, Listed, Plan, Totals};
pub use proposal::{
    approval, approve, permanent_companions, proposal, proposals, propose, propose_from, Approval,
    Proposal,
};
pub use rules::{CountingRule, Rules, Standing};
pub use snapshot::{DossierFacts, Snapshot};
/// The calendar date type used throughout (from the `time` crate).
pub use time::Date;
