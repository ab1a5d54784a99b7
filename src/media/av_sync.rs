//! How far a file's sound sits from its picture, measured on a recording of a
//! flash-and-beep source: a picture that turns bright for a moment while a beep starts.
//!
//! The picture is decoded with [`VideoDecoder`] and each frame reduced to its mean
//! brightness; the first sound track is decoded and reduced to the peak of each
//! millisecond. A flash (or beep) starts where the level rises past half-way between the
//! quiet level and the loudest, after a quiet spell. Each flash is paired with the
//! nearest beep; the offset is beep minus flash (positive: the sound comes late).
//! Times are microseconds on the file's own timeline (from the file's start time, with
//! each stream's own start included), so a track that starts later than the other is
//! measured as such.

use std::path::Path;

use ff::format::sample::Type as SampleType;
use ff::format::{Pixel, Sample};
use ff::software::resampling;
use ff::ChannelLayout;
use ffmpeg_next as ff;

use super::audio::open_audio_decoder;
use super::decode::{ticks_to_us, timeline_origin, VideoDecoder};
use super::frame::{PixelRect, Quality, Scaler};
use super::pcm::{mono_resampler, mono_samples};
use super::probe::{check_readable, open_error};
use super::MediaError;

/// A level must stay below the threshold this long before a rise counts as a new onset
/// (flashes and beeps come once a second; this ignores flicker inside one).
const QUIET_US: i64 = 300_000;

/// Brightness is measured on the picture scaled down to this size.
const LUMA_SIZE: (u32, u32) = (64, 36);

/// Sound levels are kept as the peak of windows this long.
const WINDOW_US: i64 = 1_000;

/// One flash and the beep nearest it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncPair {
    /// When the flash starts, µs.
    pub flash_us: i64,
    /// Beep minus flash, µs (positive: the sound is late).
    pub offset_us: i64,
}

/// Flashes, beeps and their pairs found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncMeasurement {
    /// Flash onsets, µs.
    pub flashes_us: Vec<i64>,
    /// Beep onsets, µs.
    pub beeps_us: Vec<i64>,
    /// Flashes that have a beep within the pairing distance.
    pub pairs: Vec<SyncPair>,
}

/// Offsets of the pairs in one stretch of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetSummary {
    /// Pairs in the stretch.
    pub count: usize,
    /// Mean offset, µs.
    pub mean_us: i64,
    /// The offset furthest from zero, µs (with its sign).
    pub max_us: i64,
}

impl SyncMeasurement {
    /// The offsets of flashes starting in `[from_us, to_us)`, or `None` if there are none.
    pub fn summary(&self, from_us: i64, to_us: i64) -> Option<OffsetSummary> {
        let inside: Vec<i64> = self
            .pairs
            .iter()
            .filter(|p| p.flash_us >= from_us && p.flash_us < to_us)
            .map(|p| p.offset_us)
            .collect();
        let count = inside.len();
        let max_us = *inside.iter().max_by_key(|o| o.unsigned_abs())?;
        let sum: i64 = inside.iter().sum();
        Some(OffsetSummary {
            count,
            mean_us: sum / count as i64,
            max_us,
        })
    }
}

/// Finds flashes and beeps in `path` and pairs each flash with the nearest beep no more
/// than `max_gap_us` away.
pub fn measure_av_sync(path: &Path, max_gap_us: i64) -> Result<SyncMeasurement, MediaError> {
    let flashes_us = flash_onsets_us(path)?;
    let beeps_us = beep_onsets_us(path)?;
    let pairs = pair_onsets(&flashes_us, &beeps_us, max_gap_us);
    Ok(SyncMeasurement {
        flashes_us,
        beeps_us,
        pairs,
    })
}

/// Pairs each flash with the nearest beep within `max_gap_us` (flashes without one are
/// left out: cut off at an end of the file, or a beep lost).
pub fn pair_onsets(flashes_us: &[i64], beeps_us: &[i64], max_gap_us: i64) -> Vec<SyncPair> {
    flashes_us
        .iter()
        .filter_map(|&flash_us| {
            let offset_us = beeps_us
                .iter()
                .map(|b| b - flash_us)
                .min_by_key(|d| d.unsigned_abs())?;
            (offset_us.abs() <= max_gap_us).then_some(SyncPair {
                flash_us,
                offset_us,
            })
        })
        .collect()
}

/// Times at which `levels` (time, level) rise to half-way between their quiet level (the
/// 20th percentile) and their loudest, after at least [`QUIET_US`] below it. Nothing if
/// the loudest is not at least `min_contrast` above the quiet level.
pub fn rising_edges(levels: &[(i64, f32)], min_contrast: f32) -> Vec<i64> {
    let mut sorted: Vec<f32> = levels.iter().map(|l| l.1).collect();
    sorted.sort_by(f32::total_cmp);
    let (Some(&quiet), Some(&loud)) = (sorted.get(sorted.len() / 5), sorted.last()) else {
        return Vec::new();
    };
    if loud - quiet < min_contrast {
        return Vec::new();
    }
    let threshold = (quiet + loud) / 2.0;
    let mut onsets = Vec::new();
    // When the level was last at or above the threshold.
    let mut last_loud: Option<i64> = None;
    for &(t, level) in levels {
        if level >= threshold {
            if last_loud.is_none_or(|l| t - l >= QUIET_US) {
                onsets.push(t);
            }
            last_loud = Some(t);
        }
    }
    onsets
}

/// Times (µs) at which the picture turns bright.
pub fn flash_onsets_us(path: &Path) -> Result<Vec<i64>, MediaError> {
    let mut decoder = VideoDecoder::open(path)?;
    let mut scaler = Scaler::new();
    let (w, h) = LUMA_SIZE;
    let mut levels = Vec::new();
    while let Some(frame) = decoder.next_frame()? {
        let full = PixelRect::full(frame.picture.width(), frame.picture.height());
        let gray = scaler
            .to_picture(&frame.picture, full, Pixel::GRAY8, w, h, Quality::Fast)
            .map_err(|e| MediaError::Damaged {
                path: path.to_owned(),
                detail: format!("measuring brightness: {e}"),
            })?;
        let stride = gray.frame.stride(0);
        let data = gray.frame.data(0);
        let sum: u64 = (0..h as usize)
            .filter_map(|y| data.get(y * stride..y * stride + w as usize))
            .flatten()
            .map(|&p| u64::from(p))
            .sum();
        let mean = sum as f32 / (w * h) as f32;
        levels.push((ticks_to_us(frame.time), mean));
    }
    // A flash to white against a moving picture: at least 40 of 255 brighter.
    Ok(rising_edges(&levels, 40.0))
}

/// Times (µs) at which the first sound track turns loud.
pub fn beep_onsets_us(path: &Path) -> Result<Vec<i64>, MediaError> {
    Ok(rising_edges(&sound_levels(path)?, 0.01))
}

/// The peak of each [`WINDOW_US`] of the first sound track (channels averaged), stamped
/// with the time of the window's first sample.
fn sound_levels(path: &Path) -> Result<Vec<(i64, f32)>, MediaError> {
    super::init();
    check_readable(path)?;
    let ff_err = |step| {
        move |source| MediaError::Ffmpeg {
            path: path.to_owned(),
            step,
            source,
        }
    };
    let mut input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
    let Some(stream) = input.streams().best(ff::media::Type::Audio) else {
        return Err(MediaError::Damaged {
            path: path.to_owned(),
            detail: "the file has no sound to find beeps in".into(),
        });
    };
    let index = stream.index();
    let tb = stream.time_base();
    let origin_us = ticks_to_us(timeline_origin(&input));
    let mut decoder = open_audio_decoder(&stream, path)?;
    let mut levels = Vec::new();
    let mut resampler: Option<resampling::Context> = None;
    let mut decoded = ff::frame::Audio::empty();
    let mut drain = |decoder: &mut ff::decoder::Audio,
                     levels: &mut Vec<(i64, f32)>|
     -> Result<(), MediaError> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            if decoded.channel_layout().is_empty() {
                decoded.set_channel_layout(ChannelLayout::default(i32::from(decoded.channels())));
            }
            let rate = i64::from(decoded.rate().max(1));
            let Some(pts) = decoded.timestamp().or(decoded.pts()) else {
                continue;
            };
            let start_us = i64::try_from(
                i128::from(pts) * i128::from(tb.numerator()) * 1_000_000
                    / i128::from(tb.denominator().max(1)),
            )
            .unwrap_or(0)
                - origin_us;
            if resampler.is_none() {
                // Same rate: only the layout and sample format change, so no samples are
                // held back and each frame's timestamp stays its own.
                resampler = Some(
                    mono_resampler(&decoded, decoded.rate())
                        .map_err(ff_err("setting up the resampler"))?,
                );
            }
            let Some(r) = resampler.as_mut() else {
                continue;
            };
            let mut mono = ff::frame::Audio::new(
                Sample::F32(SampleType::Packed),
                decoded.samples() + 64,
                ChannelLayout::MONO,
            );
            r.run(&decoded, &mut mono)
                .map_err(ff_err("converting audio"))?;
            let samples = mono_samples(&mono);
            let window = usize::try_from(rate * WINDOW_US / 1_000_000)
                .unwrap_or(1)
                .max(1);
            for (i, chunk) in samples.chunks(window).enumerate() {
                let peak = chunk.iter().fold(0.0_f32, |m, s| m.max(s.abs()));
                let t = start_us + (i * window) as i64 * 1_000_000 / rate;
                levels.push((t, peak));
            }
        }
        Ok(())
    };
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        // A damaged packet is skipped, as players do.
        let _ = decoder.send_packet(&packet);
        drain(&mut decoder, &mut levels)?;
    }
    let _ = decoder.send_eof();
    drain(&mut decoder, &mut levels)?;
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rise_after_a_quiet_spell_is_an_onset_and_flicker_inside_it_is_not() {
        let mut levels = Vec::new();
        for k in 0..3_i64 {
            for f in 0..30_i64 {
                let t = k * 1_000_000 + f * 33_333;
                // Bright for frames 5..8 of each second, with a dip at frame 6.
                let level = if (5..8).contains(&f) && f != 6 {
                    200.0
                } else {
                    60.0
                };
                levels.push((t, level));
            }
        }
        assert_eq!(
            rising_edges(&levels, 40.0),
            vec![166_665, 1_166_665, 2_166_665]
        );
    }

    #[test]
    fn a_level_without_contrast_has_no_onsets() {
        let levels: Vec<(i64, f32)> = (0..100)
            .map(|i| (i * 1000, 100.0 + (i % 3) as f32))
            .collect();
        assert!(rising_edges(&levels, 40.0).is_empty());
        assert!(rising_edges(&[], 40.0).is_empty());
    }

    #[test]
    fn each_flash_pairs_with_the_nearest_beep_within_reach() {
        let flashes = [1_000_000, 2_000_000, 3_000_000];
        let beeps = [1_020_000, 1_990_000, 5_000_000];
        let pairs = pair_onsets(&flashes, &beeps, 400_000);
        assert_eq!(
            pairs,
            vec![
                SyncPair {
                    flash_us: 1_000_000,
                    offset_us: 20_000
                },
                SyncPair {
                    flash_us: 2_000_000,
                    offset_us: -10_000
                },
            ]
        );
        let m = SyncMeasurement {
            flashes_us: flashes.to_vec(),
            beeps_us: beeps.to_vec(),
            pairs,
        };
        let s = m.summary(0, 10_000_000).unwrap();
        assert_eq!((s.count, s.mean_us, s.max_us), (2, 5_000, 20_000));
        assert!(m.summary(2_500_000, 10_000_000).is_none());
    }
}
