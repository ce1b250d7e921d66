//! [`AppState`]: what every handler shares — the archive, the index, and the
//! in-memory authentication state.

use std::ops::Deref;
use std::sync::Arc;

use arhiva_index::SearchIndex;
use arhiva_store::Archive;

use crate::audit::AuditLog;
use crate::sessions::{BasicCache, RateLimiter, Sessions};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (set when serving behind TLS).
    pub secure_cookies: bool,
    /// The longest search query accepted, in characters.
    pub max_query_chars: usize,
    /// The institution's header on certificates and letters.
    pub letterhead: crate::certificates::Letterhead,
    /// How retention terms are counted (the transfer age comes from
    /// `arhiva.toml`).
    pub retention: arhiva_retention::Rules,
    /// Searches a user may make per second, on average.
    pub search_rate: f64,
    /// Searches a user may make at once before the rate applies.
    pub search_burst: f64,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers name the
    /// client; from any other peer those headers are ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How long a connection may take to send a request's headers, and may
    /// stay idle between requests.
    pub header_timeout: std::time::Duration,
    /// Password checks (argon2) running at once.
    pub hashing_permits: usize,
    /// Password checks waiting for a turn; more are refused at once (429).
    pub hashing_queue: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            max_query_chars: 500,
            letterhead: crate::certificates::Letterhead::default(),
            retention: arhiva_retention::Rules::default(),
            search_rate: 10.0,
            search_burst: 30.0,
            trusted_proxies: Vec::new(),
            header_timeout: std::time::Duration::from_secs(10),
            hashing_permits: (std::thread::available_parallelism().map_or(2, |n| n.get()) / 2)
                .max(1),
            hashing_queue: 16,
        }
    }
}

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The fields of [`AppState`].
pub struct Inner {
    /// The archive (content store, journal, catalog).
    pub archive: Arc<Archive>,
    /// The search index.
    pub index: Arc<SearchIndex>,
    /// Logged-in sessions.
    pub sessions: Sessions,
    /// Failed-login counters.
    pub limiter: RateLimiter,
    /// Recently verified HTTP Basic credentials.
    pub basic: BasicCache,
    /// The audit writer.
    pub audit: AuditLog,
    /// Derived page images.
    pub images: crate::backend::Images,
    /// Settings.
    pub config: ServerConfig,
    /// Searches allowed to run at once (one per core), waiting in order.
    pub searches: tokio::sync::Semaphore,
    /// Background work and its progress.
    pub jobs: crate::jobs::Jobs,
    /// Searches per user (token buckets).
    pub search_limiter: crate::sessions::SearchLimiter,
    /// Password checks allowed to run at once; see [`ServerConfig::hashing_permits`].
    pub hashing: tokio::sync::Semaphore,
    /// Password checks running or waiting now.
    pub hashing_load: std::sync::atomic::AtomicUsize,
    /// Objects found corrupt while served (hex ids): not served again.
    pub corrupt: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("archive", &self.0.archive.dir())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an opened archive and index.
    pub fn new(archive: Arc<Archive>, index: Arc<SearchIndex>, config: ServerConfig) -> AppState {
        let audit = AuditLog::start(archive.clone());
        let search_limiter =
            crate::sessions::SearchLimiter::new(config.search_rate, config.search_burst);
        let hashing = tokio::sync::Semaphore::new(config.hashing_permits.max(1));
        AppState(Arc::new(Inner {
            archive,
            index,
            sessions: Sessions::default(),
            limiter: RateLimiter::default(),
            basic: BasicCache::default(),
            audit,
            images: crate::backend::Images::default(),
            config,
            searches: tokio::sync::Semaphore::new(
                3 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            jobs: crate::jobs::Jobs::default(),
            search_limiter,
            hashing,
            hashing_load: std::sync::atomic::AtomicUsize::new(0),
            corrupt: std::sync::Mutex::new(std::collections::BTreeSet::new()),
        }))
    }

    /// A `Set-Cookie` value with this server's attributes.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<u64>) -> String {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        if self.0.config.secure_cookies {
            c.push_str("; Secure");
        }
        c
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
