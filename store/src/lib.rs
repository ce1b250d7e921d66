//! `arhiva-store`: the archive's source of truth and its first derived view.
//!
//! Three parts, one per module:
//!
//! - [`objects`]: the **content store**. Immutable objects named by the
//!   SHA-256 of their original bytes, zstd-compressed when that pays, written
//!   durably (temp file, fsync, link into place, fsync the directory) and never
//!   rewritten.
//! - [`journal`]: the **journal**. An append-only, hash-chained log of
//!   [`Event`]s in segments; each record is framed with its length and a
//!   CRC32C and carries the hash of the record before it. Appends are group
//!   commits: one fsync per batch. A torn tail (the record a crash cut short)
//!   is cut off on open and reported; damage anywhere else is an error naming
//!   the segment and offset.
//! - [`catalog`]: the **catalog**, a sled database built by applying journal
//!   events. It remembers the last sequence number it applied; when it is
//!   missing, behind, or will not open, it is caught up or rebuilt from the
//!   journal — it holds nothing the journal does not.
//!
//! [`Archive`] ties them together over one data directory and is what the
//! rest of the system uses: `put` objects, then `commit` the events that
//! reference them. Because objects are written before the events naming them,
//! a crash leaves at worst unreferenced objects, never an event pointing at
//! nothing.
//!
//! ```
//! use arhiva_store::{Archive, Event};
//! let dir = tempfile::tempdir().unwrap();
//! let archive = Archive::open(dir.path()).unwrap();
//! let put = archive.objects().put_bytes(b"Hotararea nr. 12 din 1998").unwrap();
//! assert!(put.new);
//! archive.commit(vec![Event::Put {
//!     kind: "note".into(),
//!     key: "1".into(),
//!     value: serde_json::json!({ "object": put.id }),
//! }]).unwrap();
//! assert_eq!(archive.objects().get(&put.id).unwrap(), b"Hotararea nr. 12 din 1998");
//! ```

pub mod archive;
pub mod catalog;
mod error;
pub mod event;
pub mod journal;
pub mod model;
pub mod objects;

pub use archive::{permission_warning, private_umask, Archive};
pub use catalog::{BatchRecord, Catalog, QuarantineEntry, Tombstone};
pub use error::{Result, StoreError};
pub use event::Event;
pub use journal::Journal;
pub use model::*;
pub use objects::{ObjectId, ObjectStore, PutOutcome};
