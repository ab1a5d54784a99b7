//! The portrait effect drawn: a clip's scaled picture, its person kept and its background
//! blurred, removed or replaced, from the person mask of [`crate::vision`].
//!
//! Everything runs at the size the clip is drawn at (so a preview costs a preview's work)
//! in integers: the mask (256², or 256×144 for a 16:9 source) is feathered at its own
//! size, stretched bilinearly in 1/256 steps over the part of the source shown, the blur
//! is a box blur ([`super::box_blur`]) run twice on a picture a quarter the size (swscale
//! shrinks and stretches it), and the composite is one multiply-add a channel, skipped or
//! copied for runs wholly on or off the person. The mask covers the whole source frame, so
//! the same frame gives the same edge in the preview, in the export, and in any crop.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::media::{PixelRect, Quality, RgbaFrame, ScaleError, Scaler, VideoFrame};
use crate::timeline::{Portrait, PortraitBackground, Time};
use crate::vision::{self, Analysis, FaceRange, FrameKey, Image, Mask, Vision, VisionError};

use super::box_blur::box_blur;
use super::layout::RectF;
use super::portrait_ahead::Ahead;

/// How much smaller the picture is blurred than it is drawn.
pub(super) const BLUR_SHRINK: u32 = 4;

/// The feather's largest radius, in mask pixels (of 256).
const MAX_FEATHER: f64 = 6.0;

/// How frames share analyses (times in flicks, like the decoder's frame times): masks are
/// smoothed with the frame up to 100 ms before, a face keeps the effect on for 500 ms,
/// faces are looked for every 200 ms, and the mask model runs for a frame once the
/// last run is `mask_every` old.
fn timing(mask_every: Time) -> vision::Timing {
    vision::Timing {
        gap: Time::from_millis(100).flicks(),
        hold: Time::from_millis(500).flicks(),
        detect_every: Time::from_millis(200).flicks(),
        mask_every: mask_every.flicks(),
    }
}

/// The mask model runs at most this often: every other frame of a 30 fps source, every
/// third of 60 fps; the frames between take their neighbour's smoothed mask.
pub const MASK_EVERY: Time = Time::from_millis(40);

/// The portrait effect of one clip at one instant: its setting and the mask of the frame
/// it shows.
#[derive(Clone, Debug)]
pub(super) struct PortraitLayer {
    pub(super) analysis: Arc<Analysis>,
    pub(super) look: Portrait,
    /// Strength at this instant, 0..1.
    pub(super) strength: f64,
    /// The source's upright size in the original's pixels (the mask covers all of it).
    pub(super) display: (u32, u32),
}

impl PortraitLayer {
    /// The feathered mask over the source rectangle `src`, stretched to `w` × `h`.
    pub(super) fn alpha(&self, src: RectF, w: u32, h: u32) -> Vec<u8> {
        self.alpha_of(&self.feathered(), src, w, h)
    }

    /// The mask with its edge softened as the effect asks.
    pub(super) fn feathered(&self) -> Mask {
        let feather = (self.look.feather.clamp(0.0, 1.0) * MAX_FEATHER).round() as usize;
        feathered(&self.analysis.mask, feather)
    }

    /// `mask` (see [`PortraitLayer::feathered`]) over the source rectangle `src`,
    /// stretched to `w` × `h`.
    pub(super) fn alpha_of(&self, mask: &Mask, src: RectF, w: u32, h: u32) -> Vec<u8> {
        let (dw, dh) = (
            f64::from(self.display.0.max(1)),
            f64::from(self.display.1.max(1)),
        );
        let norm = (src.x / dw, src.y / dh, src.w / dw, src.h / dh);
        mask_patch(mask, norm, w, h)
    }
}

/// What the compositor keeps for portraits between frames: replacement pictures read from
/// disk, and how many frames were drawn without the effect for want of a face.
#[derive(Debug, Default)]
pub(super) struct PortraitState {
    backdrops: HashMap<PathBuf, RgbaFrame>,
    pub(super) frames_without_face: u64,
    /// How often the mask model runs, when not [`MASK_EVERY`].
    pub(super) mask_every: Option<Time>,
    /// One scaler a job, so none rebuilds its swscale context for another's sizes.
    pub(super) scalers: Scalers,
    /// The frames a clip will show next, analysed on a thread of their own.
    pub(super) ahead: Ahead,
}

#[derive(Debug, Default)]
pub(super) struct Scalers {
    mask: Scaler,
    face: Scaler,
    pub(super) shrink: Scaler,
    pub(super) grow: Scaler,
    pub(super) backdrop: Scaler,
}

/// Why a frame could not be analysed: shrinking it for a model, or the model.
#[derive(Debug, thiserror::Error)]
pub(super) enum AnalysisError {
    #[error(transparent)]
    Vision(#[from] VisionError),
    #[error(transparent)]
    Scale(#[from] ScaleError),
}

/// Why a replacement picture could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot read the portrait background picture: {message}", path.display())]
pub struct BackdropError {
    pub path: PathBuf,
    pub message: String,
}

impl PortraitState {
    /// The analysis of source frame `key` (`frame`): made now from `frame` shrunk to the
    /// models' inputs, unless cached (or being made ahead, see [`super::portrait_ahead`]);
    /// each model runs only when due (see [`timing`]).
    pub(super) fn analysis(
        &mut self,
        vision: &dyn Vision,
        key: FrameKey,
        frame: &VideoFrame,
    ) -> Result<Arc<Analysis>, AnalysisError> {
        let mask_every = self.mask_every();
        let key = analysis_key(key, mask_every);
        self.ahead.wait_for(key);
        let Scalers { mask, face, .. } = &mut self.scalers;
        analyse(vision, key, mask_every, frame, (mask, face))
    }

    /// How often the mask model runs.
    pub(super) fn mask_every(&self) -> Time {
        self.mask_every.unwrap_or(MASK_EVERY)
    }

    /// `patch` (the source rectangle `src`, scaled to the patch's size) with the effect.
    pub(super) fn apply(
        &mut self,
        patch: RgbaFrame,
        src: RectF,
        layer: &PortraitLayer,
        base_dir: &Path,
    ) -> Result<RgbaFrame, BackdropError> {
        let s = (layer.strength * 255.0).round() as u32;
        if s == 0 {
            return Ok(patch);
        }
        let (w, h) = (patch.width, patch.height);
        let alpha = layer.alpha(src, w, h);
        let mut out = patch;
        match &layer.look.background {
            PortraitBackground::Blur => {
                let bg = blurred(&out, layer.strength, &mut self.scalers);
                composite(&mut out.data, &alpha, 255, &bg.data);
            }
            PortraitBackground::Remove => {
                for (px, &a) in out.data.chunks_exact_mut(4).zip(&alpha) {
                    let keep = 255 - s * (255 - u32::from(a)) / 255;
                    px[3] = div255(u32::from(px[3]) * keep) as u8;
                }
            }
            PortraitBackground::Color { color } => {
                let c = [color.r, color.g, color.b, 255];
                let fill = c.repeat(alpha.len());
                composite(&mut out.data, &alpha, s, &fill);
            }
            PortraitBackground::Image { path } => {
                let bg = self.backdrop(path, base_dir, (w, h))?;
                composite(&mut out.data, &alpha, s, &bg.data);
            }
        }
        Ok(out)
    }

    /// The replacement picture at `size` (stretched), read once per file and size.
    fn backdrop(
        &mut self,
        path: &Path,
        base_dir: &Path,
        size: (u32, u32),
    ) -> Result<&RgbaFrame, BackdropError> {
        let full = if path.is_absolute() {
            path.to_owned()
        } else {
            base_dir.join(path)
        };
        let fits = self
            .backdrops
            .get(&full)
            .is_some_and(|b| (b.width, b.height) == size);
        if !fits {
            let err = |message: String| BackdropError {
                path: full.clone(),
                message,
            };
            let img = image::open(&full)
                .map_err(|e| err(e.to_string()))?
                .to_rgba8();
            let source = RgbaFrame {
                width: img.width(),
                height: img.height(),
                data: img.into_raw(),
            };
            let pic = Scaler::picture_from_rgba(&source);
            let scaled = self
                .scalers
                .backdrop
                .to_rgba(
                    &pic,
                    PixelRect::full(source.width, source.height),
                    size.0,
                    size.1,
                    Quality::Fast,
                )
                .map_err(|e| err(e.to_string()))?;
            self.backdrops.clear();
            self.backdrops.insert(full.clone(), scaled);
        }
        self.backdrops.get(&full).ok_or_else(|| BackdropError {
            path: full,
            message: "not kept".into(),
        })
    }
}

/// The cache key of source frame `key` analysed with the mask model run every
/// `mask_every`: analyses made with another interval than [`MASK_EVERY`] are kept apart.
pub(super) fn analysis_key(key: FrameKey, mask_every: Time) -> FrameKey {
    FrameKey {
        source: key.source ^ (mask_every.flicks() ^ MASK_EVERY.flicks()) as u64,
        ..key
    }
}

/// The analysis of source frame `key` (`frame`, keyed already by [`analysis_key`]): made
/// from `frame` shrunk to the models' inputs by the two scalers (mask, face), unless
/// cached; each model runs only when due (see [`timing`]).
pub(super) fn analyse(
    vision: &dyn Vision,
    key: FrameKey,
    mask_every: Time,
    frame: &VideoFrame,
    (mask, face): (&mut Scaler, &mut Scaler),
) -> Result<Arc<Analysis>, AnalysisError> {
    let (w, h) = frame.display_size();
    let full = PixelRect::full(w, h);
    let long = w.max(h).max(1);
    let side = FaceRange::Full.input_size();
    let face_size = ((w * side / long).max(1), (h * side / long).max(1));
    let (mw, mh) = mask_input(w, h);
    vision::analyze(
        vision,
        key,
        timing(mask_every),
        || {
            let small = frame.to_rgba(full, mw, mh, Quality::Fast, mask)?;
            Ok(vision.person_mask(Image::new(mw, mh, &small.data)?)?)
        },
        || {
            let (fw, fh) = face_size;
            let small = frame.to_rgba(full, fw, fh, Quality::Fast, face)?;
            Ok(vision.faces(Image::new(fw, fh, &small.data)?, FaceRange::Full)?)
        },
    )
}

/// The mask model's input for a `w` × `h` source: the landscape model's for 16:9 (within
/// 2 %; it has fewer pixels to run, and other shapes confuse it), the square one's else.
fn mask_input(w: u32, h: u32) -> (u32, u32) {
    let aspect = f64::from(w) / f64::from(h.max(1));
    if (aspect / (16.0 / 9.0) - 1.0).abs() <= 0.02 {
        vision::LANDSCAPE_MASK
    } else {
        (vision::MASK_SIZE, vision::MASK_SIZE)
    }
}

/// `x / 255`, rounded, for `x` up to 255 · 255.
#[inline]
fn div255(x: u32) -> u32 {
    (x + 128 + ((x + 128) >> 8)) >> 8
}

/// How many pixels [`composite`] and [`composite_plane`] look at together: a run all on
/// the person is left as it is and, at full strength, a run all off it is copied from the
/// background; only runs along the edge are mixed pixel by pixel.
const RUN: usize = 16;

/// Blends every pixel: the person (`alpha`) over the background picture `bg` (RGBA, the
/// same size), the background weighed by `strength` (0..255).
fn composite(out: &mut [u8], alpha: &[u8], strength: u32, bg: &[u8]) {
    let runs = out.chunks_mut(4 * RUN).zip(bg.chunks(4 * RUN));
    for ((o, b), a) in runs.zip(alpha.chunks(RUN)) {
        if a.iter().all(|&a| a == 255) {
            continue;
        }
        for ((px, b), &a) in o.chunks_exact_mut(4).zip(b.chunks_exact(4)).zip(a) {
            let lose = background_weight(a, strength);
            for c in 0..3 {
                px[c] = blend(px[c], b[c], lose);
            }
        }
    }
}

/// One row of one plane: the person (`alpha`) over the background row `bg`, the
/// background weighed by `strength` (0..255), like [`composite`] does it a channel.
pub(super) fn composite_plane(out: &mut [u8], alpha: &[u8], strength: u32, bg: &[u8]) {
    for ((o, b), a) in out
        .chunks_mut(RUN)
        .zip(bg.chunks(RUN))
        .zip(alpha.chunks(RUN))
    {
        if a.iter().all(|&a| a == 255) {
            continue;
        }
        if strength == 255 && o.len() == b.len() && a.iter().all(|&a| a == 0) {
            o.copy_from_slice(b);
            continue;
        }
        for ((px, &b), &a) in o.iter_mut().zip(b).zip(a) {
            *px = blend(*px, b, background_weight(a, strength));
        }
    }
}

/// How much of the background shows (0..255) where the mask is `a` and the effect's
/// strength `strength` (0..255): none on the person (`a` 255), all of it off the person
/// at full strength.
#[inline]
fn background_weight(a: u8, strength: u32) -> u16 {
    div255_u16(strength.min(255) as u16 * (255 - u16::from(a)))
}

/// `px` and `b` mixed, `lose` (0..255) of `b`: `px` itself at 0, `b` itself at 255. In
/// 16 bits (no product passes 255 · 255), which vectorises on any x86-64.
#[inline]
fn blend(px: u8, b: u8, lose: u16) -> u8 {
    div255_u16(u16::from(px) * (255 - lose) + u16::from(b) * lose) as u8
}

/// [`div255`] in 16 bits, for `x` up to 255 · 255 (no step passes 65 407).
#[inline]
fn div255_u16(x: u16) -> u16 {
    let x = x + 128;
    (x + (x >> 8)) >> 8
}

/// The blur radius, in pixels of a picture `height` high, of a blur of `strength` (0..1):
/// about a twentieth of the height at full strength.
pub(super) fn blur_radius(strength: f64, height: u32) -> usize {
    (strength * f64::from(height) / 20.0).round().max(1.0) as usize
}

/// The mask softened by a box blur of `radius` mask pixels (twice, close to a Gaussian).
fn feathered(mask: &Mask, radius: usize) -> Mask {
    let mut alpha = mask.alpha.clone();
    if radius > 0 {
        let (w, h) = (mask.width as usize, mask.height as usize);
        for _ in 0..2 {
            box_blur(&mut alpha, w, h, 1, radius);
        }
    }
    Mask {
        alpha,
        ..mask.clone()
    }
}

/// The part `norm` (x, y, w, h in fractions of the source) of `mask`, stretched to
/// `w` × `h` bilinearly: each mask row used is stretched across once, then each output
/// row is a blend of two of those (a loop the compiler vectorises).
fn mask_patch(mask: &Mask, norm: (f64, f64, f64, f64), w: u32, h: u32) -> Vec<u8> {
    let axis = |from: f64, span: f64, n: u32, m: u32| -> Vec<(usize, usize, u32)> {
        let last = i64::from(m.max(1) - 1);
        (0..n)
            .map(|i| {
                let f = from + span * (f64::from(i) + 0.5) / f64::from(n.max(1));
                let p = ((f * f64::from(m) - 0.5) * 256.0).round() as i64;
                let p = p.clamp(0, last * 256);
                let i0 = (p / 256) as usize;
                (i0, (i0 + 1).min(last as usize), (p % 256) as u32)
            })
            .collect()
    };
    let xs = axis(norm.0, norm.2, w, mask.width);
    let ys = axis(norm.1, norm.3, h, mask.height);
    let (mw, w) = (mask.width as usize, w as usize);
    // Mask rows stretched across, in 1/256 steps (values up to 255·256), made when first
    // needed: output rows go down the mask, so two are enough.
    let across = |y: usize| -> Vec<u16> {
        let r = &mask.alpha[y * mw..(y + 1) * mw];
        xs.iter()
            .map(|&(x0, x1, fx)| (u32::from(r[x0]) * (256 - fx) + u32::from(r[x1]) * fx) as u16)
            .collect()
    };
    let mut rows: [(usize, Vec<u16>); 2] = [(usize::MAX, Vec::new()), (usize::MAX, Vec::new())];
    let mut out = vec![0u8; w * h as usize];
    for (line, &(y0, y1, fy)) in out.chunks_exact_mut(w.max(1)).zip(&ys) {
        for y in [y0, y1] {
            if rows[0].0 != y && rows[1].0 != y {
                // Replace the row that is not the other one needed.
                let slot = usize::from(rows[0].0 == y0 || rows[0].0 == y1);
                rows[slot] = (y, across(y));
            }
        }
        let pick = |y: usize| {
            if rows[0].0 == y {
                &rows[0].1
            } else {
                &rows[1].1
            }
        };
        let (r0, r1) = (pick(y0), pick(y1));
        for ((o, &a), &b) in line.iter_mut().zip(r0).zip(r1) {
            *o = ((u32::from(a) * (256 - fy) + u32::from(b) * fy + (1 << 15)) >> 16) as u8;
        }
    }
    out
}

/// `pic` blurred by about `strength` × a twentieth of its height: shrunk, box blurred
/// twice, stretched back (each resize on its own scaler).
fn blurred(pic: &RgbaFrame, strength: f64, scalers: &mut Scalers) -> RgbaFrame {
    let (w, h) = (pic.width, pic.height);
    let small = ((w / BLUR_SHRINK).max(1), (h / BLUR_SHRINK).max(1));
    let radius = blur_radius(strength, small.1);
    let source = Scaler::picture_from_rgba(pic);
    let Ok(mut tiny) = scalers.shrink.to_rgba(
        &source,
        PixelRect::full(w, h),
        small.0,
        small.1,
        Quality::Fast,
    ) else {
        return pic.clone();
    };
    for _ in 0..2 {
        box_blur(
            &mut tiny.data,
            small.0 as usize,
            small.1 as usize,
            4,
            radius,
        );
    }
    let tiny_pic = Scaler::picture_from_rgba(&tiny);
    scalers
        .grow
        .to_rgba(
            &tiny_pic,
            PixelRect::full(small.0, small.1),
            w,
            h,
            Quality::Fast,
        )
        .unwrap_or_else(|_| pic.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_255_in_16_bits_is_the_same_as_in_32() {
        for x in 0..=255u32 * 255 {
            assert_eq!(u32::from(div255_u16(x as u16)), div255(x), "{x}");
        }
    }

    /// The blend of one channel as a plain formula, pixel by pixel.
    fn mixed(p: u8, b: u8, a: u8, strength: u32) -> u8 {
        let keep = 255 - div255(strength * (255 - u32::from(a)));
        div255(u32::from(p) * keep + u32::from(b) * (255 - keep)) as u8
    }

    #[test]
    fn runs_on_and_off_the_person_blend_as_single_pixels_do() {
        // A run on the person, one off it, an edge, and a short tail.
        let alpha: Vec<u8> = (0..53u32)
            .map(|i| match i {
                0..=15 => 255,
                16..=31 => 0,
                _ => (i * 12) as u8,
            })
            .collect();
        let px: Vec<u8> = (0..53u32).map(|i| (i * 5) as u8).collect();
        let bg: Vec<u8> = (0..53u32).map(|i| (250 - i * 3) as u8).collect();
        let rgba =
            |v: &[u8]| -> Vec<u8> { v.iter().flat_map(|&p| [p, p / 2, 255 - p, 77]).collect() };
        for strength in [0, 100, 255] {
            let mut plane = px.clone();
            composite_plane(&mut plane, &alpha, strength, &bg);
            let mut out = rgba(&px);
            composite(&mut out, &alpha, strength, &rgba(&bg));
            for i in 0..px.len() {
                let (p, b, a) = (px[i], bg[i], alpha[i]);
                assert_eq!(plane[i], mixed(p, b, a, strength), "plane, pixel {i}");
                let want = [0, 1, 2].map(|c| mixed(rgba(&[p])[c], rgba(&[b])[c], a, strength));
                assert_eq!(out[4 * i..4 * i + 3], want, "RGBA, pixel {i}");
                assert_eq!(out[4 * i + 3], 77, "alpha kept, pixel {i}");
            }
        }
    }

    #[test]
    fn division_by_255_rounds_like_floats() {
        for x in (0..=255 * 255).step_by(7) {
            assert_eq!(div255(x), (f64::from(x) / 255.0).round() as u32, "{x}");
        }
    }

    #[test]
    fn a_box_blur_keeps_flat_areas_and_softens_a_step() {
        let mut data: Vec<u8> = (0..20).map(|i| if i < 10 { 0 } else { 200 }).collect();
        box_blur(&mut data, 20, 1, 1, 2);
        assert_eq!((data[0], data[19]), (0, 200));
        assert!(
            data[9] > 0 && data[9] < 200 && data[10] > data[9],
            "{data:?}"
        );
    }

    #[test]
    fn the_mask_is_cut_to_the_part_of_the_source_shown() {
        // Left half person, right half background.
        let mask = Mask {
            width: 4,
            height: 1,
            alpha: vec![255, 255, 0, 0],
        };
        let left = mask_patch(&mask, (0.0, 0.0, 0.25, 1.0), 8, 1);
        assert!(left.iter().all(|&a| a == 255), "{left:?}");
        let right = mask_patch(&mask, (0.75, 0.0, 0.25, 1.0), 8, 1);
        assert!(right.iter().all(|&a| a == 0), "{right:?}");
    }

    #[test]
    fn the_person_stays_and_the_background_takes_the_colour() {
        let mut px = vec![10u8, 20, 30, 255, 10, 20, 30, 255];
        composite(&mut px, &[255, 0], 255, &[200, 100, 0, 255].repeat(2));
        assert_eq!(px, vec![10, 20, 30, 255, 200, 100, 0, 255]);
    }
}
