//! User accounts, kept as journaled records (kind `user`, key = name) so
//! they survive like everything else and can be rebuilt with the catalog.
//! Passwords are stored only as argon2id PHC strings.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use arhiva_store::{Archive, Event};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::{Result, ServerError, UserError};

/// Record kind of user accounts in the catalog.
pub const KIND: &str = "user";
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// A user account as journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// What the user may do.
    pub role: Role,
    /// argon2id PHC string.
    pub hash: String,
    /// RFC 3339 creation time.
    pub created: String,
    /// A disabled account cannot log in; its sessions end.
    #[serde(default)]
    pub disabled: bool,
    /// Full name, printed under "Întocmit" on the documents the user
    /// issues (records from before it was asked for have none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    /// Function ("funcția"), e.g. "inspector", "arhivist".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub function: String,
}

/// Who a user is on paper: full name and function ("funcția").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// Full name, e.g. "Maria Ionescu".
    pub full_name: String,
    /// Function, e.g. "inspector".
    pub function: String,
}

/// The longest full name or function accepted.
pub const MAX_IDENTITY: usize = 100;

impl Identity {
    /// Trimmed, with inner runs of spaces collapsed; too long or control
    /// characters are refused.
    pub fn new(full_name: &str, function: &str) -> Result<Identity, UserError> {
        let clean = |what: &'static str, s: &str| {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.chars().count() > MAX_IDENTITY || s.chars().any(char::is_control) {
                Err(UserError::InvalidIdentity {
                    what,
                    max: MAX_IDENTITY,
                })
            } else {
                Ok(s)
            }
        };
        Ok(Identity {
            full_name: clean("full name", full_name)?,
            function: clean("function", function)?,
        })
    }
}

/// Check a user name: 2-32 of `a-z 0-9 . _ -`, starting with a letter.
pub fn validate_name(name: &str) -> Result<(), UserError> {
    let ok = (2..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(UserError::InvalidName(name.to_string()))
    }
}

/// Hash a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (a malformed hash
/// never matches).
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A PHC string that matches no password, verified against when the user
/// does not exist so that unknown and known users take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default())
}

/// One user's record.
pub fn get(archive: &Archive, name: &str) -> Result<Option<UserRecord>> {
    match archive.catalog().record(KIND, name)? {
        None => Ok(None),
        Some(v) => Ok(serde_json::from_value(v).ok()),
    }
}

/// All users, by name.
pub fn list(archive: &Archive) -> Result<Vec<(String, UserRecord)>> {
    Ok(archive
        .catalog()
        .records(KIND)?
        .into_iter()
        .filter_map(|(k, v)| serde_json::from_value(v).ok().map(|u| (k, u)))
        .collect())
}

/// Create a user (journaled). Fails if the name is taken.
pub fn add(archive: &Archive, name: &str, role: Role, password: &str) -> Result<UserRecord> {
    add_with(archive, name, role, password, &Identity::default())
}

/// Create a user with a full name and function (journaled).
pub fn add_with(
    archive: &Archive,
    name: &str,
    role: Role,
    password: &str,
    identity: &Identity,
) -> Result<UserRecord> {
    validate_name(name)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(UserError::WeakPassword { min: MIN_PASSWORD }.into());
    }
    if get(archive, name)?.is_some() {
        return Err(UserError::Exists(name.to_string()).into());
    }
    let record = UserRecord {
        role,
        hash: hash_password(password)?,
        created: crate::audit::now_rfc3339(),
        disabled: false,
        full_name: identity.full_name.clone(),
        function: identity.function.clone(),
    };
    put(archive, name, &record)?;
    Ok(record)
}

/// Set a new password for an existing user (journaled).
pub fn set_password(archive: &Archive, name: &str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(UserError::WeakPassword { min: MIN_PASSWORD }.into());
    }
    let mut record = get(archive, name)?.ok_or_else(|| UserError::Unknown(name.to_string()))?;
    record.hash = hash_password(password)?;
    put(archive, name, &record)
}

/// Set a user's full name and function (journaled).
pub fn set_identity(archive: &Archive, name: &str, identity: &Identity) -> Result<()> {
    let mut record = get(archive, name)?.ok_or_else(|| UserError::Unknown(name.to_string()))?;
    record.full_name = identity.full_name.clone();
    record.function = identity.function.clone();
    put(archive, name, &record)
}

/// Disable or enable a user (journaled).
pub fn set_disabled(archive: &Archive, name: &str, disabled: bool) -> Result<()> {
    let mut record = get(archive, name)?.ok_or_else(|| UserError::Unknown(name.to_string()))?;
    record.disabled = disabled;
    put(archive, name, &record)
}

fn put(archive: &Archive, name: &str, record: &UserRecord) -> Result<()> {
    let value = serde_json::to_value(record).map_err(|e| ServerError::Task(e.to_string()))?;
    archive.commit(vec![Event::Put {
        kind: KIND.into(),
        key: name.into(),
        value,
    }])?;
    Ok(())
}

/// A random password of `len` characters from an alphabet without look-alikes.
pub fn random_password(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(validate_name("maria.pop").is_ok());
        assert!(validate_name("a").is_err());
        assert!(validate_name("1abc").is_err());
        assert!(validate_name("Maria").is_err());
        assert!(validate_name("../etc").is_err());
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("corect-cal-baterie").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "corect-cal-baterie"));
        assert!(!verify_password(&h, "gresit"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(dummy_hash(), ""));
    }

    #[test]
    fn users_are_journaled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = Archive::open(dir.path()).expect("open");
        add(&archive, "ana", Role::Arhivist, "parola-lunga-1").expect("add");
        assert!(matches!(
            add(&archive, "ana", Role::Admin, "parola-lunga-2"),
            Err(ServerError::User(UserError::Exists(_)))
        ));
        assert!(matches!(
            add(&archive, "bob", Role::Admin, "scurta"),
            Err(ServerError::User(UserError::WeakPassword { .. }))
        ));
        set_disabled(&archive, "ana", true).expect("disable");
        drop(archive);
        let archive = Archive::open(dir.path()).expect("reopen");
        let ana = get(&archive, "ana").expect("get").expect("exists");
        assert!(ana.disabled);
        assert_eq!(ana.role, Role::Arhivist);
        assert_eq!(ana.full_name, "");
        assert_eq!(list(&archive).expect("list").len(), 1);
        let id = Identity::new("  Ana   Pop ", "arhivist").expect("identity");
        set_identity(&archive, "ana", &id).expect("identity");
        drop(archive);
        let archive = Archive::open(dir.path()).expect("reopen");
        let ana = get(&archive, "ana").expect("get").expect("exists");
        assert_eq!(
            (ana.full_name.as_str(), ana.function.as_str()),
            ("Ana Pop", "arhivist")
        );
    }

    #[test]
    fn records_journaled_before_names_were_kept_still_read() {
        let old = serde_json::json!({
            "role": "arhivist",
            "hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            "created": "2026-01-05T08:00:00Z",
        });
        let u: UserRecord = serde_json::from_value(old).expect("old record");
        assert_eq!(u.role, Role::Arhivist);
        assert!(!u.disabled);
        assert_eq!((u.full_name.as_str(), u.function.as_str()), ("", ""));
        let json = serde_json::to_value(&u).expect("encode");
        assert!(json.get("full_name").is_none(), "{json}");
    }

    #[test]
    fn identities_are_cleaned_and_bounded() {
        let id = Identity::new(" Maria\tIonescu ", " inspector ").expect("identity");
        assert_eq!(id.full_name, "Maria Ionescu");
        assert_eq!(id.function, "inspector");
        assert!(Identity::new(&"a".repeat(101), "").is_err());
    }
}
