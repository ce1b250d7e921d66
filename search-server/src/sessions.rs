//! In-memory state of the authentication layer: sessions (lost when the
//! server stops, which only means logging in again), the login rate
//! limiter, and a short cache of verified HTTP Basic credentials so that
//! `curl` scripts do not pay for argon2 on every request.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// A session ends this long after login, however active.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// Failed logins allowed per address and user name within [`WINDOW`]
/// before the delays begin.
pub const MAX_FAILURES_PER_USER: usize = 5;
/// Failed logins allowed per address (any user name) within [`WINDOW`].
pub const MAX_FAILURES_PER_IP: usize = 20;
/// Failed logins allowed per account from addresses it never logged in
/// from, whatever the address, within [`WINDOW`].
pub const MAX_FAILURES_PER_ACCOUNT: usize = 10;
/// The rate limiter's window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The first delay once a budget is spent; each further failure doubles it,
/// up to [`WINDOW`].
pub const FIRST_DELAY: Duration = Duration::from_secs(30);
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

/// Failed logins, counted three ways: per address and user name, per
/// address, and per account across addresses. Each has a budget within
/// [`WINDOW`]; once it is spent, every further attempt waits a delay that
/// doubles with each failure ([`FIRST_DELAY`], 60 s, 120 s, … up to the
/// window). An address from which the account has logged in before (in
/// this process) is *known*: it is not held to the account's budget, so a
/// flood of guesses against an account from elsewhere does not lock its
/// owner out of the office computer.
#[derive(Debug, Default)]
pub struct RateLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    known: Mutex<HashMap<String, HashSet<String>>>,
}

impl RateLimiter {
    fn pair(ip: &str, user: &str) -> String {
        format!("{ip}\0{}", user.to_lowercase())
    }
    fn address(ip: &str) -> String {
        format!("{ip}\0")
    }
    fn account(user: &str) -> String {
        format!("\0{}", user.to_lowercase())
    }

    /// Whether `user` has logged in from `ip` before.
    pub fn is_known(&self, ip: &str, user: &str) -> bool {
        lock(&self.known)
            .get(&user.to_lowercase())
            .is_some_and(|ips| ips.contains(ip))
    }

    fn budgets(&self, ip: &str, user: &str) -> Vec<(String, usize)> {
        let mut v = vec![
            (Self::pair(ip, user), MAX_FAILURES_PER_USER),
            (Self::address(ip), MAX_FAILURES_PER_IP),
        ];
        if !self.is_known(ip, user) {
            v.push((Self::account(user), MAX_FAILURES_PER_ACCOUNT));
        }
        v
    }

    /// `Err(seconds to wait)` when this address may not try this user now.
    pub fn check(&self, ip: &str, user: &str) -> Result<(), u64> {
        let now = Instant::now();
        let budgets = self.budgets(ip, user);
        let mut map = lock(&self.failures);
        let mut wait = Duration::ZERO;
        for (key, free) in budgets {
            let Some(q) = map.get_mut(&key) else { continue };
            while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                q.pop_front();
            }
            if q.len() < free {
                continue;
            }
            let doublings = (q.len() - free).min(16) as u32;
            let delay = FIRST_DELAY.saturating_mul(1 << doublings).min(WINDOW);
            let last = q.back().copied().unwrap_or(now);
            wait = wait.max(delay.saturating_sub(now.duration_since(last)));
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err((wait.as_secs_f64().ceil() as u64).max(1))
        }
    }

    /// Count a failed login.
    pub fn fail(&self, ip: &str, user: &str) {
        let now = Instant::now();
        let budgets = self.budgets(ip, user);
        let mut map = lock(&self.failures);
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, _) in budgets {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Forget the failures of this address for this user (after a success),
    /// and remember the address as known for the account.
    pub fn succeed(&self, ip: &str, user: &str) {
        lock(&self.failures).remove(&Self::pair(ip, user));
        let mut known = lock(&self.known);
        if known.len() > 100_000 {
            known.clear();
        }
        let ips = known.entry(user.to_lowercase()).or_default();
        if ips.len() < 64 {
            ips.insert(ip.to_string());
        }
    }
}

/// Searches per user: a token bucket each, `rate` tokens a second up to
/// `burst`. A search takes one token; without one it is refused with the
/// seconds until the next.
#[derive(Debug)]
pub struct SearchLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl SearchLimiter {
    /// A limiter allowing `rate` searches a second, `burst` at once.
    pub fn new(rate: f64, burst: f64) -> SearchLimiter {
        SearchLimiter {
            rate: if rate.is_finite() && rate > 0.0 {
                rate
            } else {
                10.0
            },
            burst: if burst.is_finite() && burst >= 1.0 {
                burst
            } else {
                1.0
            },
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take a token for `user`, or `Err(seconds to wait)`.
    pub fn take(&self, user: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = lock(&self.buckets);
        if map.len() > 10_000 {
            let full = self.burst / self.rate;
            map.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < full);
        }
        let (tokens, at) = map.entry(user.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
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
        assert_eq!(r.check("1.2.3.4", "ANA"), Err(30));
        assert!(r.check("1.2.3.4", "bob").is_ok());
        assert!(r.check("5.6.7.8", "ana").is_ok());
    }

    #[test]
    fn a_flood_from_many_addresses_spares_the_owner_at_a_known_address() {
        let r = RateLimiter::default();
        r.succeed("10.0.0.1", "ana");
        for i in 0..MAX_FAILURES_PER_ACCOUNT {
            let ip = format!("192.0.2.{i}");
            assert!(r.check(&ip, "ana").is_ok());
            r.fail(&ip, "ana");
        }
        assert!(
            r.check("192.0.2.200", "ana").is_err(),
            "the account's budget is spent"
        );
        assert!(
            r.check("10.0.0.1", "ana").is_ok(),
            "the owner's address is known"
        );
        assert!(
            r.check("192.0.2.200", "bob").is_ok(),
            "other accounts are not touched"
        );
    }

    #[test]
    fn searches_are_limited_per_user_by_a_token_bucket() {
        let l = SearchLimiter::new(1.0, 3.0);
        for _ in 0..3 {
            assert!(l.take("ana").is_ok());
        }
        assert_eq!(l.take("ana"), Err(1), "the burst is spent");
        assert!(l.take("bob").is_ok(), "each user has a bucket of their own");
    }

    #[test]
    fn constant_time_compare() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
