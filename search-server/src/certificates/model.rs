//! What a request ("cerere") is: its registration number, the petitioner,
//! what is asked, its status, the decisions taken on each hit, the pages
//! chosen for a certified copy, and what was issued. Plain data with serde;
//! the [`crate::certificates::register`] journals it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::certificates::deadline::iso;
use crate::certificates::error::CertificateError;

/// A registration number ("număr de înregistrare"): a sequence that starts
/// again at 1 each year, written `1234/2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestNumber {
    /// The year of registration.
    pub year: i32,
    /// The number within the year, from 1.
    pub seq: u32,
}

impl RequestNumber {
    /// The catalog key: sorts by year, then number (`2026-001234`).
    pub fn key(&self) -> String {
        format!("{:04}-{:06}", self.year, self.seq)
    }

    /// From a catalog key.
    pub fn from_key(key: &str) -> Option<RequestNumber> {
        let (y, s) = key.split_once('-')?;
        Some(RequestNumber {
            year: y.parse().ok()?,
            seq: s.parse().ok()?,
        })
    }

    /// For URLs: `1234-2026` (a slash would be a path separator).
    pub fn slug(&self) -> String {
        format!("{}-{}", self.seq, self.year)
    }
}

impl fmt::Display for RequestNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.seq, self.year)
    }
}

impl FromStr for RequestNumber {
    type Err = CertificateError;
    /// `1234/2026`, or `1234-2026` as URLs carry it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CertificateError::BadNumber(s.to_string());
        let t = s.trim();
        let (n, y) = t
            .split_once('/')
            .or_else(|| t.split_once('-'))
            .ok_or_else(bad)?;
        let seq: u32 = n.trim().parse().map_err(|_| bad())?;
        let year: i32 = y.trim().parse().map_err(|_| bad())?;
        if seq == 0 || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(RequestNumber { year, seq })
    }
}

impl Serialize for RequestNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RequestNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Under which law the request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestKind {
    /// A petition (OG 27/2002): 30 days, extendable once by 15.
    Petition,
    /// A public-information request (Legea 544/2001): 10 days, 30 if complex.
    PublicInfo,
}

impl FromStr for RequestKind {
    type Err = CertificateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "petition" | "petitie" | "petiție" => Ok(RequestKind::Petition),
            "public-info" | "544" | "informatii-publice" => Ok(RequestKind::PublicInfo),
            other => Err(CertificateError::invalid(
                "kind",
                format!("{other:?}: use petition or public-info"),
            )),
        }
    }
}

/// What the petitioner asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// A work-seniority certificate ("adeverință de vechime în muncă").
    Seniority,
    /// Certified copies of archive documents ("copii conforme").
    Copies,
}

impl FromStr for Subject {
    type Err = CertificateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "seniority" | "vechime" => Ok(Subject::Seniority),
            "copies" | "copii" => Ok(Subject::Copies),
            other => Err(CertificateError::invalid(
                "subject",
                format!("{other:?}: use seniority or copies"),
            )),
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Registered, nobody has searched yet.
    Registered,
    /// Staff are searching and deciding on hits.
    InSearch,
    /// The answer is drafted, waiting to be issued.
    Drafted,
    /// A certificate or certified copy was issued.
    Issued,
    /// Nothing was found; a negative answer was issued.
    AnsweredNegatively,
}

impl Status {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::InSearch => "in-search",
            Status::Drafted => "drafted",
            Status::Issued => "issued",
            Status::AnsweredNegatively => "answered-negatively",
        }
    }

    /// Issued or answered negatively: nothing more can change.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Issued | Status::AnsweredNegatively)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The petitioner ("petent").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Petitioner {
    /// Full name as it is today.
    pub name: String,
    /// Former names (e.g. before marriage), searched as well.
    #[serde(default)]
    pub former_names: Vec<String>,
    /// CNP, when given.
    pub cnp: Option<String>,
    /// Address or other contact.
    #[serde(default)]
    pub address: String,
}

/// A year range claimed by the petitioner, e.g. 1990–1995.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRange {
    /// First year.
    pub from: i32,
    /// Last year.
    pub to: i32,
}

impl FromStr for YearRange {
    type Err = CertificateError;
    /// `1990-1995`, `1990–1995` or `1990`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || CertificateError::invalid("period", format!("{s:?}: expected YYYY or YYYY-YYYY"));
        let t = s.trim().replace('–', "-");
        let (a, b) = t.split_once('-').unwrap_or((&t, &t));
        let from: i32 = a.trim().parse().map_err(|_| bad())?;
        let to: i32 = b.trim().parse().map_err(|_| bad())?;
        if !(1800..=9999).contains(&from) || to < from || to > 9999 {
            return Err(bad());
        }
        Ok(YearRange { from, to })
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}–{}", self.from, self.to)
        }
    }
}

/// The one extension of the deadline, with the notice sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// When it was decided.
    #[serde(with = "iso")]
    pub on: Date,
    /// The notice given to the petitioner (how and why).
    pub notice: String,
}

/// A decision on one hit: this payroll row is (or is not) the petitioner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// `YYYY-MM`.
    pub month: String,
    /// Dossier.
    pub cota: String,
    /// Page ordinal.
    pub page: u32,
    /// `true` confirmed, `false` rejected.
    pub confirmed: bool,
    /// The name as printed on the row.
    pub name_as_printed: String,
    /// The CNP on the row, when present.
    pub cnp: Option<String>,
    /// Function, when the row shows one.
    pub function: Option<String>,
    /// Salary as printed, when the row shows one.
    pub salary: Option<String>,
    /// Who decided.
    pub by: String,
}

impl Decision {
    /// Identity of the hit within a request.
    pub fn same_hit(&self, month: &str, cota: &str, page: u32) -> bool {
        self.month == month && self.cota == cota && self.page == page
    }
}

/// A page of a dossier, for certified copies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PageRef {
    /// Dossier.
    pub cota: String,
    /// Page ordinal.
    pub page: u32,
}

/// Which document an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// The work-seniority certificate.
    Certificate,
    /// The letter saying nothing was found.
    Negative,
    /// Certified copies of pages.
    CertifiedCopy,
}

impl DocumentKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Certificate => "certificate",
            DocumentKind::Negative => "negative",
            DocumentKind::CertifiedCopy => "certified-copy",
        }
    }
}

/// What was issued for a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// Which document.
    pub document: DocumentKind,
    /// The PDF in the content store (hex SHA-256).
    pub object: String,
    /// Its size in bytes.
    pub size: u64,
    /// Date of issue (printed on the document).
    #[serde(with = "iso")]
    pub on: Date,
    /// Who issued it (the login).
    pub by: String,
    /// The name and function printed under "Întocmit" (answers issued
    /// before names were kept printed the login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk: Option<Clerk>,
}

/// Who drew up an answer, as printed under "Întocmit": the user's full
/// name and function, or the login when no full name is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clerk {
    /// Full name (or the login).
    pub name: String,
    /// Function ("funcția"), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub function: String,
}

impl Clerk {
    /// A clerk known only by login (`cli:<login>` from the command line
    /// prints as the login).
    pub fn login(login: &str) -> Clerk {
        Clerk {
            name: login.strip_prefix("cli:").unwrap_or(login).to_string(),
            function: String::new(),
        }
    }
}

/// One line of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339 time.
    pub at: String,
    /// Who.
    pub user: String,
    /// What: `register`, `search`, `confirm`, `reject`, `draft`, `extend`,
    /// `select-pages`, `issue`, `answer-negatively`.
    pub action: String,
    /// Details, for people.
    pub detail: String,
}

/// A request ("cerere") and everything done on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Registration number.
    pub number: RequestNumber,
    /// Registration date.
    #[serde(with = "iso")]
    pub registered: Date,
    /// Petition or public-information request.
    pub kind: RequestKind,
    /// What is asked.
    pub subject: Subject,
    /// Who asks.
    pub petitioner: Petitioner,
    /// Employer department named by the petitioner.
    #[serde(default)]
    pub department: String,
    /// Period named by the petitioner.
    pub period: Option<YearRange>,
    /// What the certificate is for ("pentru a-i servi la …").
    #[serde(default)]
    pub purpose: String,
    /// A complex public-information request (30 days instead of 10).
    #[serde(default)]
    pub complex: bool,
    /// The deadline's one extension, if any.
    pub extension: Option<Extension>,
    /// Where it stands.
    pub status: Status,
    /// Decisions on hits, by month, dossier and page.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Pages chosen for a certified copy, in order.
    #[serde(default)]
    pub pages: Vec<PageRef>,
    /// What was issued.
    pub issued: Option<Issued>,
    /// What the archive could say about each month of the period, as
    /// it stood when the answer was issued.
    #[serde(default)]
    pub coverage: Option<crate::certificates::coverage::Coverage>,
    /// Everything done, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

impl Request {
    /// Confirmed decisions, by month, dossier and page.
    pub fn confirmed(&self) -> impl Iterator<Item = &Decision> {
        self.decisions.iter().filter(|d| d.confirmed)
    }

    /// The decision taken on a hit, if any.
    pub fn decision(&self, month: &str, cota: &str, page: u32) -> Option<&Decision> {
        self.decisions
            .iter()
            .find(|d| d.same_hit(month, cota, page))
    }
}

/// What staff type in to register a request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewRequest {
    /// Petitioner's name.
    pub name: String,
    /// Former names, if any.
    #[serde(default)]
    pub former_names: Vec<String>,
    /// CNP, if given.
    pub cnp: Option<String>,
    /// Address or contact.
    #[serde(default)]
    pub address: String,
    /// Petition (default) or public-information request.
    pub kind: Option<RequestKind>,
    /// Seniority certificate (default) or certified copies.
    pub subject: Option<Subject>,
    /// Department named.
    #[serde(default)]
    pub department: String,
    /// Period named.
    pub period: Option<YearRange>,
    /// Purpose.
    #[serde(default)]
    pub purpose: String,
    /// Registration date; today when absent.
    #[serde(default, with = "opt_iso")]
    pub registered: Option<Date>,
}

mod opt_iso {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&crate::certificates::deadline::iso_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => crate::certificates::deadline::parse_iso_date(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid date {s:?}"))),
        }
    }
}
