//! Stickers: a small picture from the built-in set on an overlay track, placed freely with
//! the clip's transform keyframes or pinned to a face.
//!
//! A pinned sticker carries where the face was in the source under it ([`FaceTrack`]: the
//! face box and keypoints found every few frames, keyed by that source's own time), so the
//! compositor places it on any frame — preview, scrub or export alike — from the project
//! alone. [`FaceTrack::face_at`] smooths the samples around the asked time (a centred
//! weighted mean, so it does not lag), interpolates between them, and holds the last face
//! seen where the face is lost. The face finding itself runs elsewhere (`render/`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::source::SourceId;
use super::time::Time;

/// Where on a face a pinned sticker sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaceAnchor {
    /// On top of the head (a hat, a crown): the sticker's bottom on the forehead's top.
    HeadTop,
    /// Over the eyes (glasses).
    Eyes,
    /// On the nose tip.
    Nose,
    /// On the mouth.
    Mouth,
    /// Over the whole face.
    #[default]
    Centre,
}

/// Where a sticker goes on a face, in the face's own terms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceSpot {
    /// The point on the picture the sticker is fixed to (fractions of the picture).
    pub point: (f64, f64),
    /// The sticker's width in face-box widths.
    pub width: f64,
    /// Which point of the sticker sits on `point` (fractions of the sticker).
    pub sticker_point: (f64, f64),
}

impl FaceAnchor {
    /// Every anchor, in the order menus show them.
    pub const ALL: [FaceAnchor; 5] = [
        FaceAnchor::HeadTop,
        FaceAnchor::Eyes,
        FaceAnchor::Nose,
        FaceAnchor::Mouth,
        FaceAnchor::Centre,
    ];

    /// The short name the command line takes (`--sticker crown:head`).
    pub fn name(self) -> &'static str {
        match self {
            FaceAnchor::HeadTop => "head",
            FaceAnchor::Eyes => "eyes",
            FaceAnchor::Nose => "nose",
            FaceAnchor::Mouth => "mouth",
            FaceAnchor::Centre => "face",
        }
    }

    /// The anchor called `name` ([`FaceAnchor::name`]).
    pub fn from_name(name: &str) -> Option<FaceAnchor> {
        FaceAnchor::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// What a person reads in a menu.
    pub fn label(self) -> &'static str {
        match self {
            FaceAnchor::HeadTop => "Head top (hat)",
            FaceAnchor::Eyes => "Eyes (glasses)",
            FaceAnchor::Nose => "Nose",
            FaceAnchor::Mouth => "Mouth",
            FaceAnchor::Centre => "Whole face",
        }
    }

    /// Where this anchor puts a sticker on `face`.
    pub fn spot(self, face: &FaceBox) -> FaceSpot {
        let f = |v: f32| f64::from(v);
        let [x, y, w, h] = face.rect;
        let eyes = (
            (f(face.eyes[0]) + f(face.eyes[2])) / 2.0,
            (f(face.eyes[1]) + f(face.eyes[3])) / 2.0,
        );
        let (point, width, sticker_point) = match self {
            // BlazeFace's box starts about at the eyebrows: the crown of the head is a
            // third of a face higher.
            FaceAnchor::HeadTop => ((f(x) + f(w) / 2.0, f(y) - f(h) * 0.2), 1.3, (0.5, 0.85)),
            FaceAnchor::Eyes => (eyes, 1.05, (0.5, 0.5)),
            FaceAnchor::Nose => ((f(face.nose[0]), f(face.nose[1])), 0.45, (0.5, 0.5)),
            FaceAnchor::Mouth => ((f(face.mouth[0]), f(face.mouth[1])), 0.6, (0.5, 0.5)),
            FaceAnchor::Centre => ((f(x) + f(w) / 2.0, f(y) + f(h) / 2.0), 1.25, (0.5, 0.5)),
        };
        FaceSpot {
            point,
            width,
            sticker_point,
        }
    }
}

/// One sighting of a face, in fractions of the source picture's width and height.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FaceBox {
    /// Left, top, width and height of the face box.
    pub rect: [f32; 4],
    /// The eyes as seen in the picture, left one first: x, y, x, y.
    pub eyes: [f32; 4],
    /// The nose tip.
    pub nose: [f32; 2],
    /// The mouth's centre.
    pub mouth: [f32; 2],
}

impl FaceBox {
    /// The weighted mean of `faces` (weights need not add up to one).
    fn mean(faces: &[(f32, FaceBox)]) -> Option<FaceBox> {
        let total: f32 = faces.iter().map(|(w, _)| w).sum();
        if total <= 0.0 {
            return None;
        }
        let mut out = FaceBox {
            rect: [0.0; 4],
            eyes: [0.0; 4],
            nose: [0.0; 2],
            mouth: [0.0; 2],
        };
        for (w, f) in faces {
            let k = w / total;
            let add = |o: &mut [f32], v: &[f32]| o.iter_mut().zip(v).for_each(|(o, v)| *o += k * v);
            add(&mut out.rect, &f.rect);
            add(&mut out.eyes, &f.eyes);
            add(&mut out.nose, &f.nose);
            add(&mut out.mouth, &f.mouth);
        }
        Some(out)
    }

    /// The same face rounded to 1/10 000 of the picture: enough for any screen, and short
    /// in the project file.
    pub fn rounded(self) -> FaceBox {
        let r = |v: &mut [f32]| v.iter_mut().for_each(|x| *x = (*x * 1e4).round() / 1e4);
        let mut f = self;
        r(&mut f.rect);
        r(&mut f.eyes);
        r(&mut f.nose);
        r(&mut f.mouth);
        f
    }

    /// How far the line through the eyes is turned, in degrees clockwise on screen, in a
    /// `width` × `height` picture.
    pub fn roll_degrees(&self, width: f64, height: f64) -> f64 {
        let dx = f64::from(self.eyes[2] - self.eyes[0]) * width;
        let dy = f64::from(self.eyes[3] - self.eyes[1]) * height;
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            0.0
        } else {
            dy.atan2(dx).to_degrees()
        }
    }
}

/// Where the face was in one source over a stretch of its time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FaceTrack {
    /// The source the faces were found in.
    pub source: SourceId,
    /// The source time of the first sample.
    pub start: Time,
    /// The time between samples.
    pub step: Time,
    /// The best face in each sample, `None` where none was found.
    pub samples: Vec<Option<FaceBox>>,
}

/// How many samples on each side of a time its face is averaged over.
const SMOOTH_RADIUS: i64 = 2;

impl FaceTrack {
    /// How many samples found a face.
    pub fn faces_found(&self) -> usize {
        self.samples.iter().filter(|s| s.is_some()).count()
    }

    /// The source time just after the last sample.
    pub fn end(&self) -> Time {
        self.start + Time(self.step.0.saturating_mul(self.samples.len() as i64))
    }

    /// The face at source time `t`, smoothed and interpolated between samples, with
    /// whether it was seen near `t` (`false`: it is held from the last sighting before).
    /// `None` before the first sighting (or when none was found at all).
    pub fn face_at(&self, t: Time) -> Option<(FaceBox, bool)> {
        let n = self.samples.len() as i64;
        if n == 0 || self.step <= Time::ZERO {
            return None;
        }
        let pos = ((t - self.start).flicks() as f64 / self.step.flicks() as f64)
            .clamp(0.0, (n - 1) as f64);
        let k = pos.floor() as i64;
        let frac = (pos - k as f64) as f32;
        let here = self.smoothed(k);
        let next = self.smoothed((k + 1).min(n - 1));
        let near = match (here, next) {
            (Some(a), Some(b)) => FaceBox::mean(&[(1.0 - frac, a), (frac, b)]),
            (Some(a), None) if frac < 0.5 => Some(a),
            (None, Some(b)) if frac >= 0.5 => Some(b),
            _ => None,
        };
        if let Some(face) = near {
            return Some((face, true));
        }
        (0..=k)
            .rev()
            .find_map(|j| self.sample(j))
            .map(|f| (f, false))
    }

    fn sample(&self, k: i64) -> Option<FaceBox> {
        usize::try_from(k)
            .ok()
            .and_then(|k| self.samples.get(k).copied().flatten())
    }

    /// The mean of the faces within [`SMOOTH_RADIUS`] samples of `k`, nearer ones weighing
    /// more; `None` when sample `k` itself found none (a lost face is not smeared over).
    fn smoothed(&self, k: i64) -> Option<FaceBox> {
        self.sample(k)?;
        let around: Vec<(f32, FaceBox)> = (k - SMOOTH_RADIUS..=k + SMOOTH_RADIUS)
            .filter_map(|j| {
                let w = (SMOOTH_RADIUS + 1 - (j - k).abs()) as f32;
                self.sample(j).map(|f| (w, f))
            })
            .collect();
        FaceBox::mean(&around)
    }
}

/// A sticker pinned to the face in the clip under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StickerPin {
    /// Where on the face.
    pub anchor: FaceAnchor,
    /// Where the face is, found when it was pinned.
    pub track: FaceTrack,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face_at_x(x: f32) -> FaceBox {
        FaceBox {
            rect: [x, 0.2, 0.1, 0.1],
            eyes: [x + 0.03, 0.24, x + 0.07, 0.24],
            nose: [x + 0.05, 0.26],
            mouth: [x + 0.05, 0.28],
        }
    }

    fn track(samples: Vec<Option<FaceBox>>) -> FaceTrack {
        FaceTrack {
            source: SourceId(1),
            start: Time::from_secs(10),
            step: Time::from_millis(100),
            samples,
        }
    }

    #[test]
    fn a_face_moving_steadily_is_followed_between_samples_without_lag() {
        let t = track((0..10).map(|i| Some(face_at_x(i as f32 * 0.05))).collect());
        let (f, seen) = t.face_at(Time::from_millis(10_450)).unwrap();
        assert!(seen);
        assert!((f.rect[0] - 0.225).abs() < 1e-4, "{:?}", f.rect);
    }

    #[test]
    fn one_wrong_sample_is_damped_by_its_neighbours() {
        let mut samples: Vec<_> = (0..9).map(|_| Some(face_at_x(0.3))).collect();
        samples[4] = Some(face_at_x(0.6));
        let (f, _) = track(samples).face_at(Time::from_millis(10_400)).unwrap();
        assert!(f.rect[0] < 0.45, "{:?}", f.rect);
    }

    #[test]
    fn a_lost_face_holds_where_it_was_last_seen_and_none_before_the_first() {
        let samples = vec![
            None,
            Some(face_at_x(0.1)),
            Some(face_at_x(0.2)),
            None,
            None,
            None,
        ];
        let t = track(samples);
        assert_eq!(t.face_at(Time::from_secs(10)), None);
        let (f, seen) = t.face_at(Time::from_millis(10_500)).unwrap();
        assert!(!seen);
        assert_eq!(f, face_at_x(0.2));
        // Past the end of the track, the last face holds too.
        assert_eq!(t.face_at(Time::from_secs(30)).map(|x| x.1), Some(false));
    }

    #[test]
    fn a_hat_sits_above_the_face_box_and_glasses_on_the_eyes() {
        let f = face_at_x(0.4);
        let hat = FaceAnchor::HeadTop.spot(&f);
        assert!(hat.point.1 < f64::from(f.rect[1]));
        let glasses = FaceAnchor::Eyes.spot(&f);
        assert!((glasses.point.0 - 0.45).abs() < 1e-6 && (glasses.point.1 - 0.24).abs() < 1e-6);
        assert_eq!(FaceAnchor::from_name("EYES"), Some(FaceAnchor::Eyes));
        assert_eq!(f.roll_degrees(100.0, 100.0), 0.0);
    }
}
