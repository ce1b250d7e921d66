//! [`Archive`]: one data directory — content store, journal and catalog —
//! opened together, with the catalog caught up or rebuilt as needed.

use std::fs;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::error::{IoContext, Result, StoreError};
use crate::journal::Journal;
use crate::objects::ObjectStore;
use crate::Event;

/// Events applied to the catalog per sled batch while catching up.
const REPLAY_CHUNK: usize = 10_000;

/// From now on this process creates files 0600 and directories 0700
/// (umask 077), whatever umask it was started with.
pub fn private_umask() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// A warning when others than the owner may read or enter the data
/// directory `dir` (its mode has group or other bits), `None` when it is
/// private or cannot be looked at.
pub fn permission_warning(dir: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "the data directory {} is open to other users (mode {mode:o}): they can read the journal, CNPs and password hashes; run `chmod 700 {}`",
            dir.display(),
            dir.display()
        )
    })
}

/// How the catalog was found when the archive was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogState {
    /// Up to date with the journal.
    Current,
    /// Behind the journal by this many events; caught up.
    CaughtUp(u64),
    /// Missing, unreadable or inconsistent; rebuilt for this reason.
    Rebuilt(String),
}

/// The archive's data directory, opened.
#[derive(Debug)]
pub struct Archive {
    dir: PathBuf,
    objects: ObjectStore,
    journal: Journal,
    catalog: Catalog,
    catalog_state: CatalogState,
}

impl Archive {
    /// Open (creating if needed) the archive in `dir`.
    ///
    /// The archive holds personal data and password hashes, so it is
    /// private to its user whatever the umask: a new data directory is made
    /// 0700, and this process creates files 0600 and directories 0700 from
    /// now on ([`private_umask`]; sled, tantivy and the derivatives included).
    /// An existing directory that others may read is left as it is — the
    /// administrator may have reasons — but reported: a warning here, and a
    /// line in `arhiva verify` ([`permission_warning`]).
    pub fn open(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref().to_path_buf();
        private_umask();
        let existed = dir.is_dir();
        fs::create_dir_all(&dir).ctx("create", &dir)?;
        if !existed {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).ctx("restrict", &dir)?;
        } else if let Some(w) = permission_warning(&dir) {
            tracing::warn!("{w}");
        }
        let objects = ObjectStore::open(dir.join("objects"))?.deferred();
        // Temp files older than an hour belong to writers that died.
        let _ = objects.sweep_tmp(std::time::Duration::from_secs(3600));
        let journal = Journal::open(dir.join("journal"))?;
        let (catalog, catalog_state) = open_catalog(&dir.join("catalog"), &journal)?;
        Ok(Archive {
            dir,
            objects,
            journal,
            catalog,
            catalog_state,
        })
    }

    /// Open the archive in `dir`, which must already hold one: otherwise
    /// [`StoreError::NoArchive`], and nothing is created (a typo in a path
    /// must not turn into an empty archive that finds nothing).
    pub fn open_existing(dir: impl AsRef<Path>) -> Result<Archive> {
        check_exists(dir.as_ref())?;
        Archive::open(dir)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The content store.
    pub fn objects(&self) -> &ObjectStore {
        &self.objects
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// How the catalog was found on open.
    pub fn catalog_state(&self) -> &CatalogState {
        &self.catalog_state
    }

    /// Make the objects written so far durable (one group sync), append
    /// events to the journal as one group commit (durable when this
    /// returns), then apply them to the catalog.
    pub fn commit(&self, events: Vec<Event>) -> Result<Range<u64>> {
        if events.is_empty() {
            let next = self.journal.head().seq + 1;
            return Ok(next..next);
        }
        // Objects before the events that name them.
        self.objects.sync()?;
        let range = self.journal.append(&events)?;
        if range.start == 1 {
            if let Some(g) = genesis(self.journal.dir())? {
                self.catalog.set_journal_id(&g)?;
            }
        }
        let numbered: Vec<(u64, Event)> = range.clone().zip(events).collect();
        self.catalog.apply(&numbered)?;
        Ok(range)
    }

    /// Throw the catalog away and build it again from the journal.
    pub fn rebuild_catalog(&mut self) -> Result<u64> {
        let path = self.dir.join("catalog");
        // sled holds its files open: close it by replacing it with a
        // temporary catalog before removing the directory.
        let tmp = tempdir_in(&self.dir)?;
        self.catalog = Catalog::open(&tmp)?;
        remove_dir(&path)?;
        let fresh = Catalog::open(&path)?;
        let n = replay(&fresh, &self.journal, 0)?;
        self.catalog = fresh;
        let _ = fs::remove_dir_all(&tmp);
        self.catalog_state = CatalogState::Rebuilt("asked for".into());
        Ok(n)
    }
}

/// [`StoreError::NoArchive`] unless `dir` holds an archive; says what is
/// there instead.
pub fn check_exists(dir: &Path) -> Result<()> {
    if dir.join("objects").is_dir() && dir.join("journal").is_dir() {
        return Ok(());
    }
    let reason = if !dir.exists() {
        "the folder does not exist"
    } else if !dir.is_dir() {
        "it is not a folder"
    } else if fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
    {
        "the folder is empty"
    } else {
        "the folder has no objects/ and journal/"
    };
    Err(StoreError::NoArchive {
        path: dir.to_path_buf(),
        reason,
    })
}

fn tempdir_in(dir: &Path) -> Result<PathBuf> {
    let p = dir.join(format!(".catalog-swap-{}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    Ok(p)
}

fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).ctx("remove", path),
    }
}

fn open_catalog(path: &Path, journal: &Journal) -> Result<(Catalog, CatalogState)> {
    let head = journal.head();
    let genesis = genesis(journal.dir())?;
    let existed = path.exists();
    let opened = std::panic::catch_unwind(|| Catalog::open(path)).unwrap_or_else(|_| {
        Err(StoreError::Catalog {
            path: path.to_path_buf(),
            reason: "sled panicked while opening".into(),
        })
    });
    let reason = match opened {
        Err(e @ StoreError::CatalogLocked { .. }) => return Err(e),
        Err(e) => e.to_string(),
        Ok(catalog) => {
            let applied = catalog.applied_seq()?;
            let id = catalog.journal_id()?;
            if applied > head.seq {
                format!(
                    "catalog at event {applied} is ahead of the journal at {}",
                    head.seq
                )
            } else if applied > 0
                && id.is_some()
                && id.as_deref() != genesis.as_ref().map(|g| &g[..])
            {
                "catalog was built from another journal".to_string()
            } else if applied < head.seq {
                let behind = head.seq - applied;
                if existed {
                    tracing::info!(behind, "catalog behind the journal; catching up");
                } else {
                    tracing::warn!(path = %path.display(), "catalog missing; rebuilding it from the journal");
                }
                replay(&catalog, journal, applied)?;
                if let Some(g) = genesis {
                    catalog.set_journal_id(&g)?;
                }
                let state = if existed {
                    CatalogState::CaughtUp(behind)
                } else {
                    CatalogState::Rebuilt("catalog missing".into())
                };
                return Ok((catalog, state));
            } else {
                return Ok((catalog, CatalogState::Current));
            }
        }
    };
    tracing::warn!(path = %path.display(), %reason, "catalog unusable; rebuilding it from the journal");
    remove_dir(path)?;
    let catalog = Catalog::open(path)?;
    replay(&catalog, journal, 0)?;
    if let Some(g) = genesis {
        catalog.set_journal_id(&g)?;
    }
    Ok((catalog, CatalogState::Rebuilt(reason)))
}

/// Apply every journal event after `applied` to the catalog, in chunks.
fn replay(catalog: &Catalog, journal: &Journal, applied: u64) -> Result<u64> {
    let mut chunk = Vec::with_capacity(REPLAY_CHUNK);
    let mut n = 0u64;
    journal.read_from(applied + 1, |seq, event| {
        chunk.push((seq, event));
        n += 1;
        if chunk.len() >= REPLAY_CHUNK {
            catalog.apply(&chunk)?;
            chunk.clear();
        }
        Ok(())
    })?;
    catalog.apply(&chunk)?;
    catalog.flush()?;
    Ok(n)
}

/// The hash of journal record 1: the journal's identity.
fn genesis(dir: &Path) -> Result<Option<[u8; 32]>> {
    let mut segs: Vec<PathBuf> = Vec::new();
    for e in fs::read_dir(dir).ctx("list", dir)? {
        let p = e.ctx("list", dir)?.path();
        if p.extension().is_some_and(|x| x == "log") {
            segs.push(p);
        }
    }
    segs.sort();
    let Some(first) = segs.first() else {
        return Ok(None);
    };
    let mut f = fs::File::open(first).ctx("open", first)?;
    let mut head = [0u8; 8 + 48];
    if f.read_exact(&mut head).is_err() {
        return Ok(None);
    }
    let mut len = [0u8; 4];
    len.copy_from_slice(&head[8..12]);
    let len = u32::from_le_bytes(len) as usize;
    let mut body = head[16..].to_vec();
    let mut payload = vec![0u8; len.min(64 * 1024 * 1024)];
    if f.read_exact(&mut payload).is_err() {
        return Ok(None);
    }
    body.extend_from_slice(&payload);
    Ok(Some(Sha256::digest(&body).into()))
}
