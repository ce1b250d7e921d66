//! Errors of the server. Handlers return [`ServerError`] with `?`; it turns
//! into a bare status plus an [`ErrorInfo`] extension, and the
//! `friendly_errors` middleware (see [`crate::security`]) renders that as a
//! page in the reader's language, or as JSON under `/api/`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No such dossier, page, user or route.
    #[error("not found: {what}")]
    NotFound {
        /// What was asked for, for the reader.
        what: String,
    },
    /// The request cannot be understood (bad parameter, query too long, …).
    #[error("bad request: {message}")]
    BadRequest {
        /// What is wrong, for the reader.
        message: String,
    },
    /// The search query does not parse (a 400): what to fix, in English
    /// (the API) and in Romanian (the pages).
    #[error("bad query: {message}")]
    BadQuery {
        /// In English.
        message: String,
        /// In Romanian.
        ro: String,
    },
    /// Not logged in (HTML: go to the login page; API: 401).
    #[error("authentication required")]
    Unauthorized,
    /// Logged in, but the role does not allow it.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// Why, for the reader.
        reason: String,
    },
    /// A form came without the session's CSRF token.
    #[error("missing or wrong form token")]
    Csrf,
    /// Too many failed logins from this address for this user.
    #[error("too many failed logins; retry in {retry_after} s")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after: u64,
    },
    /// Too many searches by this user in a short time.
    #[error("too many searches; retry in {retry_after} s")]
    TooManySearches {
        /// Seconds until the next search is allowed.
        retry_after: u64,
    },
    /// The request body is larger than the server accepts.
    #[error("request body too large")]
    TooLarge,
    /// A stored object does not hash to its id: it is not served.
    #[error("object {object} is corrupt")]
    Corrupt {
        /// The object's id (hex).
        object: String,
    },
    /// The archive failed.
    #[error("archive: {0}")]
    Store(#[from] arhiva_store::StoreError),
    /// The search index failed (a malformed query is a [`ServerError::BadRequest`]).
    #[error("index: {0}")]
    Index(arhiva_index::IndexError),
    /// Page images could not be prepared.
    #[error("derivatives: {0}")]
    Derivatives(String),
    /// A user record is invalid or conflicts with another.
    #[error("{0}")]
    User(#[from] UserError),
    /// A file of ours could not be read.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A blocking task died.
    #[error("background task failed: {0}")]
    Task(String),
    /// Retention records or documents failed (a refused action is a
    /// [`ServerError::BadRequest`]).
    #[error("retention: {0}")]
    Retention(arhiva_retention::RetentionError),
}

/// Problems with a user account request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    /// Names are 2-32 characters of `a-z 0-9 . _ -`, starting with a letter.
    #[error("invalid user name {0:?}: use 2-32 letters, digits, '.', '_' or '-', starting with a letter")]
    InvalidName(String),
    /// Not one of consultant, arhivist, admin.
    #[error("unknown role {0:?}: use consultant, arhivist or admin")]
    InvalidRole(String),
    /// Passwords need at least 10 characters.
    #[error("password too short: at least {min} characters")]
    WeakPassword {
        /// The minimum length.
        min: usize,
    },
    /// The user exists already.
    #[error("user {0:?} exists already")]
    Exists(String),
    /// No such user.
    #[error("no user {0:?}")]
    Unknown(String),
    /// Hashing failed (should not happen with sane parameters).
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// A full name or function too long or with control characters.
    #[error("invalid {what}: at most {max} characters, on one line")]
    InvalidIdentity {
        /// "full name" or "function".
        what: &'static str,
        /// The longest accepted.
        max: usize,
    },
}

impl From<arhiva_index::IndexError> for ServerError {
    fn from(e: arhiva_index::IndexError) -> Self {
        match e {
            arhiva_index::IndexError::BadQuery { message, ro } => {
                ServerError::BadQuery { message, ro }
            }
            other => ServerError::Index(other),
        }
    }
}

impl From<arhiva_retention::RetentionError> for ServerError {
    fn from(e: arhiva_retention::RetentionError) -> Self {
        use arhiva_retention::RetentionError as R;
        match e {
            R::Store(e) => ServerError::Store(e),
            R::NoProposal { id } | R::NoHold { id } => ServerError::not_found(id),
            e @ (R::NotApproved { .. }
            | R::AlreadyApproved { .. }
            | R::NothingDue { .. }
            | R::UnknownTarget { .. }
            | R::BadDate { .. }
            | R::Invalid(_)) => ServerError::bad(e.to_string()),
            other => ServerError::Retention(other),
        }
    }
}

/// Result with [`ServerError`] by default.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;

/// The kind of failure, kept in the response for the error-page middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 404.
    NotFound,
    /// 400.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 403 for a missing CSRF token.
    Csrf,
    /// 429.
    RateLimited,
    /// 429 for searches.
    TooManySearches,
    /// 413.
    TooLarge,
    /// 500: a stored object is corrupt.
    Corrupt,
    /// 500.
    Internal,
}

/// Attached to error responses; the middleware renders it.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Which kind.
    pub kind: ErrorKind,
    /// Detail safe to show (never internal paths).
    pub detail: String,
    /// The detail in Romanian, when it has been written in Romanian too.
    pub detail_ro: Option<String>,
}

impl ServerError {
    /// The HTTP status and kind.
    pub fn kind(&self) -> (StatusCode, ErrorKind) {
        match self {
            ServerError::NotFound { .. } | ServerError::User(UserError::Unknown(_)) => {
                (StatusCode::NOT_FOUND, ErrorKind::NotFound)
            }
            ServerError::BadRequest { .. }
            | ServerError::BadQuery { .. }
            | ServerError::User(_) => (StatusCode::BAD_REQUEST, ErrorKind::BadRequest),
            ServerError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorKind::Unauthorized),
            ServerError::Forbidden { .. } => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            ServerError::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            ServerError::RateLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited)
            }
            ServerError::TooManySearches { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorKind::TooManySearches)
            }
            ServerError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge),
            ServerError::Corrupt { .. } => (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Corrupt),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal),
        }
    }

    /// Shorthand for [`ServerError::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        ServerError::NotFound { what: what.into() }
    }

    /// A form that could not be read: 413 when it was too large, else 400.
    pub fn form(e: axum::extract::rejection::FormRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ServerError::TooLarge
        } else {
            ServerError::bad(e.body_text())
        }
    }

    /// Shorthand for [`ServerError::BadRequest`].
    pub fn bad(message: impl Into<String>) -> Self {
        ServerError::BadRequest {
            message: message.into(),
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let (status, kind) = self.kind();
        let detail = match &self {
            ServerError::NotFound { what } => what.clone(),
            ServerError::BadRequest { message } | ServerError::BadQuery { message, .. } => {
                message.clone()
            }
            ServerError::Forbidden { reason } => reason.clone(),
            ServerError::User(e) => e.to_string(),
            ServerError::RateLimited { retry_after }
            | ServerError::TooManySearches { retry_after } => retry_after.to_string(),
            _ => String::new(),
        };
        if kind == ErrorKind::Internal {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = status.into_response();
        if let ServerError::RateLimited { retry_after }
        | ServerError::TooManySearches { retry_after } = &self
        {
            if let Ok(v) = retry_after.to_string().parse() {
                response.headers_mut().insert("retry-after", v);
            }
        }
        let detail_ro = match &self {
            ServerError::BadQuery { ro, .. } => Some(ro.clone()),
            _ => None,
        };
        response.extensions_mut().insert(ErrorInfo {
            kind,
            detail,
            detail_ro,
        });
        response
    }
}
