//! The papers that go with a disposal, in the official inventory layout
//! (Legea 16/1996, Anexa 2: Nr. crt., Indicativ dosar, Conținutul pe scurt,
//! Date extreme, Nr. file, Observații), as CSV and PDF:
//!
//! - the inventory of documents proposed for elimination,
//! - the inventory of permanent documents of the same period and
//!   departments,
//! - a draft of the selection commission's proces-verbal,
//! - after disposal, the destruction record with the hashes removed.
//!
//! PDFs embed DejaVu Sans (licence in `retention/assets/`) with a
//! ToUnicode map, so the Romanian text can be searched and copied.

mod anexa;
mod pdf;

use std::fs;
use std::path::{Path, PathBuf};

pub use anexa::{
    destruction_csv, destruction_pdf, dosare, due_csv, inventory_csv, inventory_pdf,
    proces_verbal_pdf, InventoryKind, COLUMNS,
};

use crate::dispose::DestructionRecord;
use crate::error::{IoContext, Result};
use crate::proposal::{Approval, Proposal};

/// File names are the proposal id made safe for any file system.
fn stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn write(dir: &Path, name: String, bytes: &[u8], out: &mut Vec<PathBuf>) -> Result<()> {
    let path = dir.join(name);
    fs::write(&path, bytes).ctx("write", &path)?;
    out.push(path);
    Ok(())
}

/// Write the proposal's papers into `dir` (created): both inventories as
/// CSV and PDF and the draft proces-verbal. Returns the files written.
pub fn write_proposal_documents(
    dir: &Path,
    p: &Proposal,
    institution: &str,
) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).ctx("create", dir)?;
    let s = stem(&p.id);
    let mut out = Vec::new();
    write(
        dir,
        format!("{s}-inventar-eliminare.csv"),
        &inventory_csv(&p.dossiers)?,
        &mut out,
    )?;
    write(
        dir,
        format!("{s}-inventar-eliminare.pdf"),
        &inventory_pdf(InventoryKind::Elimination, p, &p.dossiers, institution)?,
        &mut out,
    )?;
    write(
        dir,
        format!("{s}-inventar-permanente.csv"),
        &inventory_csv(&p.permanent)?,
        &mut out,
    )?;
    write(
        dir,
        format!("{s}-inventar-permanente.pdf"),
        &inventory_pdf(InventoryKind::Permanent, p, &p.permanent, institution)?,
        &mut out,
    )?;
    write(
        dir,
        format!("{s}-proces-verbal.pdf"),
        &proces_verbal_pdf(p, institution)?,
        &mut out,
    )?;
    Ok(out)
}

/// Write the destruction record into `dir` (created) as CSV and PDF.
pub fn write_destruction_documents(
    dir: &Path,
    r: &DestructionRecord,
    approval: Option<&Approval>,
    institution: &str,
) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).ctx("create", dir)?;
    let s = stem(&r.proposal);
    let mut out = Vec::new();
    write(
        dir,
        format!("{s}-evidenta-eliminare.csv"),
        &destruction_csv(r)?,
        &mut out,
    )?;
    write(
        dir,
        format!("{s}-evidenta-eliminare.pdf"),
        &destruction_pdf(r, approval, institution)?,
        &mut out,
    )?;
    Ok(out)
}
