//! The Romanian text of the retention reports printed by `arhiva retention`:
//! the due list, the transfer list and why a dossier was left alone. One
//! place for the wording, so the CLI only chooses where it goes.

use std::io::{self, Write};

use crate::date;
use crate::documents::dosare;
use crate::{Group, Listed, Plan, SkipReason, Totals};

/// Why a proposed dossier was not disposed of, in a few words.
pub fn skip_text(why: &SkipReason) -> String {
    match why {
        SkipReason::NotDue => "nu mai este scadent".into(),
        SkipReason::Held { holds } => format!("blocat ({})", holds.join(", ")),
        SkipReason::AlreadyDisposed => "eliminat deja".into(),
        SkipReason::Missing => "nu mai există în catalog".into(),
    }
}

/// Bytes for people: `13.5 MiB`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// One totals line.
pub fn print_totals(out: &mut impl Write, label: &str, t: &Totals) -> io::Result<()> {
    writeln!(
        out,
        "{label}: {}, {} pagini, {}",
        dosare(t.dossiers),
        t.pages,
        human_bytes(t.bytes)
    )
}

/// A list grouped by inventory and department, each group with its totals.
pub fn print_groups(out: &mut impl Write, items: &[Listed], groups: &[Group]) -> io::Result<()> {
    let mut rest = items;
    for g in groups {
        let n = g.totals.dossiers as usize;
        let (these, more) = rest.split_at(n.min(rest.len()));
        rest = more;
        writeln!(
            out,
            "\n{} / {}: {}, {} pagini, {}",
            g.inventory,
            g.department,
            dosare(g.totals.dossiers),
            g.totals.pages,
            human_bytes(g.totals.bytes)
        )?;
        for l in these {
            writeln!(
                out,
                "  {:<16} {:<10} {:>3}  din {}  {}",
                l.cota,
                l.years(),
                l.term.to_string(),
                date::format(l.since),
                l.title
            )?;
        }
    }
    Ok(())
}

/// The due list: groups, totals, held dossiers, undecided, transfer count.
pub fn print_due(out: &mut impl Write, plan: &Plan) -> io::Result<()> {
    writeln!(
        out,
        "Dosare cu termenul de păstrare împlinit la {} (termen socotit de la 1 ianuarie al anului următor ultimului an):",
        date::format(plan.today)
    )?;
    print_groups(out, &plan.due, &plan.due_groups)?;
    writeln!(out)?;
    print_totals(out, "Total scadent", &plan.due_totals)?;
    if !plan.held.is_empty() {
        writeln!(out, "\nScadente dar blocate ({}):", plan.held.len())?;
        for h in &plan.held {
            writeln!(out, "  {:<16} {}", h.dossier.cota, h.holds.join(", "))?;
        }
    }
    if !plan.undecided.is_empty() {
        writeln!(
            out,
            "\nFără termen cunoscut (se păstrează până la o decizie): {}",
            plan.undecided.len()
        )?;
    }
    if !plan.transfer.is_empty() {
        writeln!(
            out,
            "\nDe predat la Arhivele Naționale (permanente): {} (vezi `arhiva retention transfer`).",
            dosare(plan.transfer.len() as u64)
        )?;
    }
    Ok(())
}
