//! Payroll pages ("stat de plată"): which month and year a page covers and
//! the person rows on it (name, CNP when present, function, salary), for
//! the certificate search. Tolerant of what OCR and old encodings do to the
//! header: cedilla or comma letters, missing diacritics, a letter or two
//! wrong in the month.

use arhiva_store::{Payroll, PayrollRow, WordBox};

use crate::text::fold;

const MONTHS: [&str; 12] = [
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
];

/// Recognise a payroll page from its text; `None` when it is not one.
pub fn parse(text: &str) -> Option<Payroll> {
    let lines: Vec<&str> = text.lines().collect();
    parse_lines(&lines)
}

/// Recognise a payroll page from what its text source gives: the word
/// boxes when there are any (rows rebuilt line by line, see
/// [`lines_from_words`]), else the text. When the boxes find no rows but
/// the text does (a sidecar whose boxes are one per line, say), the text
/// wins.
pub fn parse_page(text: &str, words: &[WordBox]) -> Option<Payroll> {
    let from_text = parse(text);
    if words.is_empty() {
        return from_text;
    }
    let lines = lines_from_words(words);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    match (parse_lines(&refs), from_text) {
        (Some(b), Some(t)) if t.rows.len() > b.rows.len() => Some(t),
        (Some(b), _) => Some(b),
        (None, t) => t,
    }
}

fn parse_lines(lines: &[&str]) -> Option<Payroll> {
    let (year, month) = header(lines)?;
    let rows = lines.iter().filter_map(|l| row(l)).collect();
    Some(Payroll { year, month, rows })
}

/// Find "stat de plată … pe luna <month> <year>" in the first lines.
fn header(lines: &[&str]) -> Option<(i32, u8)> {
    for line in lines.iter().take(15) {
        let f = fold(line);
        let Some(at) = f.find("stat de pl").or_else(|| f.find("stat de salar")) else {
            continue;
        };
        let rest = &f[at..];
        let words: Vec<&str> = rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let pos = words.iter().position(|w| close(w, "luna", 1))?;
        // OCR confuses l/1 and o/0 in words.
        let month_word = words.get(pos + 1)?.replace('1', "l").replace('0', "o");
        let month_word = month_word.as_str();
        let month = MONTHS
            .iter()
            .enumerate()
            .map(|(i, m)| (distance(month_word, m), i, m.len()))
            .filter(|&(d, _, len)| d <= if len > 4 { 2 } else { 0 })
            .min()
            .map(|(_, i, _)| i)?;
        let year = words
            .get(pos + 2..)?
            .iter()
            .find_map(|w| w.parse::<i32>().ok().filter(|y| (1800..=2200).contains(y)))?;
        return Some((year, month as u8 + 1));
    }
    None
}

fn close(a: &str, b: &str, max: usize) -> bool {
    a.chars().count().abs_diff(b.chars().count()) <= max && distance(a, b) <= max
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One cell-separated token of a row, with what it can be.
#[derive(Debug, Clone)]
struct Tok<'a> {
    text: &'a str,
    /// A cell boundary (`|`, a tab, a wide gap, dotted leaders) comes
    /// before this token.
    cell_start: bool,
}

/// Split a row into tokens, marking where cells begin: `|` and `¦`,
/// tabs, runs of two or more spaces and dotted leaders (`.....`, `…`,
/// `____`) separate cells, single spaces separate words.
fn tokens(line: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut cell_start = true;
    let mut spaces = 0usize;
    let mut start: Option<usize> = None;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        let (at, c) = bytes[i];
        let leader = |j: usize, ch: char| bytes[j..].iter().take_while(|(_, x)| *x == ch).count();
        let sep_len = match c {
            '|' | '¦' | '\t' | '…' => 1,
            '.' | '_' if leader(i, c) >= 3 => leader(i, c),
            _ => 0,
        };
        if c == ' ' || sep_len > 0 {
            if let Some(s) = start.take() {
                out.push(Tok {
                    text: &line[s..at],
                    cell_start,
                });
                cell_start = false;
            }
            if c == ' ' {
                spaces += 1;
                if spaces >= 2 {
                    cell_start = true;
                }
                i += 1;
            } else {
                cell_start = true;
                i += sep_len;
            }
            continue;
        }
        spaces = 0;
        if start.is_none() {
            start = Some(at);
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(Tok {
            text: &line[s..],
            cell_start,
        });
    }
    out
}

/// The row number at the start of a row: `1.`, `12)`, `3`.
fn row_number(t: &str) -> bool {
    let num = t.trim_end_matches(['.', ')', ',']);
    !num.is_empty() && num.len() <= 4 && num.chars().all(|c| c.is_ascii_digit())
}

/// Digits as OCR reads them in a run of digits: `O o`→0, `l I i |`→1,
/// `S s`→5, `B`→8, `Z z`→2. Only for tokens that are mostly digits.
fn ocr_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'D' => Some('0'),
        'l' | 'I' | 'i' | '|' => Some('1'),
        'S' | 's' => Some('5'),
        'B' => Some('8'),
        'Z' | 'z' => Some('2'),
        _ => None,
    }
}

/// A CNP as printed, OCR slips in its digits mended: 13 characters that
/// are digits or read as digits, at least 10 of them real digits.
fn cnp_of(t: &str) -> Option<String> {
    let t = t.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '.' | '(' | ')'));
    let real = t.chars().filter(char::is_ascii_digit).count();
    if real < 10 || t.chars().count() != 13 {
        return None;
    }
    t.chars().map(ocr_digit).collect()
}

/// An amount: `3.769`, `1.250,50`, `980`, `12.345 lei`.
fn looks_like_amount(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// Words that begin a function, not a name, even when capitalised
/// ("Șef serviciu", "Referent"): the common civil-service and municipal
/// job titles of the Romanian occupation classification.
const FUNCTION_WORDS: &[&str] = &[
    "referent",
    "inspector",
    "consilier",
    "sef",
    "director",
    "contabil",
    "casier",
    "sofer",
    "muncitor",
    "ingrijitor",
    "paznic",
    "portar",
    "secretar",
    "economist",
    "tehnician",
    "arhivar",
    "arhivist",
    "jurist",
    "auditor",
    "primar",
    "viceprimar",
    "operator",
    "magaziner",
    "administrator",
    "inginer",
    "functionar",
    "dactilografa",
    "curier",
    "agent",
    "asistent",
    "expert",
    "subinginer",
    "lacatus",
    "electrician",
    "instalator",
    "tamplar",
    "zidar",
    "fochist",
    "bucatar",
    "femeie",
    "merceolog",
    "planificator",
    "statistician",
    "topograf",
    "arhitect",
];

/// A word of a name: begins with a capital letter (or a `0`/`1` OCR read
/// for `O`/`I`), mostly letters, at most two digits that OCR confuses
/// with letters (`M0ga`, `Popesc1`), hyphens and apostrophes allowed;
/// an initial (`I.`) too. Not a job title.
fn name_word(t: &str) -> bool {
    let t = t.trim_end_matches([',', ';', ':']);
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_uppercase() || first == '0' || first == '1') {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok_chars = t
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.' | '0' | '1' | '5' | '8'));
    let initial = letters == 1 && t.chars().count() == 2 && t.ends_with('.');
    if !ok_chars || digits > 2 || !(letters >= 2 || initial) || digits >= letters.max(1) {
        return false;
    }
    !FUNCTION_WORDS.contains(&fold(t).trim_end_matches('.'))
}

/// A word of a function: letters (a hyphen or a final dot of an
/// abbreviation allowed), not OCR debris such as `î.7/e` or `|`.
fn function_word(t: &str) -> bool {
    let t = t.trim_end_matches([',', ';', '.']);
    t.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && t.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
}

/// A payroll row → its fields, whatever the column order and separators:
/// `1. Barbu Ștefania 2921210295179 referent 3.769`,
/// `1. | Bobocea | Iuliana | 2310828115105 | șofer | 2.100`,
/// `3  2921210295179  Barbu Ștefania .... referent .... 3.769`.
///
/// A row is a line that starts with its number or carries a CNP; the name
/// is the first run of two to five name words (a cell boundary between
/// surname and given name is allowed), the CNP the one 13-digit number,
/// the salary the last amount, the function the words left over.
fn row(line: &str) -> Option<PayrollRow> {
    let toks = tokens(line);
    let mut used = vec![false; toks.len()];
    let numbered = toks.first().is_some_and(|t| row_number(t.text));
    if numbered {
        used[0] = true;
    }
    let mut cnp = None;
    for (i, t) in toks.iter().enumerate() {
        if used[i] {
            continue;
        }
        if let Some(c) = cnp_of(t.text) {
            cnp = Some((i, c));
            used[i] = true;
            break;
        }
        // A CNP split in two by OCR: `1720818 044921`.
        if let Some(next) = toks.get(i + 1) {
            let joined = format!("{}{}", t.text, next.text);
            let both_digits = [t.text, next.text]
                .iter()
                .all(|x| x.chars().all(|c| c.is_ascii_digit()));
            if both_digits && !next.cell_start && !(numbered && i == 0) {
                if let Some(c) = cnp_of(&joined) {
                    cnp = Some((i, c));
                    used[i] = true;
                    used[i + 1] = true;
                    break;
                }
            }
        }
    }
    if !numbered && cnp.is_none() {
        return None;
    }
    // Which tokens can be part of a name: name words, and a word that
    // begins with a lowercase `l` (OCR's reading of a capital `I`:
    // "loan", "lon-loan") next to one.
    let mut is_name: Vec<bool> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| !used[i] && name_word(t.text))
        .collect();
    for i in 0..toks.len() {
        let t = toks[i].text;
        if used[i] || is_name[i] || !t.starts_with('l') {
            continue;
        }
        let as_capital = format!("I{}", &t[1..]);
        let beside = (i > 0 && is_name[i - 1]) || is_name.get(i + 1).copied().unwrap_or(false);
        if beside && name_word(&as_capital) {
            is_name[i] = true;
        }
    }
    // The name: the first run of name words, before the CNP when the CNP
    // follows it.
    let limit = match cnp {
        Some((at, _)) if (1..at).any(|i| is_name[i]) => at,
        _ => toks.len(),
    };
    let mut name: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < limit {
        if !is_name[i] {
            if name.len() >= 2 {
                break;
            }
            name.clear();
            i += 1;
            continue;
        }
        if name.len() == 5 {
            break;
        }
        name.push(i);
        i += 1;
    }
    if name.len() < 2 {
        // The CNP says whose row it is: keep it with whatever name OCR
        // left (the words before the CNP, or after it).
        let (at, _) = cnp.as_ref()?;
        let at = *at;
        let alpha = |i: &usize| !used[*i] && toks[*i].text.chars().any(char::is_alphabetic);
        name = (0..at).filter(alpha).take(5).collect();
        if name.is_empty() {
            name = (at + 1..toks.len())
                .take_while(|i| is_name[*i])
                .take(5)
                .collect();
        }
    }
    for &i in &name {
        used[i] = true;
    }
    let salary = toks
        .iter()
        .enumerate()
        .rev()
        .find(|(i, t)| !used[*i] && looks_like_amount(t.text))
        .map(|(i, t)| (i, t.text.to_string()));
    if let Some((i, _)) = salary {
        used[i] = true;
    }
    let function: Vec<&str> = toks
        .iter()
        .enumerate()
        .filter(|(i, t)| !used[*i] && function_word(t.text))
        .filter(|(i, t)| !(fold(t.text) == "lei" && salary.as_ref().is_some_and(|s| s.0 < *i)))
        .map(|(_, t)| t.text.trim_end_matches([',', ';']))
        .collect();
    let function = (!function.is_empty()).then(|| function.join(" "));
    Some(PayrollRow {
        name: name
            .iter()
            .map(|&i| toks[i].text.trim_end_matches([',', ';', ':']))
            .collect::<Vec<_>>()
            .join(" "),
        cnp: cnp.map(|(_, c)| c),
        function,
        salary: salary.map(|(_, s)| s),
    })
}

/// The lines of a page rebuilt from its word boxes, top to bottom, each
/// left to right, whatever order the OCR engine read them in (tesseract
/// may read a table column by column). A word joins the line whose last
/// word's middle is nearest its own middle (within half a line height),
/// so a slightly skewed scan still gives whole rows. Wide gaps become
/// cell boundaries (`|`).
pub fn lines_from_words(words: &[WordBox]) -> Vec<String> {
    let mut heights: Vec<u32> = words.iter().map(|w| w.h).filter(|&h| h > 0).collect();
    if heights.is_empty() {
        return Vec::new();
    }
    heights.sort_unstable();
    let line_h = f64::from(heights[heights.len() / 2].max(1));
    let mut order: Vec<&WordBox> = words.iter().filter(|w| !w.text.trim().is_empty()).collect();
    order.sort_by_key(|w| (w.x, w.y));
    // Each line: its words, the middle of its last word.
    let mut lines: Vec<(Vec<&WordBox>, f64)> = Vec::new();
    for w in order {
        let mid = f64::from(w.y) + f64::from(w.h) / 2.0;
        let best = lines
            .iter_mut()
            .filter(|(ws, _)| {
                ws.last()
                    .is_some_and(|l| l.x + l.w <= w.x + (w.w / 2).max(1))
            })
            .map(|l| {
                let d = (l.1 - mid).abs();
                (d, l)
            })
            .filter(|(d, _)| *d <= line_h * 0.5)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, line)) => {
                line.0.push(w);
                line.1 = mid;
            }
            None => lines.push((vec![w], mid)),
        }
    }
    let mut rows: Vec<(f64, String)> = lines
        .into_iter()
        .map(|(ws, _)| {
            let top = ws
                .iter()
                .map(|w| f64::from(w.y) + f64::from(w.h) / 2.0)
                .sum::<f64>()
                / ws.len() as f64;
            let mut s = String::new();
            let mut prev_end: Option<u32> = None;
            for w in ws {
                if let Some(end) = prev_end {
                    let gap = f64::from(w.x.saturating_sub(end));
                    s.push_str(if gap > line_h * 1.5 { " | " } else { " " });
                }
                s.push_str(w.text.trim());
                prev_end = Some(w.x + w.w);
            }
            (top, s)
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_rows_with_cedillas_and_ocr_noise() {
        let page = "PRIMĂRIA MUNICIPIULUI ARAD\nSTAT DE PLATA pe luna febuarie 1994\n\
            Nr. Numele şi prenumele CNP Funcţia Salariul (lei)\n\
            1. Barbu Ştefania 2921210295179 referent 3.769\n\
            2. Ciobanu Bogdan tehnician principal 3.957\n\
            Total 7.726\n";
        let p = parse(page).expect("payroll");
        assert_eq!((p.year, p.month), (1994, 2));
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].name, "Barbu Ştefania");
        assert_eq!(p.rows[0].cnp.as_deref(), Some("2921210295179"));
        assert_eq!(p.rows[0].function.as_deref(), Some("referent"));
        assert_eq!(p.rows[1].cnp, None);
        assert_eq!(p.rows[1].function.as_deref(), Some("tehnician principal"));
        assert_eq!(p.rows[1].salary.as_deref(), Some("3.957"));
        assert!(parse("Hotărârea nr. 12 din 1998").is_none());
    }

    #[test]
    fn iulie_is_not_iunie() {
        let p = parse("STAT DE PLATĂ pe luna iulie 2021 (continuare)").expect("payroll");
        assert_eq!((p.year, p.month), (2021, 7));
        let p = parse("STAT DE PLATA pe luna iu1ie 2021").expect("payroll");
        assert_eq!(p.month, 7);
    }

    #[test]
    fn comma_below_header() {
        let p = parse("STAT DE PLATĂ pe luna ianuarie 2022").expect("payroll");
        assert_eq!((p.year, p.month), (2022, 1));
    }

    #[test]
    fn rows_with_separators_other_orders_and_ocr_slips() {
        let page = "STAT DE PLATĂ pe luna martie 2021\n\
            Nr. | Nume | Prenume | CNP | Funcția | Salariul\n\
            1. | Bobocea | Iuliana | 2310828115105 | șofer | 2.100\n\
            2.\tM0ga\tOctavian\t1720818044921\treferent\t3.200\n\
            3  2921210295179  Barbu Ștefania ..... Referent principal ..... 3.769\n\
            4. Pou Ana 1720818O44921 î.7/e Șef serviciu 4.100 lei\n\
            5. Dinu Maria 1720818 044921 inspector 2.950\n\
            Total persoane: 5\n\
            Întocmit, Ion Pop    Verificat, Ana Dinu\n";
        let p = parse(page).expect("payroll");
        let r = |name: &str, cnp: &str, function: &str, salary: &str| PayrollRow {
            name: name.into(),
            cnp: Some(cnp.into()),
            function: Some(function.into()),
            salary: Some(salary.into()),
        };
        assert_eq!(
            p.rows,
            vec![
                r("Bobocea Iuliana", "2310828115105", "șofer", "2.100"),
                r("M0ga Octavian", "1720818044921", "referent", "3.200"),
                r(
                    "Barbu Ștefania",
                    "2921210295179",
                    "Referent principal",
                    "3.769"
                ),
                r("Pou Ana", "1720818044921", "Șef serviciu", "4.100"),
                r("Dinu Maria", "1720818044921", "inspector", "2.950"),
            ]
        );
    }

    fn wb(text: &str, x: u32, y: u32) -> WordBox {
        WordBox {
            text: text.into(),
            x,
            y,
            w: 12 * text.chars().count() as u32,
            h: 30,
            conf: Some(90.0),
        }
    }

    #[test]
    fn a_table_read_column_by_column_is_rebuilt_by_line() {
        // The words in the order tesseract may give them: the title, then
        // every name, then every CNP, then every function; the second row
        // sits 6 px lower at its right end (a skewed scan).
        let words = vec![
            wb("STAT", 100, 50),
            wb("DE", 160, 50),
            wb("PLATĂ", 200, 50),
            wb("pe", 280, 50),
            wb("luna", 320, 50),
            wb("mai", 380, 50),
            wb("2024", 430, 50),
            wb("1.", 40, 200),
            wb("2.", 40, 250),
            wb("Moga", 100, 200),
            wb("Octavian", 160, 201),
            wb("Popa", 100, 250),
            wb("Ion", 160, 251),
            wb("1720818044921", 400, 202),
            wb("1800101221144", 400, 254),
            wb("referent", 700, 203),
            wb("șofer", 700, 256),
        ];
        let lines = lines_from_words(&words);
        assert_eq!(lines[1], "1. Moga Octavian | 1720818044921 | referent");
        let p = parse_page(
            "STAT DE PLATĂ pe luna mai 2024\n1.\n2.\nMoga Octavian\nPopa Ion",
            &words,
        )
        .expect("payroll");
        assert_eq!((p.year, p.month), (2024, 5));
        let rows: Vec<(&str, Option<&str>)> = p
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.cnp.as_deref()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Moga Octavian", Some("1720818044921")),
                ("Popa Ion", Some("1800101221144"))
            ]
        );
    }
}
