//! Issuing: the answer's PDF is rendered from the request record alone,
//! kept in the content store, and named by a journaled `certificate`
//! record in the same commit that closes the request. Re-printing serves
//! the stored bytes; rendering the record again gives the same bytes.

use arhiva_index::SearchIndex;
use arhiva_store::{Archive, Event, ObjectId};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::backend::{self, Images, Size};
use crate::certificates::copy::{certified_copy_pdf, CopyPage};
use crate::certificates::coverage::coverage;
use crate::certificates::deadline::{iso_date, Clock};
use crate::certificates::documents::{certificate_pdf, negative_pdf, Letterhead};
use crate::certificates::error::{CertificateError, Result};
use crate::certificates::model::{
    Clerk, DocumentKind, Issued, Request, RequestNumber, Status, Subject,
};
use crate::certificates::periods::periods;
use crate::certificates::register::{load, update, Actor, CERTIFICATE_KIND};
use crate::certificates::workspace::{search, workspace};

/// The journaled record of an issued document (kind `certificate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRecord {
    /// The request, `N/YYYY`.
    pub request: String,
    /// Which document.
    pub document: DocumentKind,
    /// The PDF object (hex SHA-256).
    pub object: String,
    /// Its size.
    pub size: u64,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued: String,
    /// Who issued it.
    pub by: String,
}

/// Which document answers `r` as it stands.
pub fn document_kind(r: &Request) -> DocumentKind {
    match r.subject {
        Subject::Copies => DocumentKind::CertifiedCopy,
        Subject::Seniority if r.confirmed().next().is_some() => DocumentKind::Certificate,
        Subject::Seniority => DocumentKind::Negative,
    }
}

/// Read the pages chosen for a certified copy.
fn copy_pages(archive: &Archive, r: &Request) -> Result<Vec<CopyPage>> {
    let images = Images::default();
    let mut out = Vec::with_capacity(r.pages.len());
    for p in &r.pages {
        let page = archive.catalog().page(&p.cota, p.page)?.ok_or_else(|| {
            CertificateError::UnknownPage {
                cota: p.cota.clone(),
                page: p.page,
            }
        })?;
        let title = archive
            .catalog()
            .dossier(&p.cota)?
            .map(|d| d.title)
            .unwrap_or_default();
        let jpeg = match images.get(archive, &page, Size::Web, None) {
            Ok(j) => j.map(|b| b.as_ref().clone()),
            Err(e) => {
                tracing::warn!(cota = %p.cota, page = p.page, error = %e, "page image unavailable for the copy");
                None
            }
        };
        let text = backend::page_text(archive, &page).ok().flatten();
        out.push(CopyPage {
            cota: p.cota.clone(),
            page: p.page,
            title,
            jpeg,
            text,
        });
    }
    Ok(out)
}

/// The clerk a login stands for on paper: the user's full name and
/// function, or the login when the account has no full name.
pub fn clerk_of(archive: &Archive, login: &str) -> Result<Clerk> {
    let name = login.strip_prefix("cli:").unwrap_or(login);
    let user = archive
        .catalog()
        .record(crate::users::KIND, name)?
        .and_then(|v| serde_json::from_value::<crate::users::UserRecord>(v).ok());
    Ok(match user {
        Some(u) if !u.full_name.is_empty() => Clerk {
            name: u.full_name,
            function: u.function,
        },
        _ => Clerk::login(login),
    })
}

/// Render the answer to `r` as it would be issued on `on`, drawn up by `by`.
pub fn render(
    archive: &Archive,
    head: &Letterhead,
    r: &Request,
    on: Date,
    by: &Clerk,
) -> Result<(DocumentKind, Vec<u8>)> {
    let kind = document_kind(r);
    let bytes = match kind {
        DocumentKind::Certificate => certificate_pdf(head, r, &periods(r.confirmed()), on, by)?,
        DocumentKind::Negative => negative_pdf(head, r, on, by)?,
        DocumentKind::CertifiedCopy => {
            if r.pages.is_empty() {
                return Err(CertificateError::invalid(
                    "pages",
                    "choose the pages to copy first",
                ));
            }
            certified_copy_pdf(head, r, &copy_pages(archive, r)?, on, by)?
        }
    };
    Ok((kind, bytes))
}

/// Render an issued request again, from its record (for checking that a
/// re-print is identical).
pub fn rerender(archive: &Archive, head: &Letterhead, r: &Request) -> Result<Option<Vec<u8>>> {
    match &r.issued {
        None => Ok(None),
        Some(i) => {
            let clerk = i.clerk.clone().unwrap_or_else(|| Clerk::login(&i.by));
            Ok(Some(render(archive, head, r, i.on, &clerk)?.1))
        }
    }
}

/// Issue the answer to request `number`: refuse while hits are undecided
/// (a seniority request is searched again for that), render, store,
/// journal, close.
pub fn issue(
    archive: &Archive,
    index: &SearchIndex,
    actor: &Actor,
    clock: &dyn Clock,
    head: &Letterhead,
    number: RequestNumber,
) -> Result<Request> {
    let current = load(archive, number)?;
    if current.subject == Subject::Seniority && !current.status.is_closed() {
        let pending = workspace(&current, &search(index, &current)?).pending;
        if pending > 0 {
            return Err(CertificateError::Undecided {
                number: number.to_string(),
                pending,
            });
        }
    }
    let on = clock.today();
    let clerk = clerk_of(archive, &actor.user)?;
    let action = match document_kind(&current) {
        DocumentKind::Negative => "answer-negatively",
        _ => "issue",
    };
    update(archive, actor, clock, number, action, |r, events| {
        if r.status.is_closed() {
            return Err(CertificateError::Transition {
                number: r.number.to_string(),
                from: r.status,
                action: "issued",
            });
        }
        if r.subject == Subject::Seniority {
            let found = r.confirmed().map(|d| d.month.clone()).collect();
            r.coverage = coverage(archive, r, &found)?;
        }
        let (kind, bytes) = render(archive, head, r, on, &clerk)?;
        let put = archive.objects().put_bytes(&bytes)?;
        let issued = Issued {
            document: kind,
            object: put.id.to_hex(),
            size: put.size,
            on,
            by: actor.user.clone(),
            clerk: Some(clerk.clone()),
        };
        let record = CertificateRecord {
            request: r.number.to_string(),
            document: kind,
            object: issued.object.clone(),
            size: issued.size,
            issued: iso_date(on),
            by: actor.user.clone(),
        };
        events.push(Event::Put {
            kind: CERTIFICATE_KIND.into(),
            key: r.number.key(),
            value: serde_json::to_value(&record).map_err(|source| CertificateError::Record {
                kind: CERTIFICATE_KIND,
                key: r.number.key(),
                source,
            })?,
        });
        r.status = match kind {
            DocumentKind::Negative => Status::AnsweredNegatively,
            _ => Status::Issued,
        };
        let detail = format!(
            "{} {} ({} bytes)",
            kind.as_str(),
            issued.object,
            issued.size
        );
        r.issued = Some(issued);
        Ok(detail)
    })
}

/// The stored PDF of an issued request.
pub fn stored_pdf(archive: &Archive, r: &Request) -> Result<Option<Vec<u8>>> {
    let Some(i) = &r.issued else { return Ok(None) };
    let id: ObjectId = i.object.parse().map_err(|_| {
        CertificateError::invalid("object", format!("{:?} is not an object id", i.object))
    })?;
    Ok(Some(archive.objects().get(&id)?))
}

/// File name for an answer's PDF: `adeverinta-12-2026.pdf`.
pub fn file_name(r: &Request) -> String {
    let stem = match document_kind(r) {
        DocumentKind::Certificate => "adeverinta",
        DocumentKind::Negative => "raspuns",
        DocumentKind::CertifiedCopy => "copie-conforma",
    };
    format!("{stem}-{}.pdf", r.number.slug())
}

/// What a batch run did.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    /// The request after the run.
    pub request: Request,
    /// Hits confirmed by the batch rule.
    pub confirmed: usize,
    /// Hits rejected by the batch rule.
    pub rejected: usize,
}

/// The whole answer in one go, for batch use: search, decide every open
/// hit by [`crate::certificates::workspace::auto_decision`], issue. Hits
/// the rule cannot decide stop the run before issuing
/// ([`CertificateError::Undecided`]); the decisions taken stay journaled.
pub fn issue_batch(
    archive: &Archive,
    index: &SearchIndex,
    actor: &Actor,
    clock: &dyn Clock,
    head: &Letterhead,
    number: RequestNumber,
) -> Result<BatchOutcome> {
    let r = load(archive, number)?;
    let (mut confirmed, mut rejected) = (0, 0);
    if r.subject == Subject::Seniority && !r.status.is_closed() {
        let results = search(index, &r)?;
        let hits: usize = results.months.iter().map(|m| m.pages.len()).sum();
        let r = crate::certificates::register::mark_searched(
            archive,
            actor,
            clock,
            number,
            hits,
            results.months.len(),
        )?;
        let (decided, open) = crate::certificates::workspace::auto_decide(&r, &results);
        confirmed = decided.iter().filter(|d| d.2).count();
        rejected = decided.len() - confirmed;
        if !decided.is_empty() {
            crate::certificates::workspace::decide(archive, actor, clock, number, decided)?;
        }
        if open > 0 {
            return Err(CertificateError::Undecided {
                number: number.to_string(),
                pending: open,
            });
        }
    }
    let request = issue(archive, index, actor, clock, head, number)?;
    Ok(BatchOutcome {
        request,
        confirmed,
        rejected,
    })
}
