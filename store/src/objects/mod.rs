//! The content store: immutable objects addressed by the SHA-256 of their
//! original bytes, under `objects/ab/cd/<hex>`.
//!
//! Each object file is a 16-byte header followed by the payload:
//!
//! ```text
//! 0..4   magic  b"ARHV"
//! 4      format version (1)
//! 5      codec: 0 = raw, 1 = zstd frame, 2 = zstd frame with a dictionary
//! 6..8   reserved, zero
//! 8..16  original length, u64 little-endian
//! 16..   payload (codec 2: the dictionary's object id, 32 bytes, then the frame)
//! ```
//!
//! A write hashes first; an object that exists is never written again (the
//! cheapest dedupe: a re-delivered file costs one read and one hash). A new
//! object is written to a temp file under `objects/tmp/` (same file system),
//! fsync'd, hard-linked into place — `link` fails rather than replace, so an
//! existing object is never rewritten, even by a racing process — and its
//! directory fsync'd. Whether to compress is decided from a 64 KiB sample:
//! formats that are compressed already (JPEG, PNG, …) are stored raw, others
//! are stored raw when zstd saves less than 10% on the sample.
//!
//! Page texts are small (about 2 KiB) and compress badly one by one, so
//! [`ObjectStore::put_text`] compresses them with a zstd dictionary trained
//! on the first texts the store sees (codec 2). The dictionary is itself an
//! object, and each such object names it after its header, so any object can
//! be read on its own; `objects/text-dictionary` only says which dictionary
//! new texts use.

mod dict;
mod id;
mod store;

pub use id::ObjectId;
pub(crate) use store::sync_dir;
pub use store::{Codec, ObjectReader, ObjectStore, PutOutcome};
