//! The journal: an append-only, hash-chained log of [`Event`]s.
//!
//! Segments live in `journal/<first seq, 20 digits>.log`. A segment starts
//! with an 8-byte header (`b"ARHJ"`, version u32 LE) followed by records:
//!
//! ```text
//! 0..4    payload length n, u32 LE
//! 4..8    CRC32C of bytes 8..48+n
//! 8..16   sequence number, u64 LE (1, 2, 3, … across segments)
//! 16..48  SHA-256 of the previous record's bytes 8..48+n (zeros for the first)
//! 48..    payload: the event as JSON
//! ```
//!
//! Appends are group commits: a batch of events is written with one `write`
//! and made durable with one `fdatasync`. Appends are serialised within a
//! process by a mutex and across processes by an exclusive lock on
//! `journal/LOCK`; a writer that finds the segment longer than it left it
//! reads the other process's records first, so the chain stays whole.
//!
//! On open every record is read and checked (length, CRC, sequence, chain).
//! A damaged record at the end of the last segment, after which nothing valid
//! follows, is a torn tail — what a crash during an append leaves — and is
//! cut off and reported. Damage anywhere else is an error naming the segment
//! and the offset: it is never skipped.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fs4::fs_std::FileExt;
use sha2::{Digest, Sha256};

use crate::error::{IoContext, Result, StoreError};
use crate::objects::sync_dir;
use crate::Event;

const SEG_MAGIC: &[u8; 4] = b"ARHJ";
const SEG_VERSION: u32 = 1;
const SEG_HEADER: u64 = 8;
const REC_HEADER: usize = 48;
const MAX_RECORD: u32 = 64 * 1024 * 1024;
/// Start a new segment past this size.
const SEGMENT_LIMIT: u64 = 64 * 1024 * 1024;

/// What was found when the journal was opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Records read and checked.
    pub records: u64,
    /// Segments read.
    pub segments: usize,
    /// A torn tail that was cut: (segment, offset, bytes removed).
    pub torn_tail: Option<(PathBuf, u64, u64)>,
}

/// The head of the chain: what the next append continues from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Sequence number of the last record (0 when empty).
    pub seq: u64,
    /// Hash of the last record (zeros when empty).
    pub hash: [u8; 32],
}

#[derive(Debug)]
struct Tail {
    head: Head,
    /// The segment being appended to and its length as we left it.
    segment: PathBuf,
    end: u64,
}

/// The journal in one directory.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    tail: Mutex<Tail>,
    lock: File,
    report: OpenReport,
}

impl Journal {
    /// Open (creating if needed) the journal in `dir`, checking every record.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Journal> {
        let dir = dir.into();
        fs::create_dir_all(&dir).ctx("create", &dir)?;
        let lock_path = dir.join("LOCK");
        let lock = OpenOptions::new()
            .mode(0o600)
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .ctx("open", &lock_path)?;
        lock.lock_exclusive().ctx("lock", &lock_path)?;
        let scanned = scan(&dir, true, |_, _| Ok(()));
        let _ = FileExt::unlock(&lock);
        let (tail, report) = scanned?;
        if let Some((seg, off, cut)) = &report.torn_tail {
            tracing::warn!(segment = %seg.display(), offset = off, bytes = cut, "journal: torn tail cut off");
        }
        Ok(Journal {
            dir,
            tail: Mutex::new(tail),
            lock,
            report,
        })
    }

    /// What opening found (records checked, torn tail cut).
    pub fn open_report(&self) -> &OpenReport {
        &self.report
    }

    /// The journal's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last record's sequence number and hash.
    pub fn head(&self) -> Head {
        self.tail.lock().map(|t| t.head).unwrap_or(Head {
            seq: 0,
            hash: [0; 32],
        })
    }

    /// Append events as one group commit; returns their sequence numbers.
    /// When this returns, the events are durable.
    pub fn append(&self, events: &[Event]) -> Result<std::ops::Range<u64>> {
        let mut payloads = Vec::with_capacity(events.len());
        for e in events {
            let p = serde_json::to_vec(e).map_err(|source| StoreError::Serde {
                what: "encode journal event".into(),
                source,
            })?;
            payloads.push(p);
        }
        self.append_raw(&payloads)
    }

    fn append_raw(&self, payloads: &[Vec<u8>]) -> Result<std::ops::Range<u64>> {
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        let lock_path = self.dir.join("LOCK");
        self.lock.lock_exclusive().ctx("lock", &lock_path)?;
        let result = self.append_locked(&mut tail, payloads);
        let _ = FileExt::unlock(&self.lock);
        result
    }

    fn append_locked(&self, tail: &mut Tail, payloads: &[Vec<u8>]) -> Result<std::ops::Range<u64>> {
        // Another process may have appended since we last looked.
        let newest = newest_segment(&self.dir)?;
        let grown = match &newest {
            Some(p) if *p != tail.segment => true,
            Some(p) => fs::metadata(p).ctx("stat", p)?.len() != tail.end,
            None => false,
        };
        if grown {
            let (t, _) = scan(&self.dir, true, |_, _| Ok(()))?;
            *tail = t;
        }
        if tail.end >= SEGMENT_LIMIT || !tail.segment.exists() {
            let seg = self.dir.join(segment_name(tail.head.seq + 1));
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&seg)
                .ctx("create", &seg)?;
            let mut h = Vec::with_capacity(8);
            h.extend_from_slice(SEG_MAGIC);
            h.extend_from_slice(&SEG_VERSION.to_le_bytes());
            f.write_all(&h).ctx("write", &seg)?;
            f.sync_all().ctx("fsync", &seg)?;
            sync_dir(&self.dir)?;
            tail.segment = seg;
            tail.end = SEG_HEADER;
        }
        let first = tail.head.seq + 1;
        let mut head = tail.head;
        let mut buf = Vec::with_capacity(payloads.iter().map(|p| p.len() + REC_HEADER).sum());
        for p in payloads {
            let len = u32::try_from(p.len())
                .ok()
                .filter(|&l| l <= MAX_RECORD)
                .ok_or_else(|| StoreError::Io {
                    op: "append",
                    path: tail.segment.clone(),
                    source: io::Error::new(io::ErrorKind::InvalidInput, "event too large"),
                })?;
            let seq = head.seq + 1;
            let start = buf.len();
            buf.extend_from_slice(&len.to_le_bytes());
            buf.extend_from_slice(&[0; 4]);
            buf.extend_from_slice(&seq.to_le_bytes());
            buf.extend_from_slice(&head.hash);
            buf.extend_from_slice(p);
            let body = &buf[start + 8..];
            let crc = crc32c::crc32c(body);
            let hash: [u8; 32] = Sha256::digest(body).into();
            buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
            head = Head { seq, hash };
        }
        let mut f = OpenOptions::new()
            .write(true)
            .open(&tail.segment)
            .ctx("open", &tail.segment)?;
        f.seek(SeekFrom::Start(tail.end))
            .ctx("seek", &tail.segment)?;
        f.write_all(&buf).ctx("append", &tail.segment)?;
        f.sync_data().ctx("fsync", &tail.segment)?;
        tail.end += buf.len() as u64;
        tail.head = head;
        Ok(first..head.seq + 1)
    }

    /// Read every event with sequence number `>= from`, in order, checking
    /// CRCs and the chain as it goes.
    pub fn read_from(&self, from: u64, mut f: impl FnMut(u64, Event) -> Result<()>) -> Result<()> {
        scan(&self.dir, false, |seq, payload| {
            if seq < from {
                return Ok(());
            }
            let event = serde_json::from_slice(payload).map_err(|source| StoreError::Serde {
                what: format!("journal record {seq}"),
                source,
            })?;
            f(seq, event)
        })
        .map(|_| ())
    }

    /// Check the journal in `dir` without opening it for writing (no lock,
    /// no repair): framing, CRCs, sequence and chain. A torn tail (a crash,
    /// or another process mid-append) is not damage; anything else is.
    pub fn check(dir: &Path) -> Result<(Head, u64)> {
        let (tail, report) = scan(dir, false, |_, _| Ok(()))?;
        Ok((tail.head, report.records))
    }

    /// Re-read the whole journal, checking framing, CRCs, sequence and
    /// chain; returns the head and the number of records.
    pub fn verify(&self) -> Result<(Head, u64)> {
        let (tail, report) = scan(&self.dir, false, |_, _| Ok(()))?;
        Ok((tail.head, report.records))
    }
}

fn segment_name(first_seq: u64) -> String {
    format!("{first_seq:020}.log")
}

fn segments(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).ctx("list", dir)? {
        let p = e.ctx("list", dir)?.path();
        if p.extension().is_some_and(|x| x == "log") {
            v.push(p);
        }
    }
    v.sort();
    Ok(v)
}

fn newest_segment(dir: &Path) -> Result<Option<PathBuf>> {
    Ok(segments(dir)?.pop())
}

/// Read all segments. With `repair`, a torn tail of the last segment is
/// truncated; without it, a torn tail ends the scan (another process may be
/// mid-append) and is reported in the returned report.
fn scan(
    dir: &Path,
    repair: bool,
    mut visit: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<(Tail, OpenReport)> {
    let segs = segments(dir)?;
    let mut head = Head {
        seq: 0,
        hash: [0; 32],
    };
    let mut report = OpenReport {
        segments: segs.len(),
        ..Default::default()
    };
    let mut end = SEG_HEADER;
    let last_index = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        let mut data = Vec::new();
        File::open(seg)
            .and_then(|mut f| f.read_to_end(&mut data))
            .ctx("read", seg)?;
        let is_last = i == last_index;
        if data.len() < SEG_HEADER as usize || &data[..4] != SEG_MAGIC {
            if is_last
                && data.len() < SEG_HEADER as usize
                && data.iter().all(|&b| b == 0 || SEG_MAGIC.contains(&b))
            {
                // A segment whose creation was cut short: rewrite its header.
                if repair {
                    let mut f = OpenOptions::new()
                        .write(true)
                        .truncate(true)
                        .open(seg)
                        .ctx("open", seg)?;
                    let mut h = Vec::from(&SEG_MAGIC[..]);
                    h.extend_from_slice(&SEG_VERSION.to_le_bytes());
                    f.write_all(&h).ctx("write", seg)?;
                    f.sync_all().ctx("fsync", seg)?;
                    report.torn_tail = Some((seg.clone(), 0, data.len() as u64));
                }
                end = SEG_HEADER;
                continue;
            }
            return Err(StoreError::JournalCorrupt {
                segment: seg.clone(),
                offset: 0,
                reason: "bad segment header".into(),
            });
        }
        let mut off = SEG_HEADER as usize;
        while off < data.len() {
            match check_record(&data, off, &head) {
                Ok((next, seq, hash, payload)) => {
                    visit(seq, payload)?;
                    head = Head { seq, hash };
                    report.records += 1;
                    off = next;
                }
                Err(reason) => {
                    if is_last && !valid_record_after(&data, off + 1, head.seq) {
                        let cut = (data.len() - off) as u64;
                        if repair {
                            let f = OpenOptions::new().write(true).open(seg).ctx("open", seg)?;
                            f.set_len(off as u64).ctx("truncate", seg)?;
                            f.sync_all().ctx("fsync", seg)?;
                        }
                        report.torn_tail = Some((seg.clone(), off as u64, cut));
                        data.truncate(off);
                        break;
                    }
                    return Err(StoreError::JournalCorrupt {
                        segment: seg.clone(),
                        offset: off as u64,
                        reason,
                    });
                }
            }
        }
        end = data.len() as u64;
    }
    let segment = segs
        .last()
        .cloned()
        .unwrap_or_else(|| dir.join(segment_name(1)));
    if segs.is_empty() {
        end = 0;
    }
    Ok((Tail { head, segment, end }, report))
}

/// A record that checked out: (next offset, seq, hash, payload).
type Checked<'a> = (usize, u64, [u8; 32], &'a [u8]);

/// Check the record at `off`.
fn check_record<'a>(
    data: &'a [u8],
    off: usize,
    prev: &Head,
) -> std::result::Result<Checked<'a>, String> {
    if data.len() - off < REC_HEADER {
        return Err(format!(
            "incomplete record header ({} bytes)",
            data.len() - off
        ));
    }
    let len = u32::from_le_bytes(le4(&data[off..off + 4]));
    let crc = u32::from_le_bytes(le4(&data[off + 4..off + 8]));
    if len > MAX_RECORD {
        return Err(format!("record length {len} is implausible"));
    }
    let end = off + REC_HEADER + len as usize;
    if end > data.len() {
        return Err(format!(
            "record of {len} bytes runs past the end of the segment"
        ));
    }
    let body = &data[off + 8..end];
    if crc32c::crc32c(body) != crc {
        return Err("CRC mismatch".into());
    }
    let seq = u64::from_le_bytes(le8(&body[0..8]));
    if seq != prev.seq + 1 {
        return Err(format!("sequence {seq} follows {}", prev.seq));
    }
    if body[8..40] != prev.hash {
        return Err(format!(
            "record {seq} does not chain to record {}",
            prev.seq
        ));
    }
    Ok((end, seq, Sha256::digest(body).into(), &body[40..]))
}

/// Whether any offset at or after `from` holds a record that checks out and
/// continues the sequence: if so, damage before it is not a torn tail.
fn valid_record_after(data: &[u8], from: usize, last_seq: u64) -> bool {
    let mut off = from;
    while off + REC_HEADER <= data.len() {
        let len = u32::from_le_bytes(le4(&data[off..off + 4])) as usize;
        let seq = u64::from_le_bytes(le8(&data[off + 8..off + 16]));
        if seq > last_seq && seq <= last_seq + 1_000_000 && off + REC_HEADER + len <= data.len() {
            let crc = u32::from_le_bytes(le4(&data[off + 4..off + 8]));
            if crc32c::crc32c(&data[off + 8..off + REC_HEADER + len]) == crc {
                return true;
            }
        }
        off += 1;
    }
    false
}

fn le4(b: &[u8]) -> [u8; 4] {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    a
}

fn le8(b: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    a
}
