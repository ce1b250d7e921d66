//! In-memory state of the authentication layer: sessions (lost when the
//! server stops, which only means logging in again), the login rate
//! limiter, and a short cache of verified HTTP Basic credentials so that
//! `curl` scripts do not pay for argon2 on every request.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// A session ends this long after login, however active.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// Failed logins allowed per address and user name within [`WINDOW`].
pub const MAX_FAILURES_PER_USER: usize = 5;
/// Failed logins allowed per address (any user name) within [`WINDOW`].
pub const MAX_FAILURES_PER_IP: usize = 20;
/// The rate limiter's window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a verified Basic credential is trusted without argon2.
const BASIC_TTL: Duration = Duration::from_secs(5 * 60);

/// A random token: 32 bytes, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compare two strings in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user name.
    pub user: String,
    /// The session's CSRF token, required on every form.
    pub csrf: String,
    created: Instant,
    last_seen: Instant,
}

/// The sessions of this server process, by cookie token.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Start a session for `user`; returns the cookie token.
    pub fn create(&self, user: &str) -> String {
        let now = Instant::now();
        let id = token();
        let session = Session {
            user: user.to_string(),
            csrf: token(),
            created: now,
            last_seen: now,
        };
        let mut map = lock(&self.map);
        map.retain(|_, s| alive(s, now));
        map.insert(id.clone(), session);
        id
    }

    /// The live session for a cookie token, touched.
    pub fn get(&self, id: &str) -> Option<Session> {
        let now = Instant::now();
        let mut map = lock(&self.map);
        match map.get_mut(id) {
            Some(s) if alive(s, now) => {
                s.last_seen = now;
                Some(s.clone())
            }
            Some(_) => {
                map.remove(id);
                None
            }
            None => None,
        }
    }

    /// End one session.
    pub fn remove(&self, id: &str) {
        lock(&self.map).remove(id);
    }

    /// End every session of a user (disabled account).
    pub fn remove_user(&self, user: &str) {
        lock(&self.map).retain(|_, s| s.user != user);
    }
}

fn alive(s: &Session, now: Instant) -> bool {
    now.duration_since(s.last_seen) < IDLE && now.duration_since(s.created) < ABSOLUTE
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding one of these maps cannot leave it inconsistent
    // in a way that matters (worst case: a session too many): carry on.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Failed logins by (address, user) and by address.
#[derive(Debug, Default)]
pub struct RateLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    fn keys(ip: &str, user: &str) -> [String; 2] {
        [format!("{ip}\0{}", user.to_lowercase()), format!("{ip}\0")]
    }

    /// `Err(seconds to wait)` when this address may not try this user now.
    pub fn check(&self, ip: &str, user: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = lock(&self.failures);
        let [per_user, per_ip] = Self::keys(ip, user);
        for (key, max) in [
            (per_user, MAX_FAILURES_PER_USER),
            (per_ip, MAX_FAILURES_PER_IP),
        ] {
            if let Some(q) = map.get_mut(&key) {
                while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    q.pop_front();
                }
                if q.len() >= max {
                    let oldest = q.front().copied().unwrap_or(now);
                    let wait = WINDOW.saturating_sub(now.duration_since(oldest));
                    return Err(wait.as_secs().max(1));
                }
            }
        }
        Ok(())
    }

    /// Count a failed login.
    pub fn fail(&self, ip: &str, user: &str) {
        let now = Instant::now();
        let mut map = lock(&self.failures);
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in Self::keys(ip, user) {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Forget the failures of this address for this user (after a success).
    pub fn succeed(&self, ip: &str, user: &str) {
        let [per_user, _] = Self::keys(ip, user);
        lock(&self.failures).remove(&per_user);
    }
}

/// Verified `Authorization: Basic` values (hashed), with their user.
#[derive(Debug, Default)]
pub struct BasicCache {
    map: Mutex<HashMap<[u8; 32], (String, Instant)>>,
}

impl BasicCache {
    fn key(header: &str) -> [u8; 32] {
        Sha256::digest(header.as_bytes()).into()
    }

    /// The user this header was verified for, if recently.
    pub fn get(&self, header: &str) -> Option<String> {
        let mut map = lock(&self.map);
        let key = Self::key(header);
        match map.get(&key) {
            Some((user, at)) if at.elapsed() < BASIC_TTL => Some(user.clone()),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remember a verified header.
    pub fn put(&self, header: &str, user: &str) {
        let mut map = lock(&self.map);
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() < BASIC_TTL);
        }
        map.insert(Self::key(header), (user.to_string(), Instant::now()));
    }

    /// Forget every cached credential of a user.
    pub fn remove_user(&self, user: &str) {
        lock(&self.map).retain(|_, (u, _)| u != user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_live_and_end() {
        let s = Sessions::default();
        let id = s.create("ana");
        let got = s.get(&id).expect("live");
        assert_eq!(got.user, "ana");
        assert_eq!(got.csrf.len(), 64);
        assert!(s.get("nope").is_none());
        s.remove_user("ana");
        assert!(s.get(&id).is_none());
    }

    #[test]
    fn limiter_blocks_after_five_failures_per_user() {
        let r = RateLimiter::default();
        for _ in 0..MAX_FAILURES_PER_USER {
            assert!(r.check("1.2.3.4", "ana").is_ok());
            r.fail("1.2.3.4", "ana");
        }
        assert!(r.check("1.2.3.4", "ANA").is_err());
        assert!(r.check("1.2.3.4", "bob").is_ok());
        assert!(r.check("5.6.7.8", "ana").is_ok());
    }

    #[test]
    fn constant_time_compare() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
