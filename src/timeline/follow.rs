//! Follow the face: a crop window that keeps a face in frame, from face positions found
//! every few frames, written as ordinary crop keyframes the person can see and edit.
//!
//! The path is made like a camera operator would: the positions are smoothed (a moving
//! median and mean, so one wrong detection moves nothing), the window stays put while the
//! face stays inside a dead zone around the window's centre, and when the face leaves it
//! the window pans — easing in and out, faster for longer moves — to put the face in the
//! middle again. Where the face is lost the window holds. Only the pans become keyframes,
//! so the result is short and easy to edit. Pure arithmetic: the detections come from
//! `vision/`, run by the caller.

use super::easing::Interpolation;
use super::keyframes::Keyframes;
use super::reframe::{CropWindow, Reframe, ReframeMode};
use super::time::Time;

/// Where a face was seen at one instant (offset from the clip's start), as the centre of
/// its box in fractions of the source picture; `None` where no face was found.
pub type FaceSample = (Time, Option<(f64, f64)>);

/// How the window follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FollowSettings {
    /// How far (in fractions of the window's width and height) the face may stray from
    /// the window's centre before it pans.
    pub dead_zone: f64,
    /// The shortest and longest pan.
    pub min_pan: Time,
    pub max_pan: Time,
    /// How many samples the smoothing looks at on each side.
    pub smooth_radius: usize,
}

impl Default for FollowSettings {
    fn default() -> Self {
        FollowSettings {
            dead_zone: 0.15,
            min_pan: Time::from_millis(400),
            max_pan: Time::from_millis(1200),
            smooth_radius: 2,
        }
    }
}

/// A fill reframe whose crop window follows the face in `samples` for a `source` picture
/// shown in an `output` frame. Without any face the window stays centred.
pub fn follow_face(
    samples: &[FaceSample],
    source: (u32, u32),
    output: (u32, u32),
    settings: FollowSettings,
) -> Reframe {
    let full = CropWindow::default().rect(source, output);
    let (sw, sh) = (f64::from(source.0.max(1)), f64::from(source.1.max(1)));
    // The window's size in fractions of the source, and where its centre may go.
    let (ww, wh) = (full.width / sw, full.height / sh);
    let clamp = |c: (f64, f64)| {
        (
            c.0.clamp(ww / 2.0, 1.0 - ww / 2.0),
            c.1.clamp(wh / 2.0, 1.0 - wh / 2.0),
        )
    };
    let track = smoothed(samples, settings.smooth_radius);
    let mut crop = Keyframes::new();
    let Some(first) = track.iter().find_map(|(_, p)| *p) else {
        return Reframe {
            mode: ReframeMode::Fill,
            crop,
        };
    };
    let window = |c: (f64, f64)| CropWindow {
        center_x: c.0,
        center_y: c.1,
        zoom: 1.0,
    };
    let last_seen = track.iter().rev().find_map(|(_, p)| *p).unwrap_or(first);
    let mut cam = clamp(first);
    crop.insert(Time::ZERO, window(cam), Interpolation::Hold);
    let mut busy_until = Time::ZERO;
    for &(t, p) in &track {
        // Lost: hold where the window is.
        let Some(p) = p else { continue };
        if t < busy_until {
            continue;
        }
        let (dx, dy) = ((clamp(p).0 - cam.0) / ww, (clamp(p).1 - cam.1) / wh);
        if dx.abs() <= settings.dead_zone && dy.abs() <= settings.dead_zone {
            continue;
        }
        // A move of a whole window width takes the longest pan. The whole path is known,
        // so the pan aims where the face will be when it ends, not where it was.
        let pan_for = |to: (f64, f64)| {
            let span = ((to.0 - cam.0) / ww)
                .abs()
                .max(((to.1 - cam.1) / wh).abs())
                .min(1.0);
            let extra = (settings.max_pan - settings.min_pan).flicks() as f64 * span;
            settings.min_pan + Time(extra.round() as i64)
        };
        // Past the end of the clip, the last place the face was seen.
        let ahead = |end: Time| match track.iter().find(|(at, _)| *at >= end) {
            Some((_, q)) => q.unwrap_or(p),
            None => last_seen,
        };
        let want = clamp(ahead(t + pan_for(clamp(p))));
        let pan = pan_for(want);
        crop.insert(t, window(cam), Interpolation::EaseInOut);
        crop.insert(t + pan, window(want), Interpolation::Hold);
        cam = want;
        busy_until = t + pan;
    }
    Reframe {
        mode: ReframeMode::Fill,
        crop,
    }
}

/// Each found position replaced by the mean of the median-filtered positions around it
/// (`radius` found samples each side); lost samples stay lost.
fn smoothed(samples: &[FaceSample], radius: usize) -> Vec<FaceSample> {
    let found: Vec<(usize, (f64, f64))> = samples
        .iter()
        .enumerate()
        .filter_map(|(i, (_, p))| p.map(|p| (i, p)))
        .collect();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let window = |k: usize| k.saturating_sub(radius)..(k + radius + 1).min(found.len());
    let medians: Vec<(f64, f64)> = (0..found.len())
        .map(|k| {
            let r = window(k);
            let mut xs: Vec<f64> = found[r.clone()].iter().map(|(_, p)| p.0).collect();
            let mut ys: Vec<f64> = found[r].iter().map(|(_, p)| p.1).collect();
            (median(&mut xs), median(&mut ys))
        })
        .collect();
    let mut out: Vec<FaceSample> = samples.iter().map(|&(t, _)| (t, None)).collect();
    for (k, &(i, _)) in found.iter().enumerate() {
        let r = window(k);
        let n = r.len() as f64;
        let sum = medians[r]
            .iter()
            .fold((0.0, 0.0), |a, m| (a.0 + m.0, a.1 + m.1));
        out[i].1 = Some((sum.0 / n, sum.1 / n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HD: (u32, u32) = (1920, 1080);
    const TALL: (u32, u32) = (1080, 1920);

    fn at(ms: i64) -> Time {
        Time::from_millis(ms)
    }

    fn centre_at(r: &Reframe, t: Time) -> f64 {
        r.crop.value_at_or(t, CropWindow::default()).center_x
    }

    #[test]
    fn a_face_that_stays_put_gives_one_keyframe_and_small_jitter_moves_nothing() {
        let samples: Vec<FaceSample> = (0..30)
            .map(|i| {
                (
                    at(i * 200),
                    Some((0.3 + 0.01 * ((i % 3) as f64 - 1.0), 0.4)),
                )
            })
            .collect();
        let r = follow_face(&samples, HD, TALL, FollowSettings::default());
        assert_eq!(r.mode, ReframeMode::Fill);
        assert_eq!(r.crop.len(), 1);
        assert!((centre_at(&r, at(3000)) - 0.3).abs() < 0.02);
    }

    #[test]
    fn a_face_walking_across_is_followed_with_eased_pans_and_kept_in_frame() {
        // Left to right over 6 s.
        let samples: Vec<FaceSample> = (0..=30)
            .map(|i| (at(i * 200), Some((0.15 + 0.7 * i as f64 / 30.0, 0.4))))
            .collect();
        let r = follow_face(&samples, HD, TALL, FollowSettings::default());
        assert!(r.crop.len() >= 3, "{:?}", r.crop);
        // The window (607.5 of 1920 wide) always holds the face.
        let half = 607.5 / 1920.0 / 2.0;
        for &(t, p) in &samples {
            let (x, _) = p.unwrap();
            let c = centre_at(&r, t);
            assert!((x - c).abs() < half, "at {t:?}: face {x:.3}, window {c:.3}");
        }
        assert!(r
            .crop
            .iter()
            .any(|k| k.interpolation == Interpolation::EaseInOut));
    }

    #[test]
    fn a_lost_face_holds_the_window_and_one_wild_detection_is_ignored() {
        let mut samples: Vec<FaceSample> =
            (0..20).map(|i| (at(i * 200), Some((0.7, 0.5)))).collect();
        samples[8].1 = Some((0.05, 0.5));
        for s in &mut samples[12..] {
            s.1 = None;
        }
        let r = follow_face(&samples, HD, TALL, FollowSettings::default());
        assert_eq!(r.crop.len(), 1, "{:?}", r.crop);
        assert!((centre_at(&r, at(3500)) - 0.7).abs() < 1e-9);
    }

    #[test]
    fn no_face_at_all_leaves_a_centred_fill() {
        let samples: Vec<FaceSample> = (0..5).map(|i| (at(i * 200), None)).collect();
        let r = follow_face(&samples, HD, TALL, FollowSettings::default());
        assert!(r.crop.is_empty());
        assert_eq!(r.mode, ReframeMode::Fill);
    }
}
