//! From confirmed months to the periods a certificate lists.
//!
//! Consecutive months are merged into one period while the function and
//! the salary stay the same, the way a work-seniority certificate lists
//! "perioada / funcția / salariul": a raise or a promotion starts a new
//! line, and so does a gap. Each period keeps its sources (dossier and
//! pages), written compactly: `PMA-00012 p. 1–3, 5`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::certificates::model::Decision;

/// A month index: `year * 12 + (month - 1)`.
pub fn month_index(m: &str) -> Option<i64> {
    let (y, mo) = m.split_once('-')?;
    let y: i64 = y.parse().ok()?;
    let mo: i64 = mo.parse().ok()?;
    (1..=12).contains(&mo).then_some(y * 12 + mo - 1)
}

/// `YYYY-MM` of a month index.
pub fn month_of(i: i64) -> String {
    format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// `01.1990` for `1990-01`.
pub fn month_ro(m: &str) -> String {
    match m.split_once('-') {
        Some((y, mo)) => format!("{mo}.{y}"),
        None => m.to_string(),
    }
}

/// The pages of one dossier that prove a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Dossier ("cotă").
    pub cota: String,
    /// Page ordinals, ascending.
    pub pages: Vec<u32>,
}

impl Source {
    /// `PMA-00012 p. 1–3, 5`.
    pub fn text(&self) -> String {
        format!("{} p. {}", self.cota, page_ranges(&self.pages))
    }
}

/// `1–3, 5, 7–9` for `[1, 2, 3, 5, 7, 8, 9]`.
pub fn page_ranges(pages: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let start = pages[i];
        let mut end = start;
        while i + 1 < pages.len() && pages[i + 1] == end + 1 {
            i += 1;
            end = pages[i];
        }
        out.push(if end == start {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// Expand `1–3, 5` back to `[1, 2, 3, 5]` (for checking printed sources).
pub fn parse_page_ranges(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (a, b) = part
            .split_once('–')
            .or_else(|| part.split_once('-'))
            .unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
            if a <= b && b - a < 100_000 {
                out.extend(a..=b);
            }
        }
    }
    out
}

/// One line of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Number of months.
    pub months: u32,
    /// Function, when the pages show it.
    pub function: Option<String>,
    /// Salary as printed, when the pages show it.
    pub salary: Option<String>,
    /// Where it is written, by dossier.
    pub sources: Vec<Source>,
}

impl Period {
    /// Every month of the period, `YYYY-MM`.
    pub fn month_list(&self) -> Vec<String> {
        match (month_index(&self.from), month_index(&self.to)) {
            (Some(a), Some(b)) if a <= b => (a..=b).map(month_of).collect(),
            _ => Vec::new(),
        }
    }

    /// `01.1990 – 12.1990`.
    pub fn range_text(&self) -> String {
        if self.from == self.to {
            month_ro(&self.from)
        } else {
            format!("{} – {}", month_ro(&self.from), month_ro(&self.to))
        }
    }

    /// All sources, `; `-separated.
    pub fn sources_text(&self) -> String {
        self.sources
            .iter()
            .map(Source::text)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Text as printed, made comparable: the cedilla letters old encodings
/// and OCR produce (`ş ţ`) become the comma letters (`ș ț`), and runs of
/// white space one space; so `şofer` and `șofer` are one function.
pub fn tidy(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            'ş' => 'ș',
            'Ş' => 'Ș',
            'ţ' => 'ț',
            'Ţ' => 'Ț',
            c => c,
        })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The periods proven by the confirmed decisions (rejected ones are
/// ignored), oldest first.
pub fn periods<'a>(decisions: impl IntoIterator<Item = &'a Decision>) -> Vec<Period> {
    // Month → its confirmed rows, by dossier and page.
    let mut by_month: BTreeMap<i64, Vec<&Decision>> = BTreeMap::new();
    for d in decisions.into_iter().filter(|d| d.confirmed) {
        if let Some(i) = month_index(&d.month) {
            by_month.entry(i).or_default().push(d);
        }
    }
    let mut out: Vec<Period> = Vec::new();
    let mut last: Option<i64> = None;
    for (i, mut rows) in by_month {
        rows.sort_by(|a, b| a.cota.cmp(&b.cota).then(a.page.cmp(&b.page)));
        let function = rows.iter().find_map(|d| d.function.as_deref()).map(tidy);
        let salary = rows.iter().find_map(|d| d.salary.as_deref()).map(tidy);
        let continues = last == Some(i - 1)
            && out
                .last()
                .is_some_and(|p| p.function == function && p.salary == salary);
        if !continues {
            out.push(Period {
                from: month_of(i),
                to: month_of(i),
                months: 0,
                function,
                salary,
                sources: Vec::new(),
            });
        }
        if let Some(p) = out.last_mut() {
            p.to = month_of(i);
            p.months += 1;
            for d in rows {
                match p.sources.iter_mut().find(|s| s.cota == d.cota) {
                    Some(s) => {
                        if !s.pages.contains(&d.page) {
                            s.pages.push(d.page);
                            s.pages.sort_unstable();
                        }
                    }
                    None => p.sources.push(Source {
                        cota: d.cota.clone(),
                        pages: vec![d.page],
                    }),
                }
            }
        }
        last = Some(i);
    }
    out
}

/// `n` with its Romanian noun: `1 an`, `3 ani`, `20 de ani`.
pub fn ro_count(n: u32, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n if n % 100 >= 20 || (n % 100 == 0 && n > 0) => format!("{n} de {many}"),
        n => format!("{n} {many}"),
    }
}

/// A length of service: `5 ani și 3 luni`, `11 luni`, `2 ani`.
pub fn duration_ro(months: u32) -> String {
    let (y, m) = (months / 12, months % 12);
    match (y, m) {
        (0, m) => ro_count(m, "lună", "luni"),
        (y, 0) => ro_count(y, "an", "ani"),
        (y, m) => format!(
            "{} și {}",
            ro_count(y, "an", "ani"),
            ro_count(m, "lună", "luni")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(month: &str, page: u32, function: &str, salary: &str, confirmed: bool) -> Decision {
        Decision {
            month: month.into(),
            cota: "PMA-1".into(),
            page,
            confirmed,
            name_as_printed: "Popescu Ion".into(),
            cnp: None,
            function: Some(function.into()),
            salary: Some(salary.into()),
            by: "ana".into(),
        }
    }

    #[test]
    fn consecutive_months_merge_until_something_changes() {
        let ds = vec![
            d("1990-11", 11, "referent", "2.000", true),
            d("1990-12", 12, "referent", "2.000", true),
            d("1991-01", 1, "referent", "2.000", true),
            d("1991-02", 2, "referent", "2.500", true),
            d("1991-03", 3, "referent", "2.500", false),
            d("1991-04", 4, "șef birou", "2.500", true),
        ];
        let ps = periods(&ds);
        assert_eq!(ps.len(), 3);
        assert_eq!(
            (ps[0].from.as_str(), ps[0].to.as_str(), ps[0].months),
            ("1990-11", "1991-01", 3)
        );
        assert_eq!(ps[0].range_text(), "11.1990 – 01.1991");
        assert_eq!(ps[0].sources_text(), "PMA-1 p. 1, 11–12");
        assert_eq!(ps[1].months, 1, "a raise starts a new line");
        assert_eq!(ps[2].from, "1991-04", "a rejected month is a gap");
        let cedilla = vec![
            d("1992-01", 1, "şofer", "3.000", true),
            d("1992-02", 2, "șofer", "3.000", true),
        ];
        assert_eq!(
            periods(&cedilla).len(),
            1,
            "cedilla and comma forms are one function"
        );
        assert_eq!(periods(&cedilla)[0].function.as_deref(), Some("șofer"));
    }

    #[test]
    fn ranges_and_counts() {
        assert_eq!(page_ranges(&[1, 2, 3, 5, 7, 8]), "1–3, 5, 7–8");
        assert_eq!(parse_page_ranges("1–3, 5, 7–8"), vec![1, 2, 3, 5, 7, 8]);
        assert_eq!(duration_ro(63), "5 ani și 3 luni");
        assert_eq!(duration_ro(240), "20 de ani");
        assert_eq!(duration_ro(1), "1 lună");
        assert_eq!(month_of(month_index("2024-12").unwrap_or(0) + 1), "2025-01");
    }
}
