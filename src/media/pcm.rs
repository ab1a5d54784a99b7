//! Decoding a file's sound into plain samples for analysis: the first audio stream,
//! mixed down to mono and resampled to 16 kHz 32-bit float by `swresample` — the input
//! speech-to-text models expect. Nothing here plays, encodes or writes audio.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ff::format::sample::Type as SampleType;
use ff::format::Sample;
use ff::software::resampling;
use ff::ChannelLayout;
use ffmpeg_next as ff;

use super::MediaError;

/// The sample rate [`decode_pcm_mono_16k`] delivers.
pub const PCM_RATE: u32 = 16_000;

/// Why a file's sound could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PcmError {
    /// The file could not be opened or read as media.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The file opened but holds no audio stream.
    #[error("{}: the file holds no audio stream", path.display())]
    NoAudio {
        /// The file in question.
        path: PathBuf,
    },
    /// The caller asked to stop.
    #[error("{}: decoding was cancelled", path.display())]
    Cancelled {
        /// The file being decoded.
        path: PathBuf,
    },
}

/// Decodes the first audio stream of `path` into mono 16 kHz `f32` samples in
/// `[-1, 1]`, channels averaged. Checks `cancel` between packets, so a long file stops
/// promptly when a user gives up. A damaged packet is skipped, as players do.
pub fn decode_pcm_mono_16k(path: &Path, cancel: Option<&AtomicBool>) -> Result<Vec<f32>, PcmError> {
    super::init();
    let owned = || path.to_owned();
    let ffmpeg_err = |step: &'static str| {
        move |source: ff::Error| {
            PcmError::Media(MediaError::Ffmpeg {
                path: path.to_owned(),
                step,
                source,
            })
        }
    };
    super::probe::check_readable(path)?;
    let mut input = super::local::open_input(path).map_err(|e| MediaError::NotMedia {
        path: owned(),
        reason: e.to_string(),
    })?;
    let Some(stream) = input.streams().best(ff::media::Type::Audio) else {
        return Err(PcmError::NoAudio { path: owned() });
    };
    let index = stream.index();
    let context = ff::codec::context::Context::from_parameters(stream.parameters())
        .map_err(ffmpeg_err("reading the audio codec parameters"))?;
    let mut decoder = context
        .decoder()
        .audio()
        .map_err(ffmpeg_err("opening the audio decoder"))?;

    let mut out = Vec::new();
    let mut resampler: Option<resampling::Context> = None;
    let mut decoded = ff::frame::Audio::empty();
    let mut drain = |decoder: &mut ff::decoder::Audio,
                     resampler: &mut Option<resampling::Context>,
                     out: &mut Vec<f32>|
     -> Result<(), PcmError> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            if decoded.channel_layout().is_empty() {
                // Some decoders leave the layout unset, and the resampler checks each
                // frame against the layout it was made for: use FFmpeg's default for
                // the channel count, as players do.
                decoded.set_channel_layout(ChannelLayout::default(i32::from(decoded.channels())));
            }
            if resampler.is_none() {
                *resampler =
                    Some(make_resampler(&decoded).map_err(ffmpeg_err("setting up the resampler"))?);
            }
            if let Some(r) = resampler.as_mut() {
                // A fresh frame each time: swresample writes at most the frame's size and
                // keeps the rest for the next call.
                let capacity =
                    decoded.samples() * PCM_RATE as usize / decoded.rate().max(1) as usize + 256;
                let mut mono = ff::frame::Audio::new(
                    Sample::F32(SampleType::Packed),
                    capacity,
                    ChannelLayout::MONO,
                );
                r.run(&decoded, &mut mono)
                    .map_err(ffmpeg_err("resampling audio"))?;
                out.extend(mono_samples(&mono));
            }
        }
        Ok(())
    };

    for (stream, packet) in input.packets() {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(PcmError::Cancelled { path: owned() });
        }
        if stream.index() != index {
            continue;
        }
        // A damaged packet is skipped rather than failing the whole file.
        if decoder.send_packet(&packet).is_ok() {
            drain(&mut decoder, &mut resampler, &mut out)?;
        }
    }
    let _ = decoder.send_eof();
    drain(&mut decoder, &mut resampler, &mut out)?;
    if let Some(r) = resampler.as_mut() {
        loop {
            let mut mono =
                ff::frame::Audio::new(Sample::F32(SampleType::Packed), 4096, ChannelLayout::MONO);
            if r.flush(&mut mono).is_err() || mono.samples() == 0 {
                break;
            }
            out.extend(mono_samples(&mono));
        }
    }
    Ok(out)
}

/// A resampler from the decoder's output to mono 16 kHz float.
fn make_resampler(frame: &ff::frame::Audio) -> Result<resampling::Context, ff::Error> {
    resampling::Context::get(
        frame.format(),
        frame.channel_layout(),
        frame.rate(),
        Sample::F32(SampleType::Packed),
        ChannelLayout::MONO,
        PCM_RATE,
    )
}

/// The samples of a packed mono float frame (read from its bytes, so a frame that is
/// not what we asked for yields nothing rather than a panic).
fn mono_samples(frame: &ff::frame::Audio) -> Vec<f32> {
    if frame.samples() == 0 || frame.format() != Sample::F32(SampleType::Packed) {
        return Vec::new();
    }
    let bytes = frame.data(0);
    let bytes = bytes.get(..frame.samples() * 4).unwrap_or(bytes);
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}
