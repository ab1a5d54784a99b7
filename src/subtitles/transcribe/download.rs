//! Downloading a model file once, verified: streamed over HTTP(S) with `ureq` into a
//! temporary file next to its destination while its SHA-256 is computed, and moved
//! into place only if the hash is the documented one — so a cut-off or tampered
//! download never becomes a model. Knows nothing of what the file holds.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};

use super::TranscribeError;

/// Downloads `url` to `dest` if its SHA-256 is `sha256` (hex, any case). `progress` is
/// called with the bytes received and the size the server announced, at most every
/// 256 KiB; `cancel` is checked as often.
pub fn download_verified(
    url: &str,
    sha256: &str,
    dest: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: Option<&AtomicBool>,
) -> Result<(), TranscribeError> {
    let fail = |detail: String| TranscribeError::Download {
        url: url.to_owned(),
        detail,
    };
    let write_err = |source| TranscribeError::ModelWrite {
        path: dest.to_owned(),
        source,
    };
    let response = ureq::get(url).call().map_err(|e| fail(e.to_string()))?;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut body = response.into_body().into_reader();

    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut done: u64 = 0;
    progress(0, total);
    loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(TranscribeError::Cancelled);
        }
        let n = body.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        tmp.write_all(chunk).map_err(write_err)?;
        done += n as u64;
        progress(done, total);
    }
    if let Some(total) = total.filter(|t| *t != done) {
        return Err(fail(format!("received {done} of {total} bytes")));
    }
    let actual = hex(&hasher.finalize());
    if !actual.eq_ignore_ascii_case(sha256.trim()) {
        return Err(TranscribeError::Checksum {
            url: url.to_owned(),
            expected: sha256.trim().to_ascii_lowercase(),
            actual,
        });
    }
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(dest).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes` as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
