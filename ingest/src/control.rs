//! Nightly runs while `arhiva serve` holds the archive.
//!
//! The catalog admits one process at a time, and the web server holds it
//! all day. So a running server also listens on a Unix socket in the data
//! directory ([`SOCKET`], mode 0600: only the archive's own user may
//! connect) and runs the nightly jobs it is handed there, with its own
//! archive and index, one at a time. `arhiva nightly` hands its job over
//! when it finds the catalog locked; the cron line is the same either way.
//!
//! The protocol is one JSON line each way: a [`Request`], then a [`Reply`]
//! when the job has finished. The client holds the nightly lock for the
//! whole run, so two runs never overlap here either.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arhiva_index::SearchIndex;
use arhiva_store::Archive;
use serde::{Deserialize, Serialize};

use crate::error::{IngestError, IoContext, Result};
use crate::nightly::{self, NightlyReport};
use crate::{IngestOptions, OcrMode};

/// The socket's file name in the data directory.
pub const SOCKET: &str = "control.sock";
/// A request line is small; anything longer is not ours.
const MAX_REQUEST: u64 = 64 * 1024;
/// How long a client may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections being answered at once, at most; more are closed at once.
const MAX_CONNECTIONS: usize = 16;

/// A nightly run over `inbox`, as `arhiva nightly` would do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NightlyJob {
    /// The inbox, as an absolute path (the server's working directory is
    /// not the caller's).
    pub inbox: PathBuf,
    /// OCR policy.
    pub ocr: OcrMode,
    /// Quarantined inputs alone do not call for attention.
    pub allow_quarantine: bool,
}

/// What a client asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Request {
    /// Run the nightly job and answer with its report.
    Nightly(NightlyJob),
}

/// What the server answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    /// The run finished; its report.
    Report(Box<NightlyReport>),
    /// The run could not be done, and why.
    Error(String),
}

/// The listening socket; the file is removed when this is dropped.
#[derive(Debug)]
pub struct ControlSocket {
    path: PathBuf,
}

impl ControlSocket {
    /// Where it listens.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Listen in the archive's data directory and run the jobs handed over, on
/// a thread of their own, for as long as the process lives. The caller
/// holds the catalog, so a socket file already there is a dead process's
/// and is replaced.
pub fn listen(archive: Arc<Archive>, index: Arc<SearchIndex>) -> Result<ControlSocket> {
    let path = archive.dir().join(SOCKET);
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).ctx("remove the stale socket", &path),
    }
    let listener = UnixListener::bind(&path).ctx("listen on", &path)?;
    let socket = ControlSocket { path };
    fs::set_permissions(&socket.path, fs::Permissions::from_mode(0o600))
        .ctx("restrict", &socket.path)?;
    std::thread::Builder::new()
        .name("arhiva-control".into())
        .spawn(move || {
            // Each connection on a thread of its own, so a client that says
            // nothing holds up no one; the jobs themselves run one at a time.
            let one_job = Arc::new(Mutex::new(()));
            let open = Arc::new(AtomicUsize::new(0));
            for conn in listener.incoming() {
                let stream = match conn {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "control connection failed");
                        continue;
                    }
                };
                if open.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                    open.fetch_sub(1, Ordering::AcqRel);
                    tracing::warn!("too many control connections; one refused");
                    continue;
                }
                let (archive, index, one_job, open) = (
                    archive.clone(),
                    index.clone(),
                    one_job.clone(),
                    open.clone(),
                );
                let spawned = std::thread::Builder::new()
                    .name("arhiva-control-conn".into())
                    .spawn(move || {
                        if let Err(e) = answer(stream, &archive, &index, &one_job) {
                            tracing::warn!(error = %e, "control request not answered");
                        }
                        open.fetch_sub(1, Ordering::AcqRel);
                    });
                if let Err(e) = spawned {
                    tracing::warn!(error = %e, "control connection not answered");
                }
            }
        })
        .ctx("start the control thread for", &socket.path)?;
    Ok(socket)
}

fn answer(
    stream: UnixStream,
    archive: &Archive,
    index: &SearchIndex,
    one_job: &Mutex<()>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut line = String::new();
    BufReader::new((&stream).take(MAX_REQUEST)).read_line(&mut line)?;
    let reply = match serde_json::from_str::<Request>(&line) {
        Ok(Request::Nightly(job)) => {
            let _turn = one_job.lock().unwrap_or_else(|p| p.into_inner());
            run(&job, archive, index)
        }
        Err(e) => Reply::Error(format!("not a control request: {e}")),
    };
    let mut out = serde_json::to_vec(&reply).map_err(std::io::Error::other)?;
    out.push(b'\n');
    (&stream).write_all(&out)
}

fn run(job: &NightlyJob, archive: &Archive, index: &SearchIndex) -> Reply {
    tracing::info!(inbox = %job.inbox.display(), "nightly run handed over");
    let opts = IngestOptions {
        ocr: job.ocr,
        ..IngestOptions::default()
    };
    let ran = catch_unwind(AssertUnwindSafe(|| {
        nightly::run(
            archive,
            Some(index),
            &job.inbox,
            &opts,
            job.allow_quarantine,
            &|_| {},
        )
    }));
    match ran {
        Ok(Ok(report)) => Reply::Report(Box::new(report)),
        Ok(Err(e)) => Reply::Error(e.to_string()),
        Err(_) => Reply::Error("the nightly run panicked; see the server's log".into()),
    }
}

/// Hand a nightly job to the process serving the archive in `data`.
/// `Ok(None)` when none listens there; otherwise waits for the run to end.
pub fn hand_over(data: &Path, job: &NightlyJob) -> Result<Option<NightlyReport>> {
    let path = data.join(SOCKET);
    let stream = match UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e).ctx("connect to", &path),
    };
    let mut request =
        serde_json::to_vec(&Request::Nightly(job.clone())).map_err(|e| IngestError::Remote {
            message: format!("request not encodable: {e}"),
        })?;
    request.push(b'\n');
    (&stream).write_all(&request).ctx("write to", &path)?;
    let mut line = String::new();
    BufReader::new(&stream)
        .read_line(&mut line)
        .ctx("read from", &path)?;
    if line.is_empty() {
        return Err(IngestError::Remote {
            message: "the server stopped before the run ended; run it again".into(),
        });
    }
    match serde_json::from_str::<Reply>(&line) {
        Ok(Reply::Report(report)) => Ok(Some(*report)),
        Ok(Reply::Error(message)) => Err(IngestError::Remote { message }),
        Err(e) => Err(IngestError::Remote {
            message: format!("unreadable answer: {e}"),
        }),
    }
}
