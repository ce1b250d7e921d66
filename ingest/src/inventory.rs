//! Reading `inventar.csv` and `nomenclator.csv`: encoding and separator
//! sniffed, headers matched with or without diacritics in any order, the
//! date extreme as one column (`1998-2001`) or two, and every row that does
//! not make sense turned into a quarantine entry with its line number.

use std::collections::{BTreeMap, HashSet};

use arhiva_store::{Location, RetentionTerm, TermSource};

use crate::text::{decode, fold};

/// The columns an inventory can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Col {
    Nr,
    Indicativ,
    Title,
    Dates,
    FirstYear,
    LastYear,
    Sheets,
    Notes,
    Cota,
    Department,
    Location,
    Term,
    Denumire,
}

/// Which column a header names, whatever its spelling.
fn column(header: &str) -> Option<Col> {
    let h: String = fold(header)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
    let has = |w: &str| h.contains(w);
    Some(if has("indicativ") {
        Col::Indicativ
    } else if has("nr crt") || h == "nr" || has("numar curent") {
        Col::Nr
    } else if has("continut") || has("titlu") {
        Col::Title
    } else if has("denumire") {
        Col::Denumire
    } else if has("date extreme") || h == "anii" || h == "ani" || h == "perioada" {
        Col::Dates
    } else if has("inceput") || h == "de la" || has("an start") || has("primul an") {
        Col::FirstYear
    } else if has("sfarsit") || h == "pana la" || has("an final") || has("ultimul an") {
        Col::LastYear
    } else if has("file") || has("pagini") {
        Col::Sheets
    } else if has("observatii") || has("mentiuni") {
        Col::Notes
    } else if has("cota") {
        Col::Cota
    } else if has("compartiment") || has("departament") {
        Col::Department
    } else if has("locatie") || has("amplasare") {
        Col::Location
    } else if has("termen") || has("pastrare") {
        Col::Term
    } else {
        return None;
    })
}

/// A CSV file decoded and split, with the header mapped to columns.
struct Table {
    cols: BTreeMap<Col, usize>,
    /// `(physical line, fields)`.
    rows: Vec<(u32, Vec<String>)>,
}

/// Why a whole file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// Stable code.
    pub code: &'static str,
    /// For people.
    pub reason: String,
}

fn read_table(bytes: &[u8], what: &str) -> Result<Table, FileProblem> {
    let Some((text, _)) = decode(bytes) else {
        return Err(FileProblem {
            code: "unreadable-inventory",
            reason: format!("{what} is neither UTF-8 nor Windows-1250 text"),
        });
    };
    // The archive's own descriptions use the correct comma-below letters:
    // Windows-1250 cannot hold them, and older exports used the cedilla.
    let text = comma_below(&text);
    let first = text.lines().next().unwrap_or("");
    let sep = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cols = BTreeMap::new();
    let mut rows = Vec::new();
    let mut header_seen = false;
    for rec in reader.records() {
        let rec = rec.map_err(|e| FileProblem {
            code: "unreadable-inventory",
            reason: format!("{what} is not valid CSV: {e}"),
        })?;
        // The physical line where the record starts (csv's own line count
        // is off by one on CRLF files).
        let line = rec
            .position()
            .map(|p| {
                let b = text.as_bytes();
                let mut at = (p.byte() as usize).min(b.len());
                while at < b.len() && matches!(b[at], b'\r' | b'\n') {
                    at += 1;
                }
                b[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1
            })
            .unwrap_or(0);
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if !header_seen {
            for (i, f) in fields.iter().enumerate() {
                if let Some(c) = column(f) {
                    cols.entry(c).or_insert(i);
                }
            }
            header_seen = true;
            continue;
        }
        rows.push((line, fields));
    }
    Ok(Table { cols, rows })
}

impl Table {
    fn get<'a>(&self, row: &'a [String], c: Col) -> &'a str {
        self.cols
            .get(&c)
            .and_then(|&i| row.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// One nomenclator entry: indicativ → department, denomination, term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NomenclatorEntry {
    /// Department.
    pub department: String,
    /// Denumirea dosarului.
    pub denumire: String,
    /// Retention term.
    pub term: RetentionTerm,
}

/// The nomenclator, by indicativ, with the version its terms are cited under.
#[derive(Debug, Clone, Default)]
pub struct Nomenclator {
    /// Entries by indicativ.
    pub entries: BTreeMap<String, NomenclatorEntry>,
    /// Version named in each dossier's [`TermSource::Nomenclator`].
    pub version: String,
}

/// Parse `nomenclator.csv`; bad rows are returned as problems with lines.
pub fn parse_nomenclator(
    bytes: &[u8],
    version: String,
) -> Result<(Nomenclator, Vec<RowProblem>), FileProblem> {
    let t = read_table(bytes, "nomenclator.csv")?;
    if !t.cols.contains_key(&Col::Indicativ) || !t.cols.contains_key(&Col::Term) {
        return Err(FileProblem {
            code: "unreadable-inventory",
            reason: "nomenclator.csv has no Indicativ or Termen column".into(),
        });
    }
    let mut n = Nomenclator {
        entries: BTreeMap::new(),
        version,
    };
    let mut problems = Vec::new();
    for (line, row) in &t.rows {
        let ind = t.get(row, Col::Indicativ).to_string();
        match t.get(row, Col::Term).parse::<RetentionTerm>() {
            Ok(term) if !ind.is_empty() => {
                let denumire = match t.get(row, Col::Denumire) {
                    "" => t.get(row, Col::Title),
                    d => d,
                };
                n.entries.insert(
                    ind,
                    NomenclatorEntry {
                        department: t.get(row, Col::Department).to_string(),
                        denumire: denumire.to_string(),
                        term,
                    },
                );
            }
            _ => problems.push(RowProblem {
                line: *line,
                code: "bad-nomenclator-row",
                reason: format!(
                    "nomenclator row for {ind:?} has no usable term ({:?})",
                    t.get(row, Col::Term)
                ),
            }),
        }
    }
    Ok((n, problems))
}

/// An inventory row that was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based physical line in the file.
    pub line: u32,
    /// Stable code, e.g. `impossible-year`, `duplicate-cota`.
    pub code: &'static str,
    /// For people.
    pub reason: String,
}

/// An inventory row that parsed: everything a [`arhiva_store::Dossier`]
/// needs except the fond and batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    /// Line in `inventar.csv`.
    pub line: u32,
    /// Cotă.
    pub cota: String,
    /// Indicativ.
    pub indicativ: String,
    /// Conținutul pe scurt.
    pub title: String,
    /// Compartiment.
    pub department: String,
    /// Date extreme.
    pub years: (i32, i32),
    /// Nr. file.
    pub sheets: Option<u32>,
    /// Retention term and where it came from.
    pub term: RetentionTerm,
    /// Source of the term.
    pub term_source: TermSource,
    /// Locație.
    pub location: Location,
    /// Observații.
    pub notes: String,
    /// Document type from the nomenclator denomination.
    pub doc_type: String,
}

/// Parse `inventar.csv` against the nomenclator. `this_year` bounds the
/// date extreme (a year after it is impossible).
pub fn parse_inventory(
    bytes: &[u8],
    nom: &Nomenclator,
    this_year: i32,
) -> Result<(Vec<InventoryRow>, Vec<RowProblem>), FileProblem> {
    let t = read_table(bytes, "inventar.csv")?;
    if !t.cols.contains_key(&Col::Cota) {
        return Err(FileProblem {
            code: "unreadable-inventory",
            reason: "inventar.csv has no Cotă column (the dossier id naming its folder)".into(),
        });
    }
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (line, row) in &t.rows {
        match parse_row(&t, row, nom, this_year) {
            Ok(mut r) => {
                r.line = *line;
                if !seen.insert(r.cota.clone()) {
                    problems.push(RowProblem {
                        line: *line,
                        code: "duplicate-cota",
                        reason: format!("cota {} already used by an earlier row", r.cota),
                    });
                } else {
                    rows.push(r);
                }
            }
            Err((code, reason)) => problems.push(RowProblem {
                line: *line,
                code,
                reason,
            }),
        }
    }
    Ok((rows, problems))
}

type RowErr = (&'static str, String);

fn parse_row(
    t: &Table,
    row: &[String],
    nom: &Nomenclator,
    this_year: i32,
) -> Result<InventoryRow, RowErr> {
    let cota = t.get(row, Col::Cota).to_string();
    if cota.is_empty() || cota.contains(['/', '\\']) || cota.starts_with('.') {
        return Err((
            "bad-inventory-row",
            format!("cota {cota:?} cannot name a dossier folder"),
        ));
    }
    let years = if t.cols.contains_key(&Col::Dates) {
        parse_dates(t.get(row, Col::Dates))?
    } else {
        let a = parse_year(t.get(row, Col::FirstYear))?;
        let b = match t.get(row, Col::LastYear) {
            "" => a,
            s => parse_year(s)?,
        };
        (a, b)
    };
    for y in [years.0, years.1] {
        if y > this_year {
            return Err((
                "impossible-year",
                format!("year {y} is in the future (date extreme of {cota})"),
            ));
        }
        if y < 1800 {
            return Err((
                "impossible-year",
                format!("year {y} is before 1800 (date extreme of {cota})"),
            ));
        }
    }
    if years.0 > years.1 {
        return Err((
            "impossible-year",
            format!("date extreme {}-{} end before they start", years.0, years.1),
        ));
    }
    let indicativ = t.get(row, Col::Indicativ).to_string();
    let entry = nom.entries.get(&indicativ);
    let (term, term_source) = match t.get(row, Col::Term) {
        "" => match entry {
            Some(e) => (
                e.term,
                TermSource::Nomenclator {
                    version: nom.version.clone(),
                },
            ),
            None => (RetentionTerm::Permanent, TermSource::Unknown),
        },
        s => match s.parse::<RetentionTerm>() {
            Ok(term) => (term, TermSource::Override),
            Err(e) => return Err(("bad-term", e.to_string())),
        },
    };
    let sheets = match t.get(row, Col::Sheets) {
        "" => None,
        s => Some(s.parse::<u32>().map_err(|_| {
            (
                "bad-inventory-row",
                format!("nr. file {s:?} of {cota} is not a number"),
            )
        })?),
    };
    let mut department = t.get(row, Col::Department).to_string();
    if department.is_empty() {
        department = entry.map(|e| e.department.clone()).unwrap_or_default();
    }
    let denumire = entry.map(|e| e.denumire.as_str()).unwrap_or("");
    let title = t.get(row, Col::Title).to_string();
    Ok(InventoryRow {
        line: 0,
        cota,
        doc_type: doc_type(if denumire.is_empty() {
            &title
        } else {
            denumire
        })
        .into(),
        indicativ,
        title,
        department,
        years,
        sheets,
        term,
        term_source,
        location: location(t.get(row, Col::Location)),
        notes: t.get(row, Col::Notes).to_string(),
    })
}

fn parse_year(s: &str) -> Result<i32, RowErr> {
    s.trim()
        .parse::<i32>()
        .map_err(|_| ("bad-inventory-row", format!("year {s:?} is not a number")))
}

/// `1998-2001`, `1998 – 2001`, `1998`.
fn parse_dates(s: &str) -> Result<(i32, i32), RowErr> {
    let parts: Vec<&str> = s
        .split(['-', '–', '—', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [a] => {
            let y = parse_year(a)?;
            Ok((y, y))
        }
        [a, b] => Ok((parse_year(a)?, parse_year(b)?)),
        _ => Err((
            "bad-inventory-row",
            format!("date extreme {s:?} is not a year or a range of years"),
        )),
    }
}

fn location(s: &str) -> Location {
    let mut it = s.split(['/', ';']).map(|p| p.trim().to_string());
    Location {
        room: it.next().unwrap_or_default(),
        shelf: it.next().unwrap_or_default(),
        box_: it.collect::<Vec<_>>().join(" / "),
    }
}

/// The document type a nomenclator denomination describes.
pub fn doc_type(denumire: &str) -> &'static str {
    let d = fold(denumire);
    if (d.contains("stat") && (d.contains("plat") || d.contains("salari"))) || d.contains("salarii")
    {
        "payroll"
    } else if d.contains("personal") {
        "personnel"
    } else if d.contains("hotarar") {
        "council"
    } else if d.contains("urbanism") || d.contains("autorizati") {
        "urbanism"
    } else if d.contains("petiti") || d.contains("sesizar") || d.contains("reclamati") {
        "petition"
    } else if d.contains("coresponden") {
        "correspondence"
    } else {
        "other"
    }
}

/// `ş ţ Ş Ţ` (cedilla) → `ș ț Ș Ț` (comma below).
fn comma_below(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ş' => 'ș',
            'ţ' => 'ț',
            'Ş' => 'Ș',
            'Ţ' => 'Ț',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOM: &str = "Indicativ;Compartiment;Denumire;Termen de pastrare;Observatii\n\
        III/1;Financiar;State de plată a salariilor;50;\n\
        I/1;Secretariat;Hotărâri ale Consiliului Local;P;\n";

    fn nom() -> Nomenclator {
        parse_nomenclator(NOM.as_bytes(), "v1".into())
            .expect("nomenclator")
            .0
    }

    #[test]
    fn single_date_column_semicolons_any_order() {
        let inv = "\u{feff}Cotă;Date extreme;Indicativ dosar;Conținutul pe scurt;Nr. file\r\n\
            A-1;1998-2001;III/1;State 1998;120\r\n\
            A-2;2005;I/1;Hotărâri;3\r\n\
            A-2;2005;I/1;Hotărâri;3\r\n";
        let (rows, bad) = parse_inventory(inv.as_bytes(), &nom(), 2025).expect("parse");
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].line, bad[0].code), (4, "duplicate-cota"));
        assert_eq!(rows[0].years, (1998, 2001));
        assert_eq!(rows[0].term, RetentionTerm::Years(50));
        assert_eq!(rows[0].doc_type, "payroll");
        assert_eq!(rows[1].years, (2005, 2005));
        assert_eq!(rows[1].term, RetentionTerm::Permanent);
        assert_eq!(rows[1].doc_type, "council");
    }

    #[test]
    fn windows_1250_two_columns_override_and_bad_rows() {
        let inv = "Nr. crt.,Indicativ dosar,Conţinutul pe scurt,Anul de început,Anul de sfârşit,Cotă,Termen de păstrare\n\
            1,III/1,State,1990,1991,B-1,10\n\
            2,III/1,State,2190,2191,B-2,\n\
            3,III/1,State,1990,1991,B-1,\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(inv);
        let (rows, bad) = parse_inventory(&bytes, &nom(), 2025).expect("parse");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].term, RetentionTerm::Years(10));
        assert_eq!(
            comma_below("Relaţii cu Publicul, Şef"),
            "Relații cu Publicul, Șef"
        );
        assert_eq!(rows[0].term_source, TermSource::Override);
        let codes: Vec<(u32, &str)> = bad.iter().map(|p| (p.line, p.code)).collect();
        assert_eq!(codes, vec![(3, "impossible-year"), (4, "duplicate-cota")]);
    }
}
