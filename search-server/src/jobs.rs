//! Work the server runs in the background for a page that waits on it:
//! today, OCR of the pages a certificate request cannot tell about. One
//! job per request at a time; its progress is kept in memory for the
//! workspace to show (the pages it reads are journaled as they are read,
//! so a restart loses only the progress line, never a page).

use std::collections::HashMap;
use std::sync::Mutex;

/// Where an OCR job stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcrJob {
    /// Pages done (read, skipped or failed).
    pub done: usize,
    /// Pages asked for.
    pub total: usize,
    /// Pages that got text.
    pub read: usize,
    /// Pages that could not be read, with the reason.
    pub failed: Vec<String>,
    /// Finished.
    pub finished: bool,
    /// The run stopped on an error of the store or the index.
    pub error: Option<String>,
}

/// The jobs, by request number (`N/YYYY`).
#[derive(Debug, Default)]
pub struct Jobs {
    ocr: Mutex<HashMap<String, OcrJob>>,
}

impl Jobs {
    /// The job of a request, if one ran since the server started.
    pub fn ocr(&self, request: &str) -> Option<OcrJob> {
        self.lock().get(request).cloned()
    }

    /// Start tracking a job; `false` when one is already running.
    pub fn start_ocr(&self, request: &str, total: usize) -> bool {
        let mut jobs = self.lock();
        if jobs.get(request).is_some_and(|j| !j.finished) {
            return false;
        }
        jobs.insert(
            request.to_string(),
            OcrJob {
                total,
                ..OcrJob::default()
            },
        );
        true
    }

    /// Change a job.
    pub fn update(&self, request: &str, f: impl FnOnce(&mut OcrJob)) {
        if let Some(j) = self.lock().get_mut(request) {
            f(j);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, OcrJob>> {
        self.ocr.lock().unwrap_or_else(|p| p.into_inner())
    }
}
