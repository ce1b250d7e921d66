//! Payroll pages ("stat de plată"): which month and year a page covers and
//! the person rows on it (name, CNP when present, function, salary), for
//! the certificate search. Tolerant of what OCR and old encodings do to the
//! header: cedilla or comma letters, missing diacritics, a letter or two
//! wrong in the month.

use arhiva_store::{Payroll, PayrollRow};

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

/// Recognise a payroll page; `None` when the text is not one.
pub fn parse(text: &str) -> Option<Payroll> {
    let (year, month) = header(text)?;
    let rows = text.lines().filter_map(row).collect();
    Some(Payroll { year, month, rows })
}

/// Find "stat de plată … pe luna <month> <year>" in the first lines.
fn header(text: &str) -> Option<(i32, u8)> {
    for line in text.lines().take(15) {
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

/// `1. Barbu Ștefania 2921210295179 referent 3.769` → a row.
fn row(line: &str) -> Option<PayrollRow> {
    let mut toks = line.split_whitespace();
    let first = toks.next()?;
    let num = first.trim_end_matches(['.', ')']);
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) || num.len() > 4 {
        return None;
    }
    let toks: Vec<&str> = toks.collect();
    let mut name = Vec::new();
    let mut i = 0;
    while i < toks.len() && name.len() < 5 {
        let t = toks[i];
        let upper = t.chars().next().is_some_and(char::is_uppercase);
        if !upper || t.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        name.push(t);
        i += 1;
    }
    if name.len() < 2 {
        return None;
    }
    let mut cnp = None;
    if let Some(t) = toks.get(i) {
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 13 && t.len() <= 15 {
            cnp = Some(digits);
            i += 1;
        }
    }
    let rest = &toks[i.min(toks.len())..];
    let (salary, function) = match rest.split_last() {
        Some((last, before)) if looks_like_amount(last) => (Some(last.to_string()), before),
        _ => (None, rest),
    };
    let function = (!function.is_empty()).then(|| function.join(" "));
    Some(PayrollRow {
        name: name.join(" "),
        cnp,
        function,
        salary,
    })
}

fn looks_like_amount(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
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
}
