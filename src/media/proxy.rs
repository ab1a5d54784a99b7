//! Preview proxies: a small copy of a video that seeks fast, made once per source.
//!
//! A 1080p recording with a keyframe a second makes a scrub decode up to 30 full-size
//! frames before it can show one. Its proxy holds the same frames at preview size (within
//! [`PROXY_BOX`]) with a keyframe every [`PROXY_GOP`] frames, encoded with x264's
//! `ultrafast` preset (no CABAC, no deblocking: cheap to decode), so a seek decodes a few
//! small frames. Each frame keeps the original's timestamp, so a time picks the same frame
//! in the proxy as in the original. There is no sound in it, and the picture is kept as
//! coded (a rotated source's proxy is turned by the decoder that reads it).
//!
//! The proxy is written under a temporary name and renamed when complete, so a proxy file
//! that exists is whole. Only the preview reads proxies; export always reads the original.

use std::path::Path;
use std::time::SystemTime;

use ffmpeg_next as ff;
use sha2::{Digest, Sha256};

use super::codecs::CodecError;
use super::decode::{from_ticks, VideoDecoder};
use super::frame::{PixelRect, Quality, Scaler};
use super::MediaError;

/// The proxy fits in this box (the default preview size), keeping the aspect ratio.
pub const PROXY_BOX: (u32, u32) = (960, 540);

/// A keyframe every this many frames: a seek decodes at most this many frames.
pub const PROXY_GOP: u32 = 4;

/// What [`make_proxy`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyOutcome {
    /// The proxy was made.
    Made,
    /// A complete proxy was already there.
    Reused,
    /// The source is small, a still picture or sound alone: nothing to gain.
    NotNeeded,
}

/// The proxy's file name for a source with this canonical path, size and modification
/// time: a new version of the file gets a new proxy.
pub fn proxy_file_name(path: &Path, len: u64, modified: Option<SystemTime>) -> String {
    let mut h = Sha256::new();
    h.update(path.to_string_lossy().as_bytes());
    h.update(len.to_le_bytes());
    let nanos = modified
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    h.update(nanos.to_le_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().chars().take(40).collect::<String>())
        .unwrap_or_default();
    format!("{stem}-{hex}-proxy.mp4")
}

/// The proxy's size for a `coded` picture: within [`PROXY_BOX`] (turned to match a
/// portrait picture), even, aspect kept; `None` when the picture already fits.
pub fn proxy_size(coded: (u32, u32)) -> Option<(u32, u32)> {
    let (w, h) = coded;
    let (bw, bh) = if h > w {
        (PROXY_BOX.1, PROXY_BOX.0)
    } else {
        PROXY_BOX
    };
    if w <= bw && h <= bh {
        return None;
    }
    let k = (f64::from(bw) / f64::from(w.max(1))).min(f64::from(bh) / f64::from(h.max(1)));
    let even = |v: f64| ((v.round() as u32) & !1).max(2);
    Some((even(f64::from(w) * k), even(f64::from(h) * k)))
}

/// Makes the proxy of `source` at `out` (unless a complete one is there), calling
/// `progress` with the fraction done now and then.
pub fn make_proxy(
    source: &Path,
    out: &Path,
    progress: &dyn Fn(f32),
) -> Result<ProxyOutcome, MediaError> {
    if out.is_file() {
        // Its modification time is its last use, which the cache's pruning goes by.
        let _ = std::fs::File::options()
            .write(true)
            .open(out)
            .and_then(|f| f.set_modified(SystemTime::now()));
        return Ok(ProxyOutcome::Reused);
    }
    let mut decoder = match VideoDecoder::open(source) {
        Ok(d) => d,
        // Sound alone has no pictures to proxy.
        Err(MediaError::NoVideo { .. }) => return Ok(ProxyOutcome::NotNeeded),
        Err(e) => return Err(e),
    };
    let Some((w, h)) = proxy_size(decoder.coded_size()) else {
        return Ok(ProxyOutcome::NotNeeded);
    };
    if decoder.is_still() {
        return Ok(ProxyOutcome::NotNeeded);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| MediaError::Write {
            path: dir.to_owned(),
            detail: e.to_string(),
        })?;
    }
    let partial = out.with_extension("partial.mp4");
    let result = write_proxy(&mut decoder, &partial, (w, h), progress);
    match result {
        Ok(()) => std::fs::rename(&partial, out).map_err(|e| MediaError::Write {
            path: out.to_owned(),
            detail: e.to_string(),
        })?,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    }
    Ok(ProxyOutcome::Made)
}

/// Decodes every frame of `decoder`, shrinks it to `size` and encodes it into `path`.
fn write_proxy(
    decoder: &mut VideoDecoder,
    path: &Path,
    size: (u32, u32),
    progress: &dyn Fn(f32),
) -> Result<(), MediaError> {
    let werr = |step: &'static str| {
        move |e: ff::Error| MediaError::Write {
            path: path.to_owned(),
            detail: format!("{step}: {e}"),
        }
    };
    let time_base = decoder.time_base();
    let duration = decoder.duration_ticks().unwrap_or(0);
    let mut octx = super::local::open_output(path, "mp4").map_err(werr("creating the proxy"))?;
    let global = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let mut encoder =
        open_encoder(size, time_base, global).map_err(|source| MediaError::Encoder {
            path: path.to_owned(),
            source,
        })?;
    let stream_index = {
        let mut stream = octx
            .add_stream(ff::encoder::find(ff::codec::Id::None))
            .map_err(werr("adding the video stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(time_base);
        stream.index()
    };
    octx.write_header().map_err(werr("writing the header"))?;
    let stream_tb = octx
        .stream(stream_index)
        .map_or(time_base, |s| s.time_base());
    let mut scaler = Scaler::new();
    let mut last_pts = None;
    let mut frames = 0u64;
    let drain = |encoder: &mut ff::encoder::Video,
                 octx: &mut ff::format::context::Output|
     -> Result<(), MediaError> {
        let mut packet = ff::Packet::empty();
        while encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(stream_index);
            packet.rescale_ts(time_base, stream_tb);
            packet
                .write_interleaved(octx)
                .map_err(werr("writing the proxy"))?;
        }
        Ok(())
    };
    while let Some(frame) = decoder.next_frame()? {
        let pts = from_ticks(frame.time, time_base);
        // x264 refuses a timestamp that does not grow; a repeated one adds nothing.
        if last_pts.is_some_and(|p| pts <= p) {
            continue;
        }
        last_pts = Some(pts);
        let full = PixelRect::full(frame.picture.width(), frame.picture.height());
        let mut small = scaler
            .to_picture(
                &frame.picture,
                full,
                ff::format::Pixel::YUV420P,
                size.0,
                size.1,
                Quality::Fast,
            )
            .map_err(|source| MediaError::Convert {
                path: path.to_owned(),
                source,
            })?;
        small.frame.set_pts(Some(pts));
        encoder
            .send_frame(&small.frame)
            .map_err(werr("encoding the proxy"))?;
        drain(&mut encoder, &mut octx)?;
        frames += 1;
        if frames.is_multiple_of(30) && duration > 0 {
            progress((frame.time as f64 / duration as f64).clamp(0.0, 1.0) as f32);
        }
    }
    encoder.send_eof().map_err(werr("finishing the proxy"))?;
    drain(&mut encoder, &mut octx)?;
    octx.write_trailer()
        .map_err(werr("writing the proxy index"))?;
    if frames == 0 {
        return Err(MediaError::Damaged {
            path: decoder.path().to_owned(),
            detail: "no video frame could be decoded".to_owned(),
        });
    }
    progress(1.0);
    Ok(())
}

/// libx264, `ultrafast`, a keyframe every [`PROXY_GOP`] frames, no B-frames, in the
/// source's time base so its timestamps go through unchanged.
fn open_encoder(
    size: (u32, u32),
    time_base: ff::Rational,
    global_header: bool,
) -> Result<ff::encoder::Video, CodecError> {
    const NAME: &str = "libx264";
    let codec =
        ff::encoder::find_by_name(NAME).ok_or_else(|| CodecError::Missing(NAME.to_owned()))?;
    let mut ctx = ff::codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(CodecError::ffmpeg(NAME))?;
    ctx.set_width(size.0);
    ctx.set_height(size.1);
    ctx.set_format(ff::format::Pixel::YUV420P);
    ctx.set_time_base(time_base);
    ctx.set_gop(PROXY_GOP);
    ctx.set_max_b_frames(0);
    if global_header {
        ctx.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    let mut opts = ff::Dictionary::new();
    opts.set("preset", "ultrafast");
    opts.set("tune", "fastdecode");
    opts.set("crf", "20");
    // Keyframes exactly every PROXY_GOP frames, none placed by scene cuts in between.
    opts.set(
        "x264-params",
        &format!("keyint={PROXY_GOP}:min-keyint={PROXY_GOP}:scenecut=0"),
    );
    ctx.open_with(opts).map_err(CodecError::ffmpeg(NAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_hd_picture_gets_a_preview_sized_proxy() {
        assert_eq!(proxy_size((1920, 1080)), Some((960, 540)));
        assert_eq!(proxy_size((1080, 1920)), Some((540, 960)));
        assert_eq!(proxy_size((3840, 1600)), Some((960, 400)));
        assert_eq!(proxy_size((640, 360)), None);
    }

    #[test]
    fn a_changed_file_gets_another_proxy_name() {
        let p = Path::new("/videos/take 1.mp4");
        let a = proxy_file_name(p, 10, None);
        assert!(a.starts_with("take 1-") && a.ends_with("-proxy.mp4"));
        assert_ne!(a, proxy_file_name(p, 11, None));
        assert_eq!(a, proxy_file_name(p, 10, None));
    }

    #[test]
    fn reusing_a_proxy_marks_it_as_used_now() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("take-0011-proxy.mp4");
        std::fs::write(&out, b"proxy").unwrap();
        let long_ago = SystemTime::now() - std::time::Duration::from_secs(90 * 24 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&out)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let outcome = make_proxy(Path::new("/no/such/source.mp4"), &out, &|_| {}).unwrap();
        assert_eq!(outcome, ProxyOutcome::Reused);
        let used = std::fs::metadata(&out).unwrap().modified().unwrap();
        assert!(used > SystemTime::now() - std::time::Duration::from_secs(60));
    }
}
