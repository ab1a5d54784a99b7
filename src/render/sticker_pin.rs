//! Pinning a sticker to a face, the looking half: the clip under the sticker is decoded
//! once, front to back, over the part the sticker covers, and the face is looked for every
//! [`PIN_EVERY`] of its source with `vision`'s full-range face model. The result is the
//! sticker's [`FaceTrack`], written into the sticker as one edit (one undo step), so the
//! compositor places it from the project alone.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::timeline::{
    ClipContent, ClipId, Edit, FaceAnchor, FaceBox, FaceTrack, Project, StickerPin, Time,
};
use crate::vision::{Face, Vision};

use super::compositor::RenderError;
use super::follow::faces_along;

/// How often the face is looked for: ten times a second follows a head turning quickly.
pub const PIN_EVERY: Time = Time::from_millis(100);

/// The clip a sticker pins to: of the pictures with a video source on tracks below the
/// sticker's, the one it overlaps longest (the higher track on a tie).
pub fn pin_target(project: &Project, sticker: ClipId) -> Option<ClipId> {
    let at = project.locate_clip(sticker)?;
    let s = project.clip(sticker)?;
    let mut best: Option<(Time, ClipId)> = None;
    for track in project.tracks.iter().take(at.track) {
        if !track.kind.is_visual() {
            continue;
        }
        for c in &track.clips {
            let video = c
                .source()
                .and_then(|id| project.source(id))
                .is_some_and(|src| src.info.video.is_some() && !src.info.is_still_image);
            let overlap = c.end().min(s.end()) - c.start.max(s.start);
            if video && overlap > Time::ZERO && best.is_none_or(|(o, _)| overlap >= o) {
                best = Some((overlap, c.id));
            }
        }
    }
    best.map(|(_, id)| id)
}

fn face_box(f: &Face) -> FaceBox {
    let [right_eye, left_eye, nose, mouth, ..] = f.keypoints;
    FaceBox {
        rect: [f.x, f.y, f.w, f.h],
        eyes: [right_eye.0, right_eye.1, left_eye.0, left_eye.1],
        nose: [nose.0, nose.1],
        mouth: [mouth.0, mouth.1],
    }
    .rounded()
}

/// Where the face is in the clip under `sticker`, over the part the sticker covers;
/// `None` when there is no video under it. Stops early, with what it has, on `cancel`.
pub fn face_track(
    project: &Project,
    sticker: ClipId,
    base_dir: &Path,
    vision: &dyn Vision,
    cancel: &AtomicBool,
) -> Result<Option<FaceTrack>, RenderError> {
    let (Some(s), Some(target)) = (
        project.clip(sticker),
        pin_target(project, sticker).and_then(|id| project.clip(id)),
    ) else {
        return Ok(None);
    };
    let Some(source) = target.source().and_then(|id| project.source(id)) else {
        return Ok(None);
    };
    let (from, to) = (s.start.max(target.start), s.end().min(target.end()));
    let (a, b) = (
        target.source_time_at(from),
        target.source_time_at(to - Time::TICK),
    );
    let (lo, hi) = (a.min(b), a.max(b));
    let times = std::iter::successors(Some(lo), |t| Some(*t + PIN_EVERY)).take_while(|t| *t <= hi);
    let faces = faces_along(&source.resolved_path(base_dir), times, vision, cancel)?;
    let samples = faces.iter().map(|f| f.first().map(face_box)).collect();
    Ok(Some(FaceTrack {
        source: source.id,
        start: lo,
        step: PIN_EVERY,
        samples,
    }))
}

/// The edit that pins `sticker` to the face under it at `anchor` — its face track found
/// now — with the track (to say how much of it found a face); `None` when `sticker` is not
/// a sticker or has no video under it.
pub fn pin_sticker_edit(
    project: &Project,
    sticker: ClipId,
    anchor: FaceAnchor,
    base_dir: &Path,
    vision: &dyn Vision,
    cancel: &AtomicBool,
) -> Result<Option<(Edit, FaceTrack)>, RenderError> {
    let Some(track) = face_track(project, sticker, base_dir, vision, cancel)? else {
        return Ok(None);
    };
    let pin = StickerPin {
        anchor,
        track: track.clone(),
    };
    Ok(set_pin(project, sticker, Some(pin)).map(|edit| (edit, track)))
}

/// The edit that sets `sticker`'s pin (`None` unpins it), or `None` when it is not a
/// sticker.
pub fn set_pin(project: &Project, sticker: ClipId, pin: Option<StickerPin>) -> Option<Edit> {
    let mut clip = project.clip(sticker)?.clone();
    let ClipContent::Sticker { pin: old, .. } = &mut clip.content else {
        return None;
    };
    *old = pin;
    Some(Edit::UpdateClip { clip })
}
