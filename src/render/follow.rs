//! Follow the face, the looking half: where the face is in a clip's source every few
//! frames, found by [`crate::vision`]'s full-range face model, and the crop keyframes that
//! follow it ([`crate::timeline::follow_face`]) as one edit.
//!
//! The source is decoded front to back once (no seeking), and only the sampled frames
//! are shrunk (to 192 pixels across, the model's input) and looked at.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::media::{PixelRect, Quality, Scaler, VideoDecoder, VideoFrame};
use crate::timeline::{
    follow_face, ClipId, Edit, FaceSample, FollowSettings, OutputId, Project, Time,
};
use crate::vision::{Face, FaceRange, Image, Vision};

use super::compositor::RenderError;

/// How often the face is looked for.
pub const FACE_EVERY: Time = Time::from_millis(200);

/// The face centre at every [`FACE_EVERY`] of `clip` (offsets from its start), from its
/// source file; stops early, with what it has, when `cancel` is set.
pub fn face_samples(
    project: &Project,
    clip: ClipId,
    base_dir: &Path,
    vision: &dyn Vision,
    cancel: &AtomicBool,
) -> Result<Vec<FaceSample>, RenderError> {
    let Some(c) = project.clip(clip) else {
        return Ok(Vec::new());
    };
    let Some(source) = c.source().and_then(|s| project.source(s)) else {
        return Err(RenderError::UnknownSource {
            clip: clip.0,
            source_id: c.source().map_or(0, |s| s.0),
        });
    };
    let offsets: Vec<Time> = std::iter::successors(Some(Time::ZERO), |o| Some(*o + FACE_EVERY))
        .take_while(|o| *o < c.duration())
        .collect();
    let times = offsets.iter().map(|o| c.source_time_at(c.start + *o));
    let faces = faces_along(&source.resolved_path(base_dir), times, vision, cancel)?;
    let centre = |faces: &Vec<Face>| {
        faces.first().map(|f| {
            let (x, y) = f.center();
            (f64::from(x), f64::from(y))
        })
    };
    Ok(offsets.into_iter().zip(faces.iter().map(centre)).collect())
}

/// The faces in the file at `path` at each of `times` (source times, in the order given),
/// decoded front to back; stops early, with what it has, when `cancel` is set.
pub(super) fn faces_along(
    path: &Path,
    times: impl Iterator<Item = Time>,
    vision: &dyn Vision,
    cancel: &AtomicBool,
) -> Result<Vec<Vec<Face>>, RenderError> {
    let mut decoder = VideoDecoder::open(path)?;
    let mut scaler = Scaler::new();
    let mut found = Vec::new();
    for t in times {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let frame = decoder.frame_at(t.flicks())?;
        found.push(faces_in(frame, path, &mut scaler, vision)?);
    }
    Ok(found)
}

/// The faces in `frame` (of the file at `path`), best first: the frame shrunk to the
/// full-range face model's input (192 pixels across) and looked at.
pub(super) fn faces_in(
    frame: &VideoFrame,
    path: &Path,
    scaler: &mut Scaler,
    vision: &dyn Vision,
) -> Result<Vec<Face>, RenderError> {
    let (w, h) = frame.display_size();
    let long = w.max(h).max(1);
    let side = FaceRange::Full.input_size();
    let size = ((w * side / long).max(1), (h * side / long).max(1));
    let small = frame
        .to_rgba(PixelRect::full(w, h), size.0, size.1, Quality::Fast, scaler)
        .map_err(|source| RenderError::Convert {
            path: path.to_owned(),
            source,
        })?;
    let err = |source| RenderError::Vision {
        path: path.to_owned(),
        source,
    };
    let image = Image::new(small.width, small.height, &small.data).map_err(err)?;
    vision.faces(image, FaceRange::Full).map_err(err)
}

/// The edit that makes `clip` fill `output` with a crop window following the face in it
/// (one undo step), or `None` when the clip is not a picture with a source.
pub fn follow_face_edit(
    project: &Project,
    clip: ClipId,
    output: OutputId,
    base_dir: &Path,
    vision: &dyn Vision,
    cancel: &AtomicBool,
) -> Result<Option<Edit>, RenderError> {
    let Some(video) = project
        .clip(clip)
        .and_then(|c| c.source())
        .and_then(|s| project.source(s))
        .and_then(|s| s.info.video.as_ref())
    else {
        return Ok(None);
    };
    let output_size = project
        .output(output)
        .map_or((project.canvas.width, project.canvas.height), |o| {
            (o.width, o.height)
        });
    let samples = face_samples(project, clip, base_dir, vision, cancel)?;
    let reframe = follow_face(
        &samples,
        video.display_size(),
        output_size,
        FollowSettings::default(),
    );
    Ok(Some(Edit::SetReframe {
        clip,
        output,
        reframe: Some(reframe),
    }))
}
