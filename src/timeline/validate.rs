//! The invariants of a [`Project`], checked when a file is loaded and when an edit adds
//! or changes a clip, so evaluation code can rely on them.
//!
//! Invariants: ids are unique; clips on a track are sorted and do not overlap; source
//! ranges are non-empty and within [`MAX_SOURCE_LENGTH`]; media clips name a pool source;
//! clips sit on tracks that can hold them; speeds and keyframe values are valid; cues have
//! `start < end`. Limits keep all time arithmetic far from `i64`/`i128` overflow.

use std::collections::HashSet;

use super::clip::{Clip, ClipContent};
use super::edit::EditError;
use super::project::Project;
use super::time::Time;
use super::track::{Track, TrackKind};

/// The longest source range a clip may use: 100 hours.
pub const MAX_SOURCE_LENGTH: Time = Time::from_secs(100 * 3600);
/// The longest source range a speed-ramped clip may use: 20 hours, which keeps the
/// exact ramp integral (squares of tick counts times speeds) inside `i128`.
pub const MAX_RAMP_SOURCE_LENGTH: Time = Time::from_secs(20 * 3600);
/// The latest time a clip or cue may start: 1,000 hours.
pub const MAX_START: Time = Time::from_secs(1000 * 3600);

/// Checks that `clip` may sit on `track` (ignoring overlaps, which the caller checks).
pub(crate) fn check_clip(project: &Project, track: &Track, clip: &Clip) -> Result<(), EditError> {
    let invalid = |why: &str| EditError::Invalid(format!("clip {}: {why}", clip.id.0));
    match (&clip.content, track.kind) {
        (_, TrackKind::Subtitle) => {
            return Err(EditError::WrongTrackKind {
                track: track.id,
                kind: track.kind,
            })
        }
        (
            ClipContent::Text { .. } | ClipContent::Color { .. } | ClipContent::Sticker { .. },
            TrackKind::Audio,
        ) => {
            return Err(EditError::WrongTrackKind {
                track: track.id,
                kind: track.kind,
            })
        }
        _ => {}
    }
    if let ClipContent::Sticker { pin: Some(pin), .. } = &clip.content {
        if pin.track.step <= Time::ZERO && !pin.track.samples.is_empty() {
            return Err(invalid("its face track has no time between samples"));
        }
    }
    if let Some(source) = clip.source() {
        if project.source(source).is_none() {
            return Err(EditError::NoSuchSource(source));
        }
    }
    if clip.start < Time::ZERO || clip.start > MAX_START {
        return Err(invalid("starts outside the timeline"));
    }
    if clip.source_in < Time::ZERO || clip.source_in > MAX_START {
        return Err(invalid("source in-point is out of range"));
    }
    let len = clip.source_out - clip.source_in;
    if len <= Time::ZERO || len > MAX_SOURCE_LENGTH {
        return Err(invalid("source range is empty or longer than 100 hours"));
    }
    clip.speed.validate().map_err(|e| invalid(&e.to_string()))?;
    if matches!(clip.speed.curve, super::speed::SpeedCurve::Ramp { .. })
        && len > MAX_RAMP_SOURCE_LENGTH
    {
        return Err(invalid(
            "a speed ramp cannot span more than 20 hours of source",
        ));
    }
    if let super::speed::SpeedCurve::Freeze { duration } = clip.speed.curve {
        if duration > MAX_SOURCE_LENGTH {
            return Err(invalid("freeze frame longer than 100 hours"));
        }
    }
    if !clip.animation.is_finite() {
        return Err(invalid("a keyframe value is not a finite number"));
    }
    let finite_crop = clip.reframes.values().all(|r| {
        r.crop.iter().all(|k| {
            k.value.center_x.is_finite() && k.value.center_y.is_finite() && k.value.zoom.is_finite()
        })
    });
    if !finite_crop {
        return Err(invalid("a crop window value is not a finite number"));
    }
    clip.effects.validate().map_err(|why| invalid(&why))?;
    if clip.source().is_none() && !clip.effects.is_empty() {
        return Err(invalid("effects apply to video and picture clips only"));
    }
    Ok(())
}

/// Checks every invariant of `project`, returning the first problem found.
pub fn validate(project: &Project) -> Result<(), EditError> {
    let c = &project.canvas;
    if c.width == 0 || c.height == 0 || c.width > 16384 || c.height > 16384 {
        return Err(EditError::Invalid(format!(
            "canvas size {}x{} is out of range",
            c.width, c.height
        )));
    }
    validate_outputs(project)?;
    let mut ids = HashSet::new();
    for s in &project.sources {
        if !ids.insert(s.id.0) {
            return Err(EditError::DuplicateId(format!("source {}", s.id.0)));
        }
    }
    let (mut tracks, mut clips, mut cues) = (HashSet::new(), HashSet::new(), HashSet::new());
    for track in &project.tracks {
        if !tracks.insert(track.id) {
            return Err(EditError::DuplicateId(format!("track {}", track.id.0)));
        }
        let mut last_end = Time::ZERO;
        for clip in &track.clips {
            if !clips.insert(clip.id) {
                return Err(EditError::DuplicateId(format!("clip {}", clip.id.0)));
            }
            check_clip(project, track, clip)?;
            if clip.start < last_end {
                return Err(EditError::Overlap {
                    track: track.id,
                    at: clip.start,
                });
            }
            last_end = clip.end();
        }
        if !track.cues.is_empty() && track.kind != TrackKind::Subtitle {
            return Err(EditError::WrongTrackKind {
                track: track.id,
                kind: track.kind,
            });
        }
        let mut last_start = Time::ZERO;
        for cue in &track.cues {
            if !cues.insert(cue.id) {
                return Err(EditError::DuplicateId(format!("cue {}", cue.id.0)));
            }
            check_cue_times(cue.start, cue.end)?;
            if cue.start < last_start {
                return Err(EditError::Invalid(format!(
                    "cue {} is out of order",
                    cue.id.0
                )));
            }
            last_start = cue.start;
        }
    }
    let mut last = Time::ZERO;
    ids.clear();
    for m in &project.markers {
        if !ids.insert(m.id.0) {
            return Err(EditError::DuplicateId(format!("marker {}", m.id.0)));
        }
        if m.time < last || m.time > MAX_START {
            return Err(EditError::Invalid(format!(
                "marker {} is out of order or range",
                m.id.0
            )));
        }
        last = m.time;
    }
    Ok(())
}

/// Checks the extra output formats: unique ids other than the main one, sane sizes.
pub(crate) fn validate_outputs(project: &Project) -> Result<(), EditError> {
    let mut ids = HashSet::new();
    for o in &project.outputs {
        let size_ok = (1..=16384).contains(&o.width) && (1..=16384).contains(&o.height);
        if o.id == super::reframe::OutputId::MAIN || !ids.insert(o.id.0) || !size_ok {
            return Err(EditError::Invalid(format!(
                "output {} has a bad id or size",
                o.id.0
            )));
        }
    }
    Ok(())
}

/// Checks a cue's times: `0 <= start < end <= MAX_START`.
pub(crate) fn check_cue_times(start: Time, end: Time) -> Result<(), EditError> {
    if start < Time::ZERO {
        return Err(EditError::BeforeZero);
    }
    if start >= end || end > MAX_START {
        return Err(EditError::Invalid("a cue must end after it starts".into()));
    }
    Ok(())
}
