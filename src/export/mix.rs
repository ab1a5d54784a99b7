//! [`Mixer`]: the sound of a project, block by block, at the mix rate.
//!
//! Every clip on an unmuted audio track is read through a `media::AudioReader` (its range,
//! speed — pitch kept or not — and direction), opened when the mix reaches the clip and
//! closed after it, scaled by its volume keyframes (a straight line across each block, so
//! fades have no steps) and summed. The sum is clipped to ±1 only at the end.
//!
//! A speed-ramped clip's sound follows the ramp: it is read in short segments
//! ([`RAMP_SEGMENT`]), each from exactly the source span the picture shows in it, at that
//! span's mean speed. Every segment starts where the picture is, so sound and picture
//! stay together all along the ramp instead of only meeting at its ends.

use std::path::{Path, PathBuf};

use crate::media::{AudioRange, AudioReader, MediaError, MIX_CHANNELS, MIX_RATE};
use crate::timeline::edit_ops::split_value;
use crate::timeline::{
    Clip, ClipContent, Project, Rational, Rounding, SpeedCurve, Time, TrackKind,
};

/// Samples (per channel) in one mix block.
pub const BLOCK: usize = 1024;

/// Length, in mix samples, of the constant-speed pieces a ramp's sound is read in
/// (a tenth of a second).
pub const RAMP_SEGMENT: i64 = MIX_RATE as i64 / 10;

/// One audible clip, with where it sits in samples.
#[derive(Debug)]
struct MixClip {
    clip: Clip,
    path: PathBuf,
    start: i64,
    end: i64,
    range: AudioRange,
    reader: Option<AudioReader>,
    opened: bool,
    /// For a ramped clip, where the open reader's segment ends (mix samples).
    ramp_segment_end: Option<i64>,
}

/// Produces the project's mixed sound in blocks; see the module documentation.
#[derive(Debug)]
pub struct Mixer {
    clips: Vec<MixClip>,
    next: i64,
    end: i64,
    scratch: Vec<f32>,
}

fn sample_rate() -> Rational {
    Rational::new(1, MIX_RATE).unwrap_or(Rational::FPS_30)
}

fn to_samples(t: Time) -> i64 {
    t.to_timebase(sample_rate(), Rounding::Nearest)
}

/// Reads mix samples `from..to` of a ramped clip into `out` (zeroed, `(to - from)` stereo
/// frames), opening a reader for each [`RAMP_SEGMENT`] as the mix reaches it; returns the
/// frames filled (all of them: a segment that comes up short is left silent at its end).
fn read_ramped(mc: &mut MixClip, from: i64, to: i64, out: &mut [f32]) -> Result<usize, MediaError> {
    let mut at = from;
    while at < to {
        let end = mc.ramp_segment_end.unwrap_or(i64::MIN);
        if at >= end {
            let k = (at - mc.start) / RAMP_SEGMENT;
            let seg = (
                mc.start + k * RAMP_SEGMENT,
                (mc.start + (k + 1) * RAMP_SEGMENT).min(mc.end),
            );
            mc.reader = AudioReader::open(&mc.path, segment_range(&mc.clip, mc.range, seg))?;
            mc.ramp_segment_end = Some(seg.1);
        }
        let stop = to.min(mc.ramp_segment_end.unwrap_or(to));
        let i0 = (at - from) as usize * MIX_CHANNELS;
        let i1 = (stop - from) as usize * MIX_CHANNELS;
        if let (Some(reader), Some(part)) = (mc.reader.as_mut(), out.get_mut(i0..i1)) {
            reader.read(part)?;
        }
        at = stop;
    }
    Ok((to - from) as usize)
}

/// The source range and mean speed of a ramped clip over mix samples `seg`.
fn segment_range(clip: &Clip, whole: AudioRange, seg: (i64, i64)) -> AudioRange {
    let rate = sample_rate();
    let t0 = Time::from_timebase(seg.0, rate, Rounding::Nearest) - clip.start;
    let t1 = Time::from_timebase(seg.1, rate, Rounding::Nearest) - clip.start;
    let len = clip.source_len();
    let s0 = clip.speed.source_offset(len, t0);
    let s1 = clip.speed.source_offset(len, t1);
    let span = (t1 - t0).flicks().max(1);
    let micro = i128::from((s1 - s0).flicks()) * 1_000_000 / i128::from(span);
    // A little more source than the segment needs, on the side played last: the speed
    // filters hold back their last few milliseconds, and the segment is cut at its end
    // anyway, so the extra is never heard.
    let margin = Time::from_millis(100);
    let (a, b) = if clip.speed.reverse {
        ((len - s1 - margin).max(Time::ZERO), len - s0)
    } else {
        (s0, s1 + margin)
    };
    AudioRange {
        start: (clip.source_in + a).flicks(),
        end: (clip.source_in + b)
            .flicks()
            .max((clip.source_in + a).flicks() + 1),
        speed_micro: u32::try_from(micro.max(1)).unwrap_or(u32::MAX),
        ..whole
    }
}

impl Mixer {
    /// A mixer for the first `duration` of `project`, resolving relative paths against
    /// `base_dir`.
    pub fn new(project: &Project, base_dir: &Path, duration: Time) -> Mixer {
        let mut clips = Vec::new();
        for track in &project.tracks {
            if track.kind != TrackKind::Audio || track.muted {
                continue;
            }
            for clip in &track.clips {
                let ClipContent::Media { source } = clip.content else {
                    continue;
                };
                let Some(src) = project.source(source) else {
                    continue;
                };
                if src.info.audio.is_none() && src.info.video.is_some() {
                    continue;
                }
                let path = if src.path.is_absolute() {
                    src.path.clone()
                } else {
                    base_dir.join(&src.path)
                };
                let speed_micro = match &clip.speed.curve {
                    SpeedCurve::Constant { speed } => speed.micro(),
                    // The ramp's mean speed, for the record: its sound is read segment by
                    // segment, each at its own speed (see `segment_range`).
                    SpeedCurve::Ramp { .. } => {
                        let d = clip.duration().flicks().max(1);
                        let s = clip.source_len().flicks();
                        u32::try_from(s.saturating_mul(1_000_000) / d)
                            .unwrap_or(1_000_000)
                            .max(1)
                    }
                    SpeedCurve::Freeze { .. } => continue,
                };
                clips.push(MixClip {
                    path,
                    start: to_samples(clip.start),
                    end: to_samples(clip.end()),
                    range: AudioRange {
                        start: clip.source_in.flicks(),
                        end: clip.source_out.flicks(),
                        speed_micro,
                        keep_pitch: clip.speed.keep_pitch,
                        reverse: clip.speed.reverse,
                    },
                    ramp_segment_end: matches!(clip.speed.curve, SpeedCurve::Ramp { .. })
                        .then_some(i64::MIN),
                    clip: clip.clone(),
                    reader: None,
                    opened: false,
                });
            }
        }
        Mixer {
            clips,
            next: 0,
            end: to_samples(duration),
            scratch: Vec::new(),
        }
    }

    /// A mixer for the span `from`..`to` of `project`: the same sound the export mixes
    /// there, starting at `from` — what a preview plays when playback starts mid-project.
    /// Clips running across `from` are cut there exactly as a split would cut them (speed,
    /// direction and volume keyframes included), so their readers start at the right
    /// source position.
    pub fn between(project: &Project, base_dir: &Path, from: Time, to: Time) -> Mixer {
        let mut trimmed = project.clone();
        for track in &mut trimmed.tracks {
            track.clips = track
                .clips
                .iter()
                .filter(|c| c.end() > from)
                .filter_map(|c| {
                    if c.start >= from {
                        return Some(c.clone());
                    }
                    split_value(c, from, c.id).ok().map(|(_, right)| right)
                })
                .collect();
        }
        let mut mixer = Mixer::new(&trimmed, base_dir, to);
        mixer.next = to_samples(from).min(mixer.end);
        mixer
    }

    /// True when the project has no sound at all (the export can leave the track out).
    pub fn is_silent(&self) -> bool {
        self.clips.is_empty()
    }

    /// The next block of interleaved stereo samples (at most [`BLOCK`] per channel), or
    /// `None` once the whole duration has been produced.
    pub fn next_block(&mut self) -> Result<Option<Vec<f32>>, MediaError> {
        if self.next >= self.end {
            return Ok(None);
        }
        let n = ((self.end - self.next) as usize).min(BLOCK);
        let (b0, b1) = (self.next, self.next + n as i64);
        let mut out = vec![0.0f32; n * MIX_CHANNELS];
        for mc in &mut self.clips {
            if mc.end <= b0 || mc.start >= b1 {
                if mc.end <= b0 {
                    mc.reader = None;
                }
                continue;
            }
            let from = mc.start.max(b0);
            let to = mc.end.min(b1);
            let count = (to - from) as usize;
            self.scratch.clear();
            self.scratch.resize(count * MIX_CHANNELS, 0.0);
            let got = if mc.ramp_segment_end.is_some() {
                read_ramped(mc, from, to, &mut self.scratch)?
            } else {
                if !mc.opened {
                    mc.opened = true;
                    mc.reader = AudioReader::open(&mc.path, mc.range)?;
                }
                let Some(reader) = mc.reader.as_mut() else {
                    continue;
                };
                reader.read(&mut self.scratch)?
            };
            let rate = sample_rate();
            let g0 = mc
                .clip
                .volume_at(Time::from_timebase(from, rate, Rounding::Nearest))
                as f32;
            let g1 = mc
                .clip
                .volume_at(Time::from_timebase(to, rate, Rounding::Nearest))
                as f32;
            let offset = (from - b0) as usize * MIX_CHANNELS;
            let step = (g1 - g0) / count.max(1) as f32;
            for (i, frame) in self.scratch[..got * MIX_CHANNELS]
                .chunks_exact(MIX_CHANNELS)
                .enumerate()
            {
                let g = g0 + step * i as f32;
                let o = offset + i * MIX_CHANNELS;
                if let Some(dst) = out.get_mut(o..o + MIX_CHANNELS) {
                    for (d, s) in dst.iter_mut().zip(frame) {
                        *d += s * g;
                    }
                }
            }
        }
        for s in &mut out {
            *s = s.clamp(-1.0, 1.0);
        }
        self.next = b1;
        Ok(Some(out))
    }
}
