//! [`analyze`]: one source frame's person mask and faces, smoothed over time, gated on a
//! face, and cached per source frame for every compositor in the process.
//!
//! Smoothing needs the previous frame: when the frame just before this one (within the
//! caller's `gap`) was analysed, the new mask is blended with its smoothed mask, so an edge
//! that wavers between frames settles. Playback and export go frame after frame, so they
//! smooth alike; a scrub to a far-away frame starts afresh.

use std::sync::{Arc, Mutex};

use super::{Face, FaceRange, Image, Mask, Vision, VisionError};

/// The weight of a new mask against the previous frame's smoothed one, in 1/256.
pub const MASK_NEW_WEIGHT: u32 = 154;

/// How many analysed frames the process keeps (a 256² mask is 64 KB).
const CACHE_LEN: usize = 64;

/// How far apart in time frames may be and still help each other, in the unit of
/// [`FrameKey::time`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Frames at most this far before a frame are its neighbours: its mask is smoothed
    /// with theirs.
    pub gap: i64,
    /// A face found up to this long before keeps the effect on through frames where the
    /// detector misses it.
    pub hold: i64,
    /// Faces are looked for again once the last look is this old (faces move slowly;
    /// the mask is made for every frame).
    pub detect_every: i64,
}

/// Which frame: the source (a hash of its file name) and the frame's time in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameKey {
    pub source: u64,
    /// The frame's time, in any unit the caller's `gap` and `hold` share.
    pub time: i64,
}

/// What one source frame holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The person mask, smoothed with the previous frames'.
    pub mask: Mask,
    /// The faces found in this frame, best first.
    pub faces: Vec<Face>,
    /// A face was found in this frame or shortly before (within `hold`): the portrait
    /// effect applies.
    pub face_seen: bool,
    /// When a face was last found, if recently.
    last_face: Option<i64>,
    /// When `faces` were looked for.
    detected_at: i64,
}

type Entry = (&'static str, FrameKey, Arc<Analysis>);

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn cache() -> std::sync::MutexGuard<'static, Vec<Entry>> {
    // A panic elsewhere while holding the lock leaves a list that is still whole.
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The analysis of `key` already made by `vision`, if it is still cached.
pub fn cached(vision: &dyn Vision, key: FrameKey) -> Option<Arc<Analysis>> {
    let name = vision.name();
    cache()
        .iter()
        .find(|(n, k, _)| *n == name && *k == key)
        .map(|(_, _, a)| Arc::clone(a))
}

/// Forgets every cached analysis.
pub fn clear_cache() {
    cache().clear();
}

/// Analyses the frame `key`: `mask_input` (the whole frame, any size, stretched to the
/// mask model's input) and `face_input` (the whole frame, undistorted; faces are looked
/// for with the full-range model, which finds small faces in wide frames too).
pub fn analyze(
    vision: &dyn Vision,
    key: FrameKey,
    timing: Timing,
    mask_input: Image<'_>,
    face_input: Image<'_>,
) -> Result<Arc<Analysis>, VisionError> {
    let Timing {
        gap,
        hold,
        detect_every,
    } = timing;
    if let Some(hit) = cached(vision, key) {
        return Ok(hit);
    }
    let name = vision.name();
    let previous = cache()
        .iter()
        .filter(|(n, k, _)| {
            *n == name && k.source == key.source && k.time < key.time && key.time - k.time <= gap
        })
        .max_by_key(|(_, k, _)| k.time)
        .map(|(_, _, a)| Arc::clone(a));
    let raw = vision.person_mask(mask_input)?;
    let recent = previous
        .as_ref()
        .filter(|p| key.time - p.detected_at < detect_every);
    let (faces, detected_at) = match recent {
        Some(p) => (p.faces.clone(), p.detected_at),
        None => (vision.faces(face_input, FaceRange::Full)?, key.time),
    };
    let mask = match &previous {
        Some(p) if p.mask.width == raw.width && p.mask.height == raw.height => blend(&raw, &p.mask),
        _ => raw,
    };
    let last_face = if faces.is_empty() {
        previous
            .as_ref()
            .and_then(|p| p.last_face)
            .filter(|t| key.time - t <= hold)
    } else {
        Some(detected_at)
    };
    let analysis = Arc::new(Analysis {
        mask,
        face_seen: last_face.is_some(),
        faces,
        last_face,
        detected_at,
    });
    let mut entries = cache();
    if entries.len() >= CACHE_LEN {
        entries.remove(0);
    }
    entries.push((name, key, Arc::clone(&analysis)));
    Ok(analysis)
}

fn blend(new: &Mask, old: &Mask) -> Mask {
    let w = MASK_NEW_WEIGHT;
    Mask {
        width: new.width,
        height: new.height,
        alpha: new
            .alpha
            .iter()
            .zip(&old.alpha)
            .map(|(&n, &o)| ((u32::from(n) * w + u32::from(o) * (256 - w) + 128) >> 8) as u8)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::FakeVision;

    const TIMING: Timing = Timing {
        gap: 10,
        hold: 100,
        detect_every: 30,
    };

    fn frame() -> Vec<u8> {
        vec![128u8; 16 * 16 * 4]
    }

    #[test]
    fn a_frame_is_analysed_once_and_then_served_from_the_cache() {
        let px = frame();
        let img = Image::new(16, 16, &px).unwrap();
        let fake = FakeVision::with_faces(vec![FakeVision::face(0.4, 0.2, 0.2, 0.2)]);
        let key = FrameKey {
            source: 0xA11CE,
            time: 1000,
        };
        let a = analyze(&fake, key, TIMING, img, img).unwrap();
        let calls = fake.calls();
        let b = analyze(&fake, key, TIMING, img, img).unwrap();
        assert_eq!(fake.calls(), calls);
        assert!(Arc::ptr_eq(&a, &b) && a.face_seen);
    }

    #[test]
    fn without_a_face_the_effect_stays_off() {
        let px = frame();
        let img = Image::new(16, 16, &px).unwrap();
        let fake = FakeVision::with_faces(Vec::new());
        let key = FrameKey {
            source: 0xB0B,
            time: 0,
        };
        assert!(!analyze(&fake, key, TIMING, img, img).unwrap().face_seen);
    }

    #[test]
    fn a_mask_edge_that_jumps_is_eased_in_over_the_next_frames() {
        let old = Mask {
            width: 1,
            height: 1,
            alpha: vec![0],
        };
        let new = Mask {
            alpha: vec![255],
            ..old.clone()
        };
        let once = blend(&new, &old);
        assert!((140..170).contains(&once.alpha[0]), "{:?}", once.alpha);
        let twice = blend(&new, &once);
        assert!(twice.alpha[0] > once.alpha[0] && twice.alpha[0] < 255);
    }
}
