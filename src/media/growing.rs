//! A fragmented MP4 still being recorded: how much of it is whole.
//!
//! The recorder appends one fragment at a time — a `moof` box listing the samples, then
//! the `mdat` box holding them — and a reader can catch it half way: the `moof` on disk,
//! its `mdat` cut short. FFmpeg then reads the samples that are there and hands over the
//! one cut in two as a damaged packet, so a probe at that moment reports a length that
//! ends inside the fragment, and a decoder shows garbage for its last picture.
//! [`whole_fragments_end_us`] walks the file's top-level boxes (reading only their headers,
//! and the small `moov` and `moof` boxes) and tells where the whole fragments end in time:
//! the start of the fragment being written. Everything before it is on disk for good,
//! since a fragment, once written, never changes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::MediaError;

/// Boxes larger than this are never read whole (a `moov` or `moof` is a few KiB).
pub(super) const SMALL_BOX: u64 = 4 << 20;

/// Where the whole fragments of the fragmented MP4 at `path` end, in microseconds from
/// the start of its tracks: `Some(start of the fragment still being written)` when the
/// file ends inside one (its `moof` written, its `mdat` not whole), `None` when every
/// fragment in it is whole (or it is not a fragmented MP4 at all).
pub fn whole_fragments_end_us(path: &Path) -> Result<Option<i64>, MediaError> {
    let unreadable = |source| MediaError::Unreadable {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let mut timescales: Vec<(u32, u32)> = Vec::new();
    // The start of the last `moof` not yet followed by a whole `mdat`.
    let mut open_fragment: Option<i64> = None;
    let mut at = 0u64;
    while let Some((kind, header, size)) = box_at(&mut file, at, len).map_err(unreadable)? {
        let whole = size >= header && at.saturating_add(size) <= len;
        if !whole {
            break;
        }
        match &kind {
            b"moov" if size <= SMALL_BOX => {
                let body = read_body(&mut file, at + header, size - header).map_err(unreadable)?;
                timescales = track_timescales(&body);
            }
            b"moof" if size <= SMALL_BOX => {
                let body = read_body(&mut file, at + header, size - header).map_err(unreadable)?;
                open_fragment = fragment_start_us(&body, &timescales);
            }
            b"mdat" => open_fragment = None,
            _ => {}
        }
        at += size;
    }
    Ok(open_fragment)
}

/// The type, header length and whole size of the box at `at`, or `None` at the end of
/// the file (or where not even a header is there yet).
pub(super) fn box_at(
    file: &mut File,
    at: u64,
    len: u64,
) -> std::io::Result<Option<([u8; 4], u64, u64)>> {
    if at.saturating_add(8) > len {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(at))?;
    let mut head = [0u8; 16];
    let n = usize::try_from((len - at).min(16)).unwrap_or(8);
    file.read_exact(&mut head[..n])?;
    let kind = [head[4], head[5], head[6], head[7]];
    let size32 = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
    Ok(Some(match size32 {
        // A 64-bit size follows the type.
        1 if n >= 16 => {
            let mut large = [0u8; 8];
            large.copy_from_slice(&head[8..16]);
            (kind, 16, u64::from_be_bytes(large))
        }
        // Too short to say yet, or "up to the end of the file": not whole while growing.
        1 | 0 => (kind, 8, u64::MAX),
        size => (kind, 8, size),
    }))
}

pub(super) fn read_body(file: &mut File, at: u64, len: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(at))?;
    let mut body = vec![0u8; usize::try_from(len).unwrap_or(0)];
    file.read_exact(&mut body)?;
    Ok(body)
}

/// The child boxes of a box body: (type, body).
pub(super) fn children(body: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let head = body.get(at..at + 8)?;
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        if size < 8 {
            return None;
        }
        let inner = body.get(at + 8..at + size)?;
        at += size;
        Some((kind, inner))
    })
}

pub(super) fn child<'a>(body: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    children(body).find(|(k, _)| k == kind).map(|(_, b)| b)
}

pub(super) fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// (track id, timescale) of each track of a `moov` body.
pub(super) fn track_timescales(moov: &[u8]) -> Vec<(u32, u32)> {
    children(moov)
        .filter(|(k, _)| k == b"trak")
        .filter_map(|(_, trak)| {
            let tkhd = child(trak, b"tkhd")?;
            let id = be32(tkhd, if tkhd.first()? == &1 { 20 } else { 12 })?;
            let mdhd = child(child(trak, b"mdia")?, b"mdhd")?;
            let scale = be32(mdhd, if mdhd.first()? == &1 { 20 } else { 12 })?;
            Some((id, scale))
        })
        .collect()
}

/// The earliest start, in microseconds, of the tracks of a `moof` body (their `tfdt`
/// decode times on their own time scales).
pub(super) fn fragment_start_us(moof: &[u8], timescales: &[(u32, u32)]) -> Option<i64> {
    children(moof)
        .filter(|(k, _)| k == b"traf")
        .filter_map(|(_, traf)| {
            let id = be32(child(traf, b"tfhd")?, 4)?;
            let tfdt = child(traf, b"tfdt")?;
            let time = if tfdt.first()? == &1 {
                be64(tfdt, 4)?
            } else {
                u64::from(be32(tfdt, 4)?)
            };
            let scale = timescales.iter().find(|(t, _)| *t == id)?.1;
            let us = i128::from(time) * 1_000_000 / i128::from(scale.max(1));
            i64::try_from(us).ok()
        })
        .min()
}
