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
    let mut decoder = super::audio::open_audio_decoder(&stream, path)?;

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
                *resampler = Some(
                    mono_resampler(&decoded, PCM_RATE)
                        .map_err(ffmpeg_err("setting up the resampler"))?,
                );
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

/// Turns the mix's interleaved stereo blocks (at [`super::MIX_RATE`]) into mono 16 kHz
/// float, block by block, with the same `swresample` conversion as
/// [`decode_pcm_mono_16k`]: what speech-to-text reads of a whole timeline.
pub struct MixToPcm {
    resampler: resampling::Context,
    out: Vec<f32>,
}

impl std::fmt::Debug for MixToPcm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MixToPcm")
            .field("samples", &self.out.len())
            .finish_non_exhaustive()
    }
}

impl MixToPcm {
    /// A converter with nothing in it yet.
    pub fn new() -> Result<MixToPcm, MediaError> {
        super::init();
        let resampler = resampling::Context::get(
            Sample::F32(SampleType::Packed),
            ChannelLayout::STEREO,
            super::MIX_RATE,
            Sample::F32(SampleType::Packed),
            ChannelLayout::MONO,
            PCM_RATE,
        )
        .map_err(|source| MediaError::Ffmpeg {
            path: PathBuf::from("(timeline mix)"),
            step: "setting up the resampler",
            source,
        })?;
        Ok(MixToPcm {
            resampler,
            out: Vec::new(),
        })
    }

    /// Adds one block of interleaved stereo samples.
    pub fn push(&mut self, stereo: &[f32]) -> Result<(), MediaError> {
        let frames = stereo.len() / 2;
        if frames == 0 {
            return Ok(());
        }
        let mut input = ff::frame::Audio::new(
            Sample::F32(SampleType::Packed),
            frames,
            ChannelLayout::STEREO,
        );
        input.set_rate(super::MIX_RATE);
        for (dst, src) in input
            .data_mut(0)
            .chunks_exact_mut(4)
            .zip(stereo.iter().take(frames * 2))
        {
            dst.copy_from_slice(&src.to_ne_bytes());
        }
        let capacity = frames * PCM_RATE as usize / super::MIX_RATE as usize + 256;
        let mut mono = ff::frame::Audio::new(
            Sample::F32(SampleType::Packed),
            capacity,
            ChannelLayout::MONO,
        );
        self.resampler
            .run(&input, &mut mono)
            .map_err(|source| MediaError::Ffmpeg {
                path: PathBuf::from("(timeline mix)"),
                step: "resampling the mix",
                source,
            })?;
        self.out.extend(mono_samples(&mono));
        Ok(())
    }

    /// Everything converted, the resampler's tail included.
    pub fn finish(mut self) -> Vec<f32> {
        loop {
            let mut mono =
                ff::frame::Audio::new(Sample::F32(SampleType::Packed), 4096, ChannelLayout::MONO);
            if self.resampler.flush(&mut mono).is_err() || mono.samples() == 0 {
                break;
            }
            self.out.extend(mono_samples(&mono));
        }
        self.out
    }
}

/// A resampler from frames like `frame` (a decoder's output) to mono float at `rate` Hz.
pub(super) fn mono_resampler(
    frame: &ff::frame::Audio,
    rate: u32,
) -> Result<resampling::Context, ff::Error> {
    resampling::Context::get(
        frame.format(),
        frame.channel_layout(),
        frame.rate(),
        Sample::F32(SampleType::Packed),
        ChannelLayout::MONO,
        rate,
    )
}

/// The samples of a packed mono float frame (read from its bytes, so a frame that is
/// not what we asked for yields nothing rather than a panic).
pub(super) fn mono_samples(frame: &ff::frame::Audio) -> Vec<f32> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_stereo_mix_becomes_mono_16k_with_its_tone_and_length() {
        let rate = super::super::MIX_RATE as usize;
        let tone = |i: usize| (i as f32 * 2.0 * std::f32::consts::PI * 440.0 / rate as f32).sin();
        let mut conv = MixToPcm::new().unwrap();
        // One second in mix-sized blocks; the left channel only, so the mono sum halves it.
        for block in 0..rate / 1024 + 1 {
            let n = 1024.min(rate - (block * 1024).min(rate));
            let stereo: Vec<f32> = (0..n)
                .flat_map(|i| [tone(block * 1024 + i) * 0.8, 0.0])
                .collect();
            conv.push(&stereo).unwrap();
        }
        let mono = conv.finish();
        assert!((mono.len() as i64 - 16_000).abs() < 64, "{}", mono.len());
        let crossings = mono
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((438..=442).contains(&crossings), "{crossings}");
        let peak = mono[1000..15000].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.3 && peak < 0.9, "{peak}");
    }
}
