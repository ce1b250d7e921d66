//! Containment for the parsers that read untrusted files.
//!
//! A decoder that panics, loops or balloons memory on one file must not take
//! the batch down. Two layers:
//!
//! - **In process** ([`guarded`]): the work runs on its own thread under
//!   `catch_unwind`; the caller waits up to a deadline and then gives up on
//!   it (the file is quarantined as `timeout`; the stray thread is left to
//!   finish or die with the process). Image decoding also runs with
//!   `image::Limits` so a header claiming a gigapixel fails fast.
//! - **Child process** ([`pdf`]), when the binary has registered itself with
//!   [`use_helper`]: PDF text extraction (pdf-extract, lopdf: the parsers
//!   most likely to loop or explode on a hostile PDF) runs in
//!   `arhiva __extract pdf FILE`, a re-execution of the binary that limits
//!   its own address space ([`MEMORY_LIMIT`]) and is killed at the deadline.
//!   Its answer comes back as JSON on stdout. Without a helper (library
//!   tests, the web server's demo) PDFs go through [`guarded`].

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::pdf::{self, PdfInfo, PdfProblem};

/// Address-space limit of an extraction child.
pub const MEMORY_LIMIT: u64 = 2 << 30;
/// How long one PDF may take.
pub const PDF_DEADLINE: Duration = Duration::from_secs(120);
/// The hidden subcommand that runs an extraction child.
pub const CHILD_ARG: &str = "__extract";

static HELPER: OnceLock<PathBuf> = OnceLock::new();

/// Run risky parsers in child processes re-executing `exe` (normally
/// `std::env::current_exe()`), whose `main` calls [`maybe_child`] first.
pub fn use_helper(exe: PathBuf) {
    let _ = HELPER.set(exe);
}

/// Why guarded work gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contained {
    /// It panicked (the message).
    Panic(String),
    /// It ran past its deadline.
    Timeout(Duration),
    /// The child process died (signal, memory limit) or spoke nonsense.
    Crashed(String),
}

impl Contained {
    /// Quarantine code and reason.
    pub fn quarantine(&self, what: &str) -> (&'static str, String) {
        match self {
            Contained::Panic(m) => ("decoder-panic", format!("the {what} decoder crashed: {m}")),
            Contained::Timeout(d) => (
                "timeout",
                format!("the {what} decoder did not finish in {} s", d.as_secs()),
            ),
            Contained::Crashed(m) => (
                "decoder-crash",
                format!("the {what} reader died (out of memory or crashed): {m}"),
            ),
        }
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Run `f` on its own thread, catching panics, waiting at most `deadline`.
pub fn guarded<T: Send + 'static>(
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Contained> {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("arhiva-decode".into())
        .spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(f)).map_err(panic_message);
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(Contained::Crashed(format!("cannot start a thread: {e}")));
    }
    match rx.recv_timeout(deadline) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(m)) => Err(Contained::Panic(m)),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Contained::Timeout(deadline)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(Contained::Panic("decoder thread vanished".into()))
        }
    }
}

/// The answer of an extraction child.
#[derive(serde::Serialize, serde::Deserialize)]
enum ChildAnswer {
    Ok(PdfInfo),
    Err(PdfProblem),
}

/// Analyze a PDF file with the best containment available.
pub fn pdf(path: &Path, bytes: &[u8]) -> Result<Result<PdfInfo, PdfProblem>, Contained> {
    match HELPER.get() {
        Some(exe) => pdf_in_child(exe, path),
        None => {
            let owned = bytes.to_vec();
            guarded(PDF_DEADLINE, move || pdf::analyze(&owned))
        }
    }
}

fn pdf_in_child(exe: &Path, path: &Path) -> Result<Result<PdfInfo, PdfProblem>, Contained> {
    let mut cmd = Command::new(exe);
    cmd.arg(CHILD_ARG)
        .arg("pdf")
        .arg(path)
        .env("RUST_LOG", "off");
    let (status, out) = run_with_deadline(cmd, None, PDF_DEADLINE).map_err(|f| match f {
        ChildFailure::Start(e) => {
            Contained::Crashed(format!("cannot start {}: {e}", exe.display()))
        }
        ChildFailure::Timeout => Contained::Timeout(PDF_DEADLINE),
        ChildFailure::Wait(e) => Contained::Crashed(e),
    })?;
    match serde_json::from_slice::<ChildAnswer>(&out) {
        Ok(ChildAnswer::Ok(info)) => Ok(Ok(info)),
        Ok(ChildAnswer::Err(p)) => Ok(Err(p)),
        Err(_) => Err(Contained::Crashed(format!(
            "extractor exited with {status}"
        ))),
    }
}

/// Why an external program gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChildFailure {
    /// It could not be started (the OS error).
    Start(String),
    /// It ran past its deadline and was killed.
    Timeout,
    /// Waiting for it failed (the OS error).
    Wait(String),
}

/// Run an external program (the extraction child, tesseract, pdftoppm)
/// with `input` on its stdin, collecting its stdout; kill it at `deadline`.
/// Its stderr is discarded.
pub(crate) fn run_with_deadline(
    cmd: Command,
    input: Option<Vec<u8>>,
    deadline: Duration,
) -> Result<(ExitStatus, Vec<u8>), ChildFailure> {
    run_with_deadline_full(cmd, input, deadline).map(|(status, out, _)| (status, out))
}

/// [`run_with_deadline`], keeping stderr too (its warnings tell a damaged
/// file from a sound one).
pub(crate) fn run_with_deadline_full(
    mut cmd: Command,
    input: Option<Vec<u8>>,
    deadline: Duration,
) -> Result<(ExitStatus, Vec<u8>, Vec<u8>), ChildFailure> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| ChildFailure::Start(e.to_string()))?;
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ChildFailure::Start("no stdout".into()));
    };
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        // Keep at most 64 KiB of diagnostics; drain the rest.
        let _ = (&mut stderr).take(64 << 10).read_to_end(&mut buf);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        buf
    });
    let start = Instant::now();
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Ok(s),
            Ok(None) if start.elapsed() > deadline => break Err(ChildFailure::Timeout),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(ChildFailure::Wait(e.to_string())),
        }
    };
    if outcome.is_err() {
        let _ = child.kill();
        let _ = child.wait();
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    outcome.map(|status| (status, out, err))
}

/// Call first thing in `main`: when the process was started as an
/// extraction child, do the job and return the exit code.
pub fn maybe_child() -> Option<std::process::ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != CHILD_ARG {
        return None;
    }
    limit_memory(MEMORY_LIMIT);
    let kind = args.next();
    let path = args.next().map(PathBuf::from);
    let (Some(kind), Some(path)) = (kind, path) else {
        return Some(std::process::ExitCode::from(2));
    };
    if kind != "pdf" {
        return Some(std::process::ExitCode::from(2));
    }
    let answer = match std::fs::read(&path) {
        Ok(bytes) => match catch_unwind(|| pdf::analyze(&bytes)) {
            Ok(Ok(info)) => ChildAnswer::Ok(info),
            Ok(Err(p)) => ChildAnswer::Err(p),
            Err(p) => ChildAnswer::Err(("decoder-panic".into(), panic_message(p))),
        },
        Err(e) => ChildAnswer::Err(("unreadable-file".into(), e.to_string())),
    };
    let ok = serde_json::to_writer(std::io::stdout().lock(), &answer).is_ok();
    Some(if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

/// Limit this process's address space (Linux `RLIMIT_AS`), so a decoder
/// that balloons fails an allocation instead of taking the machine.
#[allow(unsafe_code)]
fn limit_memory(bytes: u64) {
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads a valid, initialized struct; it only affects
    // this process (the extraction child).
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_catches_panics_and_deadlines() {
        assert_eq!(guarded(Duration::from_secs(5), || 7), Ok(7));
        let p = guarded(Duration::from_secs(5), || -> u8 { panic!("boom") });
        assert_eq!(p, Err(Contained::Panic("boom".into())));
        let t = guarded(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(300));
        });
        assert!(matches!(t, Err(Contained::Timeout(_))));
    }
}
