//! Everything that touches FFmpeg (through `ffmpeg-next`) lives here: probing files,
//! decoding video frame-accurately ([`VideoDecoder`]), reading sound at any speed in the mix
//! format ([`AudioReader`]), converting pictures with swscale ([`Scaler`]), running
//! libavfilter chains for picture effects ([`VideoFilter`]), and encoding and
//! muxing to a file that appears only when complete ([`OutputFile`]). Each source gets a
//! keyframe index ([`SourceIndex`]) and, for the preview, a small fast-seeking proxy, both
//! made once on background workers ([`prepare`]).
//!
//! No other module may call `ffmpeg-next` directly; they speak to FFmpeg through the
//! types of this module, so version quirks of the FFmpeg libraries stay in one place.
//! This module knows nothing of the timeline or the GUI.

mod audio;
mod av_sync;
mod burn;
mod codecs;
pub use codecs::CodecError;
mod decode;
mod encode;
mod error;
mod filter;
mod frame;
mod gif;
mod grab;
mod growing;
mod growing_probe;
mod hwupload;
mod import;
mod index;
mod local;
mod pcm;
mod peaks;
mod planes;
mod probe;
mod proxy;
mod proxy_cache;
mod raw;
mod record_enc;
mod record_error;
mod record_mux;
mod replay;
mod report_text;
mod seek_skip;
mod soft_subs;
mod sources;

pub use audio::{atempo_chain, AudioRange, AudioReader, MIX_CHANNELS, MIX_RATE};
pub use av_sync::{
    beep_onsets_us, flash_onsets_us, measure_av_sync, pair_onsets, rising_edges, OffsetSummary,
    SyncMeasurement, SyncPair,
};
pub use burn::SubtitleBurner;
pub use decode::{VideoDecoder, VideoFrame, TICKS_PER_SECOND};
pub use encode::{Container, EncodeSettings, OutputFile, VideoCodec};
pub use error::MediaError;
pub use filter::VideoFilter;
pub use frame::{Picture, PixelRect, Quality, RgbaFrame, ScaleError, Scaler};
pub use gif::{PaletteMode, WHOLE_CLIP_BYTES};
pub use growing::whole_fragments_end_us;
pub use growing_probe::GrowingProbe;
pub use hwupload::VAAPI_DEVICE;
pub use import::STILL_IMAGE_DURATION;
pub use index::SourceIndex;
pub use pcm::{decode_pcm_mono_16k, MixToPcm, PcmError, PCM_RATE};
pub use peaks::{Peaks, PEAK_BUCKET};
pub use probe::{format_us, probe, AudioFacts, ProbeReport, StreamKind, StreamReport, VideoFacts};
pub use proxy::{make_proxy, proxy_size, ProxyOutcome, PROXY_BOX, PROXY_GOP};
pub use proxy_cache::{prune_proxies, Pruned, PROXY_BUDGET, PROXY_MAX_AGE};
pub use report_text::{fps_text, human_bytes, StreamLine};
pub use seek_skip::set_seek_skipping;
pub use soft_subs::soft_subtitle_codec;
pub use sources::{
    index_of, prepare, proxy_build_time, proxy_of, set_growing, set_indexing, set_proxy_dir,
    wait_prepared, ProxyState,
};

pub use grab::{GrabSpec, PulseInput, TimedChunk, X11Grab};
pub use raw::{AudioChunk, BgraFrame};
pub use record_enc::{
    placement, AudioEncoder, EncodedPacket, EncoderChoice, EncoderFrame, Fit, PictureConverter,
    PictureFormat, Rect, TrackSetup, VideoEncoder,
};
pub use record_error::RecordError;
pub use record_mux::RecordingFile;
pub use replay::write_packets;

use std::sync::Once;

/// Initialises the FFmpeg libraries once per process and silences their console log,
/// so a broken file produces our one-line error and not a page of FFmpeg warnings.
///
/// Set `CLIPWRIGHT_FFMPEG_LOG=1` to see FFmpeg's own messages when investigating a file.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // `init` only registers codecs and devices; it fails on nothing we can act on.
        let _ = ffmpeg_next::init();
        let level = if std::env::var_os("CLIPWRIGHT_FFMPEG_LOG").is_some() {
            ffmpeg_next::util::log::Level::Info
        } else {
            ffmpeg_next::util::log::Level::Quiet
        };
        ffmpeg_next::util::log::set_level(level);
    });
}

/// The version of the FFmpeg libraries this process runs with, e.g. `libavformat 59.27.100`.
pub fn ffmpeg_version() -> String {
    let v = ffmpeg_next::format::version();
    format!("libavformat {}.{}.{}", v >> 16, (v >> 8) & 0xff, v & 0xff)
}
