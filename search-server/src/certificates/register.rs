//! The requests register ("registrul de intrare-ieșire" for certificate
//! requests), kept as journaled generic records: every change to a request
//! is one group commit holding the whole new record (kind `request`, key
//! `YYYY-NNNNNN`) **and** its audit entry, so there is no action without
//! its trace and no trace without its action.
//!
//! Numbers are a per-year sequence: the next number is one more than the
//! highest registered that year. A process-wide lock serializes
//! read-modify-write; other processes cannot open the catalog meanwhile
//! (sled locks it), so numbers never repeat.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use arhiva_store::{Archive, Event};
use time::format_description::well_known::Rfc3339;

use crate::audit::AuditEntry;
use crate::certificates::deadline::{iso_date, Clock};
use crate::certificates::error::{CertificateError, Result};
use crate::certificates::model::{
    Extension, HistoryEntry, NewRequest, PageRef, Petitioner, Request, RequestKind, RequestNumber,
    Status, Subject,
};

/// Record kind of requests in the catalog.
pub const KIND: &str = "request";
/// Record kind of issued documents in the catalog (one per request).
pub const CERTIFICATE_KIND: &str = "certificate";

/// Longest name, address or purpose accepted, in characters.
const MAX_FIELD: usize = 300;

static LOCK: Mutex<()> = Mutex::new(());
static AUDIT_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Who acts, and from where (for the audit log).
#[derive(Debug, Clone)]
pub struct Actor {
    /// User name (or `cli:<login>` for the command line).
    pub user: String,
    /// Client address, or `cli`.
    pub ip: String,
}

impl Actor {
    /// An actor.
    pub fn new(user: impl Into<String>, ip: impl Into<String>) -> Actor {
        Actor {
            user: user.into(),
            ip: ip.into(),
        }
    }
}

fn rfc3339(clock: &dyn Clock) -> String {
    let now = clock.now();
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// The audit record of an action, in the audit log's own format.
pub(crate) fn audit_event(actor: &Actor, clock: &dyn Clock, action: &str, target: &str) -> Event {
    let micros = clock.now().unix_timestamp_nanos() / 1000;
    let n = AUDIT_COUNTER.fetch_add(1, Ordering::Relaxed) % 1_000_000;
    let entry = AuditEntry {
        at: rfc3339(clock),
        user: actor.user.chars().take(64).collect(),
        action: action.to_string(),
        target: target.chars().take(300).collect(),
        ip: actor.ip.clone(),
    };
    Event::Put {
        kind: crate::audit::KIND.into(),
        // "r" keeps these keys apart from the audit writer's own counter.
        key: format!("{micros:020}-r{n:06}"),
        value: serde_json::to_value(&entry).unwrap_or(serde_json::Value::Null),
    }
}

fn encode(r: &Request) -> Result<Event> {
    let value = serde_json::to_value(r).map_err(|source| CertificateError::Record {
        kind: KIND,
        key: r.number.key(),
        source,
    })?;
    Ok(Event::Put {
        kind: KIND.into(),
        key: r.number.key(),
        value,
    })
}

fn decode(key: &str, value: serde_json::Value) -> Result<Request> {
    serde_json::from_value(value).map_err(|source| CertificateError::Record {
        kind: KIND,
        key: key.to_string(),
        source,
    })
}

fn check_len(field: &'static str, s: &str) -> Result<()> {
    if s.chars().count() > MAX_FIELD {
        return Err(CertificateError::invalid(
            field,
            format!("longer than {MAX_FIELD} characters"),
        ));
    }
    Ok(())
}

/// Check a CNP as typed at the counter: 13 digits with a correct control digit.
pub fn check_cnp(cnp: &str) -> Result<()> {
    if cnp.len() != 13 || !cnp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CertificateError::invalid("cnp", "a CNP has 13 digits"));
    }
    if !arhiva_index::cnp_valid(cnp) {
        return Err(CertificateError::invalid(
            "cnp",
            "the control digit is wrong: check for a typo",
        ));
    }
    Ok(())
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Register a new request: validate, number it, journal it.
pub fn register(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    new: NewRequest,
) -> Result<Request> {
    let name = clean(&new.name);
    if name.is_empty() {
        return Err(CertificateError::invalid(
            "name",
            "the petitioner's name is required",
        ));
    }
    check_len("name", &name)?;
    check_len("address", &new.address)?;
    check_len("purpose", &new.purpose)?;
    check_len("department", &new.department)?;
    let cnp = new
        .cnp
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if let Some(c) = &cnp {
        check_cnp(c)?;
    }
    let former: Vec<String> = new
        .former_names
        .iter()
        .map(|n| clean(n))
        .filter(|n| !n.is_empty() && *n != name)
        .collect();
    for f in &former {
        check_len("former_names", f)?;
    }
    let registered = new.registered.unwrap_or_else(|| clock.today());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let year = registered.year();
    let prefix = format!("{year:04}-");
    let last = archive
        .catalog()
        .records(KIND)?
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .filter_map(|(k, _)| RequestNumber::from_key(k))
        .map(|n| n.seq)
        .max()
        .unwrap_or(0);
    let number = RequestNumber {
        year,
        seq: last + 1,
    };
    let subject = new.subject.unwrap_or(Subject::Seniority);
    let kind = new.kind.unwrap_or(RequestKind::Petition);
    let detail = format!(
        "{} · {} · {}",
        name,
        match subject {
            Subject::Seniority => "seniority",
            Subject::Copies => "copies",
        },
        iso_date(registered)
    );
    let request = Request {
        number,
        registered,
        kind,
        subject,
        petitioner: Petitioner {
            name,
            former_names: former,
            cnp,
            address: clean(&new.address),
        },
        department: clean(&new.department),
        period: new.period,
        purpose: clean(&new.purpose),
        complex: false,
        extension: None,
        status: Status::Registered,
        decisions: Vec::new(),
        pages: Vec::new(),
        issued: None,
        coverage: None,
        history: vec![HistoryEntry {
            at: rfc3339(clock),
            user: actor.user.clone(),
            action: "register".into(),
            detail: detail.clone(),
        }],
    };
    let target = format!("{number} {detail}");
    archive.commit(vec![
        encode(&request)?,
        audit_event(actor, clock, "request-register", &target),
    ])?;
    tracing::info!(request = %number, "request registered");
    Ok(request)
}

/// One request, if it exists.
pub fn get(archive: &Archive, number: RequestNumber) -> Result<Option<Request>> {
    let key = number.key();
    match archive.catalog().record(KIND, &key)? {
        None => Ok(None),
        Some(v) => decode(&key, v).map(Some),
    }
}

/// One request, or [`CertificateError::UnknownRequest`].
pub fn load(archive: &Archive, number: RequestNumber) -> Result<Request> {
    get(archive, number)?.ok_or_else(|| CertificateError::UnknownRequest {
        number: number.to_string(),
    })
}

/// Every request, newest first. A record that does not decode is logged
/// and skipped: one bad record does not hide the register.
pub fn list(archive: &Archive) -> Result<Vec<Request>> {
    let mut out = Vec::new();
    for (k, v) in archive.catalog().records(KIND)? {
        match decode(&k, v) {
            Ok(r) => out.push(r),
            Err(e) => tracing::warn!(error = %e, "request record skipped"),
        }
    }
    out.reverse();
    Ok(out)
}

/// Change a request under the lock: `f` edits it and may add events (and
/// returns the history detail); the new record, the history line, the
/// audit entry and those events are committed together.
pub(crate) fn update(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
    action: &'static str,
    f: impl FnOnce(&mut Request, &mut Vec<Event>) -> Result<String>,
) -> Result<Request> {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut r = load(archive, number)?;
    let mut extra = Vec::new();
    let detail = f(&mut r, &mut extra)?;
    r.history.push(HistoryEntry {
        at: rfc3339(clock),
        user: actor.user.clone(),
        action: action.to_string(),
        detail: detail.clone(),
    });
    let mut events = vec![encode(&r)?];
    events.extend(extra);
    let target = if detail.is_empty() {
        number.to_string()
    } else {
        format!("{number} {detail}")
    };
    events.push(audit_event(
        actor,
        clock,
        &format!("request-{action}"),
        &target,
    ));
    archive.commit(events)?;
    Ok(r)
}

fn open(r: &Request, action: &'static str) -> Result<()> {
    if r.status.is_closed() {
        return Err(CertificateError::Transition {
            number: r.number.to_string(),
            from: r.status,
            action,
        });
    }
    Ok(())
}

/// Record that a search was run (registered → in search).
pub fn mark_searched(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
    hits: usize,
    months: usize,
) -> Result<Request> {
    update(archive, actor, clock, number, "search", |r, _| {
        if r.status == Status::Registered {
            r.status = Status::InSearch;
        }
        Ok(format!("{hits} hits in {months} months"))
    })
}

/// Extend a petition's deadline by 15 days (once), or mark a
/// public-information request complex (30 days), with the notice given.
pub fn extend(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
    notice: &str,
) -> Result<Request> {
    let notice = clean(notice);
    if notice.is_empty() {
        return Err(CertificateError::invalid(
            "notice",
            "say how and when the petitioner was told of the extension",
        ));
    }
    check_len("notice", &notice)?;
    update(archive, actor, clock, number, "extend", |r, _| {
        open(r, "extended")?;
        if r.extension.is_some() || r.complex {
            return Err(CertificateError::AlreadyExtended {
                number: r.number.to_string(),
            });
        }
        if r.kind == RequestKind::PublicInfo {
            r.complex = true;
        }
        r.extension = Some(Extension {
            on: clock.today(),
            notice: notice.clone(),
        });
        Ok(notice)
    })
}

/// Mark the answer drafted (in search → drafted).
pub fn draft(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
) -> Result<Request> {
    update(archive, actor, clock, number, "draft", |r, _| {
        open(r, "drafted")?;
        r.status = Status::Drafted;
        Ok(String::new())
    })
}

/// Choose the pages of a certified copy (replacing an earlier choice).
/// Every page must be in the catalog.
pub fn select_pages(
    archive: &Archive,
    actor: &Actor,
    clock: &dyn Clock,
    number: RequestNumber,
    pages: Vec<PageRef>,
) -> Result<Request> {
    for p in &pages {
        if archive.catalog().page(&p.cota, p.page)?.is_none() {
            return Err(CertificateError::UnknownPage {
                cota: p.cota.clone(),
                page: p.page,
            });
        }
    }
    update(archive, actor, clock, number, "select-pages", |r, _| {
        open(r, "changed")?;
        let detail = pages
            .iter()
            .map(|p| format!("{} p. {}", p.cota, p.page))
            .collect::<Vec<_>>()
            .join(", ");
        r.pages = pages;
        if matches!(r.status, Status::Registered | Status::Drafted) {
            r.status = Status::InSearch;
        }
        Ok(detail)
    })
}
