//! [`Mixer`]: the sound of a project, block by block, at the mix rate.
//!
//! Every clip on an unmuted audio track is read through a `media::AudioReader` (its range,
//! speed — pitch kept or not — and direction), opened when the mix reaches the clip and
//! closed after it, scaled by its volume keyframes (a straight line across each block, so
//! fades have no steps) and summed. The sum is clipped to ±1 only at the end.

use std::path::{Path, PathBuf};

use crate::media::{AudioRange, AudioReader, MediaError, MIX_CHANNELS, MIX_RATE};
use crate::timeline::{
    Clip, ClipContent, Project, Rational, Rounding, SpeedCurve, Time, TrackKind,
};

/// Samples (per channel) in one mix block.
pub const BLOCK: usize = 1024;

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
                    // A ramp is heard at its average speed, so sound and picture end together.
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
            if !mc.opened {
                mc.opened = true;
                mc.reader = AudioReader::open(&mc.path, mc.range)?;
            }
            let Some(reader) = mc.reader.as_mut() else {
                continue;
            };
            let from = mc.start.max(b0);
            let to = mc.end.min(b1);
            let count = (to - from) as usize;
            self.scratch.clear();
            self.scratch.resize(count * MIX_CHANNELS, 0.0);
            let got = reader.read(&mut self.scratch)?;
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
