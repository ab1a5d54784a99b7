//! [`analyze`]: one source frame's person mask and faces, smoothed over time, gated on a
//! face, and cached per source frame for every compositor in the process.
//!
//! Smoothing needs the previous frame: when the frame just before this one (within the
//! caller's `gap`) was analysed, the new mask is blended with its smoothed mask, so an edge
//! that wavers between frames settles. Playback and export go frame after frame, so they
//! smooth alike; a scrub to a far-away frame starts afresh.

use std::sync::{Arc, Mutex};

use super::{Face, Mask, Vision, VisionError};

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
    /// Faces are looked for again once the last look is this old (faces move slowly).
    pub detect_every: i64,
    /// The mask model runs again once its last run is this old; a neighbour's smoothed
    /// mask serves the frames between (0 or 1: every frame).
    pub mask_every: i64,
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
    pub mask: Arc<Mask>,
    /// The faces found in this frame, best first.
    pub faces: Vec<Face>,
    /// A face was found in this frame or shortly before (within `hold`): the portrait
    /// effect applies.
    pub face_seen: bool,
    /// When a face was last found, if recently.
    last_face: Option<i64>,
    /// When `faces` were looked for.
    detected_at: i64,
    /// When the mask model last ran for `mask`.
    masked_at: i64,
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

/// Analyses the frame `key` with `vision`: `mask` runs the mask model on the frame and
/// `faces` looks for faces in it; each is called only when its result is due (see
/// [`Timing`]), so a frame between two runs costs neither the model nor the shrinking of
/// the frame for it.
pub fn analyze<E: From<VisionError>>(
    vision: &dyn Vision,
    key: FrameKey,
    timing: Timing,
    mask: impl FnOnce() -> Result<Mask, E>,
    faces: impl FnOnce() -> Result<Vec<Face>, E>,
) -> Result<Arc<Analysis>, E> {
    let Timing {
        gap,
        hold,
        detect_every,
        mask_every,
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
    let reuse = previous
        .as_ref()
        .filter(|p| key.time - p.masked_at < mask_every);
    let (mask, masked_at) = match (reuse, &previous) {
        (Some(p), _) => (Arc::clone(&p.mask), p.masked_at),
        (None, Some(p)) => {
            let raw = mask()?;
            let smoothed = if (p.mask.width, p.mask.height) == (raw.width, raw.height) {
                blend(&raw, &p.mask)
            } else {
                raw
            };
            (Arc::new(smoothed), key.time)
        }
        (None, None) => (Arc::new(mask()?), key.time),
    };
    let recent = previous
        .as_ref()
        .filter(|p| key.time - p.detected_at < detect_every);
    let (faces, detected_at) = match recent {
        Some(p) => (p.faces.clone(), p.detected_at),
        None => (faces()?, key.time),
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
        masked_at,
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
    use crate::vision::{FaceRange, FakeVision, Image};

    const TIMING: Timing = Timing {
        gap: 10,
        hold: 100,
        detect_every: 30,
        mask_every: 0,
    };

    fn frame() -> Vec<u8> {
        vec![128u8; 16 * 16 * 4]
    }

    /// `analyze` with both models asked about the same flat picture.
    fn run(fake: &FakeVision, key: FrameKey, timing: Timing) -> Arc<Analysis> {
        let px = frame();
        let img = Image::new(16, 16, &px).unwrap();
        analyze::<VisionError>(
            fake,
            key,
            timing,
            || fake.person_mask(img),
            || fake.faces(img, FaceRange::Full),
        )
        .unwrap()
    }

    #[test]
    fn a_frame_is_analysed_once_and_then_served_from_the_cache() {
        let fake = FakeVision::with_faces(vec![FakeVision::face(0.4, 0.2, 0.2, 0.2)]);
        let key = FrameKey {
            source: 0xA11CE,
            time: 1000,
        };
        let a = run(&fake, key, TIMING);
        let calls = fake.calls();
        let b = run(&fake, key, TIMING);
        assert_eq!(fake.calls(), calls);
        assert!(Arc::ptr_eq(&a, &b) && a.face_seen);
    }

    #[test]
    fn without_a_face_the_effect_stays_off() {
        let fake = FakeVision::with_faces(Vec::new());
        let key = FrameKey {
            source: 0xB0B,
            time: 0,
        };
        assert!(!run(&fake, key, TIMING).face_seen);
    }

    #[test]
    fn with_a_mask_every_other_frame_the_frame_between_reuses_its_neighbours() {
        let fake = FakeVision::with_faces(vec![FakeVision::face(0.4, 0.2, 0.2, 0.2)]);
        let timing = Timing {
            mask_every: 2,
            ..TIMING
        };
        let key = |time| FrameKey {
            source: 0xE0E,
            time,
        };
        // Frame 0: both models; frame 1: neither (mask reused, faces recent).
        let first = run(&fake, key(0), timing);
        assert_eq!(fake.calls(), 2);
        let second = run(&fake, key(1), timing);
        assert_eq!(fake.calls(), 2);
        assert!(Arc::ptr_eq(&first.mask, &second.mask) && second.face_seen);
        // Frame 2: the mask model again, the faces still recent.
        run(&fake, key(2), timing);
        assert_eq!(fake.calls(), 3);
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
