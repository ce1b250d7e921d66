//! Who is asking: roles, and the [`Viewer`] extractor that every protected
//! handler takes. A request is authenticated by its session cookie or, for
//! scripts, by HTTP Basic; either way the user's record is read again from
//! the catalog, so disabling an account or changing its role takes effect
//! on the next request.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ServerError, UserError};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::users;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "arhiva_session";
/// Name of the cookie carrying the login form's token (before a session).
pub const LOGIN_COOKIE: &str = "arhiva_login";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "arhiva_lang";

/// What a user may do. Ordered: each role can do what the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads; personal numeric codes are masked.
    Consultant,
    /// Reads everything, searches persons, works certificates.
    Arhivist,
    /// Also manages users and sees the audit log.
    Admin,
}

impl Role {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Consultant => "consultant",
            Role::Arhivist => "arhivist",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = UserError;
    fn from_str(s: &str) -> Result<Role, UserError> {
        match s {
            "consultant" => Ok(Role::Consultant),
            "arhivist" | "archivist" => Ok(Role::Arhivist),
            "admin" => Ok(Role::Admin),
            other => Err(UserError::InvalidRole(other.to_string())),
        }
    }
}

/// The client's address as the security middleware established it: the
/// TCP peer, or — only when the peer is a configured trusted proxy — the
/// address the proxy names in `Forwarded` or `X-Forwarded-For`.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// The client address of a request from `peer` with these headers. Proxy
/// headers count only when `peer` is in `trusted`; then the client is the
/// rightmost address in the chain that is not itself a trusted proxy
/// (`Forwarded` first, RFC 7239, else `X-Forwarded-For`). Anything that
/// does not parse as an address is ignored.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    };
    let forwarded: Vec<IpAddr> = values("forwarded")
        .iter()
        .filter_map(|elem| {
            elem.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(v))?
            })
        })
        .collect();
    let chain = if forwarded.is_empty() {
        values("x-forwarded-for")
            .iter()
            .filter_map(|v| parse_node(v))
            .collect()
    } else {
        forwarded
    };
    Some(
        chain
            .iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .or(chain.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// `192.0.2.1`, `"192.0.2.1:4711"`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Ok(ip) = v.parse() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse::<SocketAddr>().ok().map(|s| s.ip())
}

/// The request's language and client address; available without login.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// UI language.
    pub lang: Lang,
    /// Client address ([`ClientAddr`]).
    pub ip: String,
    /// The request's path and query (for the language switch and `next`).
    pub here: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ctx_of(parts))
    }
}

fn ctx_of(parts: &Parts) -> Ctx {
    let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
    let ip = match parts.extensions.get::<ClientAddr>() {
        Some(c) => c.0.clone(),
        None => parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    };
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    Ctx { lang, ip, here }
}

/// An authenticated request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// User name.
    pub user: String,
    /// Role, as the catalog has it now.
    pub role: Role,
    /// The session's CSRF token (`None` under HTTP Basic, which has no forms).
    pub csrf: Option<String>,
    /// UI language.
    pub lang: Lang,
    /// Client address.
    pub ip: String,
    /// The request's path and query.
    pub here: String,
}

impl Viewer {
    /// Refuse unless the role is at least `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ServerError::Forbidden {
                reason: String::new(),
            })
        }
    }

    /// Whether personal numeric codes must be masked for this viewer.
    pub fn masks_cnp(&self) -> bool {
        self.role == Role::Consultant
    }

    /// Refuse a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<()> {
        match &self.csrf {
            Some(expected) if crate::sessions::same(expected, token) => Ok(()),
            _ => Err(ServerError::Csrf),
        }
    }

    /// The CSRF token to put in forms.
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ServerError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let Ctx { lang, ip, here } = ctx_of(parts);
        let (user, csrf) = if let Some(id) = cookie(&parts.headers, SESSION_COOKIE) {
            match state.sessions.get(id) {
                Some(s) => (s.user, Some(s.csrf)),
                None => return Err(ServerError::Unauthorized),
            }
        } else if let Some(header) = basic_header(&parts.headers) {
            (basic_login(state, header, &ip).await?, None)
        } else {
            return Err(ServerError::Unauthorized);
        };
        let record = users::get(&state.archive, &user)?;
        let Some(record) = record.filter(|r| !r.disabled) else {
            state.sessions.remove_user(&user);
            return Err(ServerError::Unauthorized);
        };
        let viewer = Viewer {
            user,
            role: record.role,
            csrf,
            lang,
            ip,
            here,
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

async fn basic_login(state: &AppState, header: &str, ip: &str) -> Result<String> {
    if let Some(user) = state.basic.get(header) {
        return Ok(user);
    }
    let (user, password) = decode_basic(header).ok_or(ServerError::Unauthorized)?;
    if let Err(wait) = state.limiter.check(ip, &user) {
        return Err(ServerError::RateLimited { retry_after: wait });
    }
    if verify(state, &user, &password).await? {
        state.limiter.succeed(ip, &user);
        state.basic.put(header, &user);
        Ok(user)
    } else {
        state.limiter.fail(ip, &user);
        state.audit.record(&user, "login-failed", "api", ip);
        Err(ServerError::Unauthorized)
    }
}

/// Verify a password off the async threads (argon2 takes tens of ms). An
/// unknown or disabled user costs the same time as a wrong password.
///
/// Checks run on a bounded pool ([`crate::ServerConfig::hashing_permits`]
/// at once, [`crate::ServerConfig::hashing_queue`] waiting): a flood of
/// logins cannot take the cores searches need, and an attempt beyond the
/// queue is refused at once with a 429.
pub async fn verify(state: &AppState, user: &str, password: &str) -> Result<bool> {
    let record = users::get(&state.archive, user)?;
    let hash = match &record {
        Some(r) if !r.disabled => r.hash.clone(),
        _ => users::dummy_hash().to_string(),
    };
    let password = password.to_string();
    let load = Load::enter(&state.hashing_load);
    if load.0 > state.config.hashing_permits.max(1) + state.config.hashing_queue {
        return Err(ServerError::RateLimited { retry_after: 1 });
    }
    let _turn = state
        .hashing
        .acquire()
        .await
        .map_err(|e| ServerError::Task(e.to_string()))?;
    let ok = tokio::task::spawn_blocking(move || users::verify_password(&hash, &password))
        .await
        .map_err(|e| ServerError::Task(e.to_string()))?;
    drop(load);
    Ok(ok && record.is_some_and(|r| !r.disabled))
}

/// One password check running or waiting; counted while it lives.
struct Load<'a>(usize, &'a std::sync::atomic::AtomicUsize);

impl<'a> Load<'a> {
    fn enter(counter: &'a std::sync::atomic::AtomicUsize) -> Load<'a> {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::AcqRel) + 1;
        Load(n, counter)
    }
}

impl Drop for Load<'_> {
    fn drop(&mut self) {
        self.1.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A cookie's value.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn basic_header(headers: &HeaderMap) -> Option<&str> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("basic").then_some(rest.trim())
}

/// `user:password` from a Basic credential.
fn decode_basic(b64: &str) -> Option<(String, String)> {
    let bytes = base64_decode(b64)?;
    let text = String::from_utf8(bytes).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// Standard base64 with padding (what `curl -u` sends).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let s = s.trim_end_matches('=').as_bytes();
    if s.len() > 4096 || s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode() {
        // echo -n 'ana:parola secretă' | base64
        assert_eq!(
            decode_basic("YW5hOnBhcm9sYSBzZWNyZXTEgw=="),
            Some(("ana".into(), "parola secretă".into()))
        );
        assert_eq!(decode_basic("!!!"), None);
        assert_eq!(decode_basic("YQ"), None, "no colon");
    }

    #[test]
    fn proxy_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.7".parse().expect("h"),
        );
        let outsider: IpAddr = "198.51.100.1".parse().expect("ip");
        assert_eq!(client_ip(Some(outsider), &h, &[proxy]), Some(outsider));
        assert_eq!(
            client_ip(Some(proxy), &h, &[proxy]),
            Some("203.0.113.7".parse().expect("ip")),
            "the rightmost address the proxy saw, not what the client claims"
        );
        let mut f = HeaderMap::new();
        f.insert(
            "forwarded",
            r#"for="[2001:db8::7]:4711";proto=https"#.parse().expect("h"),
        );
        assert_eq!(
            client_ip(Some(proxy), &f, &[proxy]),
            Some("2001:db8::7".parse().expect("ip"))
        );
        assert_eq!(
            client_ip(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Admin > Role::Arhivist && Role::Arhivist > Role::Consultant);
        assert_eq!("arhivist".parse::<Role>(), Ok(Role::Arhivist));
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            "a=1; arhiva_session=xyz; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
