//! The sweep: carrying out an approved proposal.
//!
//! [`dispose`] re-checks every proposed dossier against a fresh
//! [`crate::plan`] (still due, not held, not disposed of already), then
//! works through them in chunks. For each chunk:
//!
//! 1. **Intent.** A `disposal-intent` record per dossier is journaled,
//!    naming the objects to remove: those its pages reference (original,
//!    text, word boxes) that no kept dossier's page also references — the
//!    store deduplicates, so a scan shared with a kept dossier stays.
//!    From here on the dossier's disposal is decided.
//! 2. **Objects.** The objects are removed from the store (removing one
//!    that is gone already is fine).
//! 3. **Index.** The dossier's pages are deleted from the search index and
//!    the index committed.
//! 4. **Done.** `DossierDisposed` (the catalog keeps the description as a
//!    tombstone naming the approval and drops the pages) and, after it,
//!    the deletion of the intent are journaled in one group commit.
//!
//! A crash anywhere leaves either nothing, or intents naming the work
//! that was begun. The next run — of any proposal — finishes those first,
//! redoing steps 2–4, which are idempotent; the objects to remove are
//! checked again against what kept dossiers reference at that moment. The
//! catalog is held by one process at a time, so no ingest can slip in
//! between the check and the removal.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use arhiva_index::SearchIndex;
use arhiva_store::{Archive, Event, ObjectId, Page};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::date::{self, now_rfc3339};
use crate::error::{Result, RetentionError};
use crate::plan::plan;
use crate::proposal::{approval, proposal};
use crate::records::{self, INTENT, RECORD};
use crate::rules::Rules;
use crate::snapshot::Snapshot;

/// How to run [`dispose`].
#[derive(Debug, Clone)]
pub struct DisposeOptions {
    /// The date the dossiers must be due on (normally today).
    pub today: Date,
    /// The rules in force.
    pub rules: Rules,
    /// Say what would be removed, remove nothing, journal nothing.
    pub dry_run: bool,
    /// Who is carrying it out.
    pub by: String,
    /// Dossiers per journal group commit and index commit.
    pub chunk: usize,
}

impl DisposeOptions {
    /// Defaults for `today`: the default rules, not a dry run, chunks of 200.
    pub fn new(today: Date, by: impl Into<String>) -> DisposeOptions {
        DisposeOptions {
            today,
            rules: Rules::default(),
            dry_run: false,
            by: by.into(),
            chunk: 200,
        }
    }
}

/// A disposal that was begun: journaled before anything is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// The proposal it carries out.
    pub proposal: String,
    /// The approval reference.
    pub approval: String,
    /// Objects to remove (hex).
    pub objects: Vec<String>,
    /// Objects kept because a kept dossier shares them (hex).
    pub shared: Vec<String>,
    /// When it was begun (RFC 3339).
    pub at: String,
}

/// Why a proposed dossier was not disposed of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    /// Not due on the date given (e.g. its term was changed since).
    NotDue,
    /// A legal hold placed after the proposal keeps it.
    Held {
        /// The holds.
        holds: Vec<String>,
    },
    /// Disposed of already (e.g. by an earlier run).
    AlreadyDisposed,
    /// No longer in the catalog.
    Missing,
}

/// What happens, as it happens (the CLI draws progress from these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisposeEvent {
    /// Work is about to begin on this many dossiers.
    Started {
        /// Dossiers to dispose of (including interrupted ones).
        dossiers: usize,
    },
    /// An object was removed from the store.
    ObjectRemoved {
        /// The dossier.
        cota: String,
        /// The object (hex).
        id: String,
    },
    /// A dossier's disposal was journaled.
    Disposed {
        /// The dossier.
        cota: String,
    },
    /// A proposed dossier was left alone.
    Skipped {
        /// The dossier.
        cota: String,
        /// Why.
        reason: SkipReason,
    },
}

/// One dossier disposed of (or, in a dry run, that would be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposedDossier {
    /// Cota.
    pub cota: String,
    /// The approval reference.
    pub approval: String,
    /// Objects removed (hex).
    pub removed: Vec<String>,
    /// Objects kept because a kept dossier shares them (hex).
    pub shared: Vec<String>,
    /// Finished after an interruption.
    pub resumed: bool,
}

/// What [`dispose`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalReport {
    /// The proposal.
    pub proposal: String,
    /// The approval reference.
    pub approval: String,
    /// Nothing was changed.
    pub dry_run: bool,
    /// Dossiers disposed of in this run, in order.
    pub disposed: Vec<DisposedDossier>,
    /// Proposed dossiers left alone, with why.
    pub skipped: Vec<(String, SkipReason)>,
}

#[derive(Clone)]
struct Work {
    cota: String,
    intent: Intent,
    resumed: bool,
}

/// Carry out an approved proposal (see the module documentation).
pub fn dispose(
    archive: &Archive,
    index: Option<&SearchIndex>,
    proposal_id: &str,
    opts: &DisposeOptions,
    on_event: &mut dyn FnMut(&DisposeEvent),
) -> Result<DisposalReport> {
    let prop = proposal(archive, proposal_id)?;
    let appr = approval(archive, proposal_id)?.ok_or_else(|| RetentionError::NotApproved {
        id: proposal_id.to_string(),
    })?;
    if appr.date > opts.today {
        return Err(RetentionError::BadDate {
            value: date::format(opts.today),
            reason: format!("the approval is dated {}", date::format(appr.date)),
        });
    }
    let reference = appr.reference();
    let catalog = archive.catalog();
    let snapshot = Snapshot::load(archive)?;
    let now = plan(&snapshot, opts.today, &opts.rules);
    let held: BTreeMap<&str, &Vec<String>> = now
        .held
        .iter()
        .map(|h| (h.dossier.cota.as_str(), &h.holds))
        .collect();

    // Interrupted work first: intents are decisions already carried out in part.
    let mut work: Vec<Work> = Vec::new();
    let mut finished_intents = Vec::new();
    for (cota, intent) in records::load_all::<Intent>(catalog, INTENT)? {
        if catalog.is_disposed(&cota)? {
            finished_intents.push(cota);
        } else {
            work.push(Work {
                cota,
                intent,
                resumed: true,
            });
        }
    }
    let mut skipped = Vec::new();
    let mut fresh = Vec::new();
    let pending: HashSet<String> = work.iter().map(|w| w.cota.clone()).collect();
    for l in &prop.dossiers {
        let reason = if pending.contains(&l.cota) {
            continue;
        } else if catalog.is_disposed(&l.cota)? {
            SkipReason::AlreadyDisposed
        } else if let Some(h) = held.get(l.cota.as_str()) {
            SkipReason::Held { holds: h.to_vec() }
        } else if now.is_due(&l.cota) {
            fresh.push(l.cota.clone());
            continue;
        } else if catalog.dossier(&l.cota)?.is_none() {
            SkipReason::Missing
        } else {
            SkipReason::NotDue
        };
        on_event(&DisposeEvent::Skipped {
            cota: l.cota.clone(),
            reason: reason.clone(),
        });
        skipped.push((l.cota.clone(), reason));
    }

    // What kept dossiers reference, now.
    let going: HashSet<&str> = work
        .iter()
        .map(|w| w.cota.as_str())
        .chain(fresh.iter().map(String::as_str))
        .collect();
    let mut kept: HashSet<ObjectId> = HashSet::new();
    let mut going_refs: BTreeMap<String, BTreeSet<ObjectId>> = BTreeMap::new();
    catalog.for_each_page(|p| {
        if going.contains(p.cota.as_str()) {
            going_refs
                .entry(p.cota.clone())
                .or_default()
                .extend(page_refs(&p));
        } else {
            kept.extend(page_refs(&p));
        }
        Ok(())
    })?;
    let at = now_rfc3339();
    for cota in fresh {
        let refs = going_refs.remove(&cota).unwrap_or_default();
        let (shared, objects): (Vec<ObjectId>, Vec<ObjectId>) =
            refs.into_iter().partition(|id| kept.contains(id));
        work.push(Work {
            cota,
            intent: Intent {
                proposal: prop.id.clone(),
                approval: reference.clone(),
                objects: objects.iter().map(ObjectId::to_hex).collect(),
                shared: shared.iter().map(ObjectId::to_hex).collect(),
                at: at.clone(),
            },
            resumed: false,
        });
    }
    // A resumed intent re-checks its list against what is kept now.
    for w in work.iter_mut().filter(|w| w.resumed) {
        let (shared, objects): (Vec<String>, Vec<String>) =
            w.intent.objects.iter().cloned().partition(|hex| {
                hex.parse::<ObjectId>()
                    .map(|id| kept.contains(&id))
                    .unwrap_or(false)
            });
        w.intent.objects = objects;
        w.intent.shared.extend(shared);
    }

    let mut report = DisposalReport {
        proposal: prop.id.clone(),
        approval: reference.clone(),
        dry_run: opts.dry_run,
        disposed: Vec::new(),
        skipped,
    };
    on_event(&DisposeEvent::Started {
        dossiers: work.len(),
    });
    if opts.dry_run {
        report.disposed = work.into_iter().map(done).collect();
        return Ok(report);
    }
    if !finished_intents.is_empty() {
        let events = finished_intents
            .iter()
            .map(|c| records::delete(INTENT, c))
            .collect();
        archive.commit(events)?;
    }
    for chunk in work.chunks(opts.chunk.max(1)) {
        sweep_chunk(archive, index, chunk, on_event)?;
        report.disposed.extend(chunk.iter().cloned().map(done));
    }
    write_record(archive, &prop.id, &opts.by)?;
    tracing::info!(
        proposal = %prop.id,
        disposed = report.disposed.len(),
        skipped = report.skipped.len(),
        "disposal carried out"
    );
    Ok(report)
}

fn done(w: Work) -> DisposedDossier {
    DisposedDossier {
        cota: w.cota,
        approval: w.intent.approval,
        removed: w.intent.objects,
        shared: w.intent.shared,
        resumed: w.resumed,
    }
}

fn sweep_chunk(
    archive: &Archive,
    index: Option<&SearchIndex>,
    chunk: &[Work],
    on_event: &mut dyn FnMut(&DisposeEvent),
) -> Result<()> {
    // 1. intent (resumed ones are journaled already; their list may have
    //    shrunk, which the rewrite records).
    let mut intents = Vec::with_capacity(chunk.len());
    for w in chunk {
        intents.push(records::put(INTENT, &w.cota, &w.intent)?);
    }
    archive.commit(intents)?;
    // 2. objects
    for w in chunk {
        for hex in &w.intent.objects {
            let id: ObjectId = hex.parse()?;
            archive.objects().remove(&id)?;
            on_event(&DisposeEvent::ObjectRemoved {
                cota: w.cota.clone(),
                id: hex.clone(),
            });
        }
    }
    // 3. index
    if let Some(index) = index {
        let mut batch = index.writer()?;
        for w in chunk {
            batch.delete_dossier(&w.cota);
        }
        batch.commit()?;
    }
    // 4. done: tombstones first, then the intents go.
    let mut events = Vec::with_capacity(chunk.len() * 2);
    for w in chunk {
        events.push(Event::DossierDisposed {
            cota: w.cota.clone(),
            approval: w.intent.approval.clone(),
            removed: w.intent.objects.clone(),
        });
    }
    for w in chunk {
        events.push(records::delete(INTENT, &w.cota));
    }
    archive.commit(events)?;
    for w in chunk {
        tracing::info!(dossier = %w.cota, approval = %w.intent.approval, objects = w.intent.objects.len(), "dossier disposed");
        on_event(&DisposeEvent::Disposed {
            cota: w.cota.clone(),
        });
    }
    Ok(())
}

/// The objects a page references.
pub(crate) fn page_refs(p: &Page) -> impl Iterator<Item = ObjectId> {
    std::iter::once(p.document).chain(p.text).chain(p.words)
}

/// One dossier in a destruction record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destroyed {
    /// Cota.
    pub cota: String,
    /// Indicativ.
    pub indicativ: String,
    /// Contents in brief.
    pub title: String,
    /// Date extreme.
    pub years: String,
    /// Sheets declared.
    pub sheets: Option<u32>,
    /// Objects removed (hex SHA-256).
    pub removed: Vec<String>,
    /// Journal sequence number of the disposal.
    pub seq: u64,
}

/// The destruction record ("proces-verbal de distrugere" annex) of a
/// proposal: what was removed, with the hashes, rebuilt from the tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionRecord {
    /// The proposal.
    pub proposal: String,
    /// The approval reference.
    pub approval: String,
    /// Who carried it out.
    pub by: String,
    /// When the record was written (RFC 3339).
    pub at: String,
    /// The dossiers disposed of under this approval.
    pub dossiers: Vec<Destroyed>,
}

/// Build the destruction record of a proposal from the tombstones.
pub fn destruction_record(archive: &Archive, proposal_id: &str) -> Result<DestructionRecord> {
    if let Some(r) = records::load::<DestructionRecord>(archive.catalog(), RECORD, proposal_id)? {
        return Ok(r);
    }
    build_record(archive, proposal_id, "", "")
}

fn build_record(
    archive: &Archive,
    proposal_id: &str,
    by: &str,
    at: &str,
) -> Result<DestructionRecord> {
    let prop = proposal(archive, proposal_id)?;
    let reference = approval(archive, proposal_id)?
        .map(|a| a.reference())
        .unwrap_or_default();
    let catalog = archive.catalog();
    let mut dossiers = Vec::new();
    for l in &prop.dossiers {
        if let Some(t) = catalog.disposal(&l.cota)? {
            if t.approval == reference {
                dossiers.push(Destroyed {
                    cota: l.cota.clone(),
                    indicativ: l.indicativ.clone(),
                    title: l.title.clone(),
                    years: l.years(),
                    sheets: l.sheets,
                    removed: t.removed,
                    seq: t.seq,
                });
            }
        }
    }
    Ok(DestructionRecord {
        proposal: proposal_id.to_string(),
        approval: reference,
        by: by.to_string(),
        at: at.to_string(),
        dossiers,
    })
}

/// Journal the destruction record when it lists more than the one on file
/// (also after a run that was interrupted just before writing it).
fn write_record(archive: &Archive, proposal_id: &str, by: &str) -> Result<()> {
    let rec = build_record(archive, proposal_id, by, &now_rfc3339())?;
    let old = records::load::<DestructionRecord>(archive.catalog(), RECORD, proposal_id)?;
    let known = old.map(|r| r.dossiers.len()).unwrap_or(0);
    if rec.dossiers.len() > known {
        archive.commit(vec![records::put(RECORD, proposal_id, &rec)?])?;
    }
    Ok(())
}
