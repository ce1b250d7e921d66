//! The audit log: who saw or downloaded what, when, and from where; logins
//! and failed logins too. Entries are journaled records (kind `audit`, key =
//! zero-padded microseconds since the epoch and a counter, so keys sort in
//! time order).
//!
//! Writing one journal record per page view would cost one fsync per view.
//! Instead a writer thread takes entries from a channel and commits whatever
//! has queued up as one group commit. Views do not wait for the commit;
//! downloads and logins do ([`AuditLog::record_sync`]), so an original never
//! leaves the server before the record of it is durable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

use arhiva_store::{Archive, Event};
use serde::{Deserialize, Serialize};

use crate::error::{Result, ServerError};

/// Record kind of audit entries in the catalog.
pub const KIND: &str = "audit";
/// Entries written per group commit, at most.
const MAX_BATCH: usize = 2048;

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339 time (UTC).
    pub at: String,
    /// The user name, or what was typed at a failed login.
    pub user: String,
    /// What happened: `login`, `login-failed`, `logout`, `search`,
    /// `view-dossier`, `view-page`, `view-image`, `download`, `person-search`,
    /// `user-add`, `user-disable`, `user-enable`, `api-…`.
    pub action: String,
    /// What it concerned, e.g. `PMA-00012 p. 3` or the query.
    pub target: String,
    /// Client address.
    pub ip: String,
}

type Ack = tokio::sync::oneshot::Sender<bool>;

/// The audit writer.
pub struct AuditLog {
    tx: Option<mpsc::Sender<(String, AuditEntry, Option<Ack>)>>,
    thread: Option<JoinHandle<()>>,
    counter: AtomicU64,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog").finish_non_exhaustive()
    }
}

/// Now, RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

impl AuditLog {
    /// Start the writer thread for `archive`.
    pub fn start(archive: Arc<Archive>) -> AuditLog {
        let (tx, rx) = mpsc::channel::<(String, AuditEntry, Option<Ack>)>();
        let thread = std::thread::Builder::new()
            .name("arhiva-audit".into())
            .spawn(move || writer(&archive, &rx))
            .ok();
        AuditLog {
            tx: Some(tx),
            thread,
            counter: AtomicU64::new(0),
        }
    }

    fn key(&self) -> String {
        let micros = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
        let n = self.counter.fetch_add(1, Ordering::Relaxed) % 1_000_000;
        format!("{micros:020}-{n:06}")
    }

    fn entry(user: &str, action: &str, target: &str, ip: &str) -> AuditEntry {
        AuditEntry {
            at: now_rfc3339(),
            user: user.chars().take(64).collect(),
            action: action.to_string(),
            target: target.chars().take(300).collect(),
            ip: ip.to_string(),
        }
    }

    /// Queue an entry; it is committed with the next group.
    pub fn record(&self, user: &str, action: &str, target: &str, ip: &str) {
        let entry = Self::entry(user, action, target, ip);
        if let Some(tx) = &self.tx {
            if tx.send((self.key(), entry, None)).is_err() {
                tracing::error!("audit writer is gone; entry lost");
            }
        }
    }

    /// Write an entry and wait until it is durable.
    pub async fn record_sync(
        &self,
        user: &str,
        action: &str,
        target: &str,
        ip: &str,
    ) -> Result<()> {
        let entry = Self::entry(user, action, target, ip);
        let (ack, done) = tokio::sync::oneshot::channel();
        let sent = match &self.tx {
            Some(tx) => tx.send((self.key(), entry, Some(ack))).is_ok(),
            None => false,
        };
        if sent && done.await.unwrap_or(false) {
            Ok(())
        } else {
            Err(ServerError::Task(
                "the audit log could not be written".into(),
            ))
        }
    }

    /// Stop the writer after it has committed everything queued.
    pub fn shutdown(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn writer(archive: &Archive, rx: &mpsc::Receiver<(String, AuditEntry, Option<Ack>)>) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => group.push(more),
                Err(_) => break,
            }
        }
        let mut events = Vec::with_capacity(group.len());
        let mut acks = Vec::new();
        for (key, entry, ack) in group {
            match serde_json::to_value(&entry) {
                Ok(value) => events.push(Event::Put {
                    kind: KIND.into(),
                    key,
                    value,
                }),
                Err(e) => tracing::error!(error = %e, "audit entry not encodable"),
            }
            acks.extend(ack);
        }
        let ok = match archive.commit(events) {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(error = %e, "audit entries could not be journaled");
                false
            }
        };
        for ack in acks {
            let _ = ack.send(ok);
        }
    }
}

/// One page of the log, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Where the next, older page starts (pass it as `before`), if there are
    /// more entries.
    pub older: Option<String>,
}

/// Up to `limit` entries older than the entry keyed `before` (or the latest),
/// newest first, optionally of one user only. The log is read lazily from
/// its newest end, so a long log costs no more than the entries shown.
pub fn page(
    archive: &Archive,
    user: Option<&str>,
    before: Option<&str>,
    limit: usize,
) -> Result<AuditPage> {
    let mut out = AuditPage::default();
    let mut last = None;
    for rec in archive.catalog().records_rev(KIND, before) {
        let (key, value) = rec?;
        let Ok(entry) = serde_json::from_value::<AuditEntry>(value) else {
            continue;
        };
        if user.is_some_and(|u| entry.user != u) {
            continue;
        }
        if out.entries.len() == limit {
            out.older = last; // there is at least one more
            break;
        }
        last = Some(key);
        out.entries.push(entry);
    }
    Ok(out)
}

/// The latest `limit` entries, newest first, optionally of one user only.
pub fn recent(archive: &Archive, user: Option<&str>, limit: usize) -> Result<Vec<AuditEntry>> {
    Ok(page(archive, user, None, limit)?.entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_are_journaled_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = Arc::new(Archive::open(dir.path()).expect("open"));
        let mut log = AuditLog::start(archive.clone());
        log.record("ana", "view-page", "PMA-00001 p. 1", "127.0.0.1");
        log.record_sync("ana", "download", "PMA-00001 p. 1", "127.0.0.1")
            .await
            .expect("durable");
        log.shutdown();
        let got = recent(&archive, None, 10).expect("recent");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].action, "download");
        assert_eq!(got[1].action, "view-page");
        assert_eq!(recent(&archive, Some("bob"), 10).expect("recent").len(), 0);
    }

    #[tokio::test]
    async fn pages_go_back_in_time_and_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = Arc::new(Archive::open(dir.path()).expect("open"));
        let mut log = AuditLog::start(archive.clone());
        for i in 0..7 {
            let who = if i % 2 == 0 { "ana" } else { "bob" };
            log.record_sync(who, "view-page", &format!("PMA-00001 p. {i}"), "10.0.0.1")
                .await
                .expect("durable");
        }
        log.shutdown();
        let targets =
            |p: &AuditPage| -> Vec<String> { p.entries.iter().map(|e| e.target.clone()).collect() };
        let first = page(&archive, Some("ana"), None, 2).expect("page");
        assert_eq!(targets(&first), ["PMA-00001 p. 6", "PMA-00001 p. 4"]);
        let second = page(&archive, Some("ana"), first.older.as_deref(), 2).expect("page");
        assert_eq!(targets(&second), ["PMA-00001 p. 2", "PMA-00001 p. 0"]);
        assert_eq!(second.older, None, "no link to an empty page");
        let all = page(&archive, None, None, 7).expect("page");
        assert_eq!(all.entries.len(), 7);
        assert_eq!(all.older, None);
    }
}
