//! BlazeFace's pre- and post-processing: letterboxing, anchors, decoding and weighted
//! non-maximum suppression, as MediaPipe's face detection graph does them.

use super::resize::resize_bilinear;
use super::{Face, Image};

/// Which face model to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaceRange {
    /// 128×128 input, faces near the camera (a webcam, a portrait photo).
    Short,
    /// 192×192 input, faces anywhere in a wide frame (a stream reframed to 9:16).
    Full,
}

impl FaceRange {
    /// The side of the model's square input.
    pub fn input_size(self) -> u32 {
        match self {
            FaceRange::Short => 128,
            FaceRange::Full => 192,
        }
    }

    fn min_score(self) -> f32 {
        match self {
            FaceRange::Short => 0.5,
            FaceRange::Full => 0.6,
        }
    }

    /// Anchor centres, in the model's output order.
    pub(super) fn anchors(self) -> Vec<(f32, f32)> {
        // (cells across, anchors per cell): strides 8, 16, 16, 16 on 128; stride 4 on 192.
        let layers: &[(usize, usize)] = match self {
            FaceRange::Short => &[(16, 2), (8, 6)],
            FaceRange::Full => &[(48, 1)],
        };
        let mut anchors = Vec::new();
        for &(n, per_cell) in layers {
            for y in 0..n {
                for x in 0..n {
                    let c = ((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32);
                    anchors.extend(std::iter::repeat_n(c, per_cell));
                }
            }
        }
        anchors
    }
}

/// Where a picture sits inside the square input: scale and padding, in input pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct Letterbox {
    size: f32,
    scale: f32,
    pad: (f32, f32),
    picture: (f32, f32),
}

/// `image` letterboxed into the model's square input as NHWC floats in −1..1.
pub(super) fn input(image: Image<'_>, range: FaceRange) -> (Vec<f32>, Letterbox) {
    let s = range.input_size();
    let (w, h) = (image.width as f32, image.height as f32);
    let scale = s as f32 / w.max(h);
    let (iw, ih) = (
        ((w * scale).round() as u32).clamp(1, s),
        ((h * scale).round() as u32).clamp(1, s),
    );
    let small = resize_bilinear(image, iw, ih);
    let (px, py) = ((s - iw) / 2, (s - ih) / 2);
    let mut data = vec![-1.0f32; (s * s * 3) as usize];
    for y in 0..ih {
        for x in 0..iw {
            let from = ((y * iw + x) * 4) as usize;
            let to = (((y + py) * s + x + px) * 3) as usize;
            for c in 0..3 {
                data[to + c] = f32::from(small[from + c]) / 127.5 - 1.0;
            }
        }
    }
    let letterbox = Letterbox {
        size: s as f32,
        scale,
        pad: (px as f32, py as f32),
        picture: (w, h),
    };
    (data, letterbox)
}

/// The faces in the model's outputs (`regressors`: 16 numbers an anchor; `scores`: one
/// logit an anchor), in fractions of the original picture, best first.
pub(super) fn decode(
    regressors: &[f32],
    scores: &[f32],
    range: FaceRange,
    letterbox: Letterbox,
) -> Vec<Face> {
    let s = letterbox.size;
    let mut found = Vec::new();
    for (i, (ax, ay)) in range.anchors().into_iter().enumerate() {
        let (Some(&logit), Some(r)) = (scores.get(i), regressors.get(i * 16..i * 16 + 16)) else {
            break;
        };
        let score = 1.0 / (1.0 + (-logit.clamp(-100.0, 100.0)).exp());
        if score < range.min_score() {
            continue;
        }
        let (cx, cy, w, h) = (r[0] / s + ax, r[1] / s + ay, r[2] / s, r[3] / s);
        let mut keypoints = [(0.0, 0.0); 6];
        for (k, p) in keypoints.iter_mut().enumerate() {
            *p = (r[4 + 2 * k] / s + ax, r[5 + 2 * k] / s + ay);
        }
        found.push(Face {
            x: cx - w / 2.0,
            y: cy - h / 2.0,
            w,
            h,
            score,
            keypoints,
        });
    }
    weighted_nms(found, 0.3)
        .into_iter()
        .map(|f| unletterbox(f, letterbox))
        .collect()
}

/// A face in input fractions moved to fractions of the original picture.
fn unletterbox(f: Face, l: Letterbox) -> Face {
    let map = |(x, y): (f32, f32)| {
        (
            (x * l.size - l.pad.0) / l.scale / l.picture.0,
            (y * l.size - l.pad.1) / l.scale / l.picture.1,
        )
    };
    let (x, y) = map((f.x, f.y));
    let (r, b) = map((f.x + f.w, f.y + f.h));
    Face {
        x,
        y,
        w: r - x,
        h: b - y,
        score: f.score,
        keypoints: f.keypoints.map(map),
    }
}

fn iou(a: &Face, b: &Face) -> f32 {
    let ix = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let iy = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    let inter = ix.max(0.0) * iy.max(0.0);
    let union = a.w * a.h + b.w * b.h - inter;
    if union <= 0.0 {
        0.0
    } else {
        inter / union
    }
}

/// MediaPipe's weighted NMS: each cluster of overlapping boxes becomes their
/// score-weighted mean, with the best one's score.
fn weighted_nms(mut faces: Vec<Face>, threshold: f32) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(best) = faces.first().copied() {
        let (cluster, rest): (Vec<Face>, Vec<Face>) =
            faces.into_iter().partition(|f| iou(&best, f) > threshold);
        faces = rest;
        let total: f32 = cluster.iter().map(|f| f.score).sum();
        let mut merged = Face {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
            score: best.score,
            keypoints: [(0.0, 0.0); 6],
        };
        for f in &cluster {
            let k = f.score / total;
            merged.x += f.x * k;
            merged.y += f.y * k;
            merged.w += f.w * k;
            merged.h += f.h * k;
            for (m, p) in merged.keypoints.iter_mut().zip(f.keypoints) {
                m.0 += p.0 * k;
                m.1 += p.1 * k;
            }
        }
        out.push(merged);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_counts_match_the_models() {
        assert_eq!(FaceRange::Short.anchors().len(), 896);
        assert_eq!(FaceRange::Full.anchors().len(), 2304);
        assert_eq!(FaceRange::Full.anchors()[0], (0.5 / 48.0, 0.5 / 48.0));
    }

    #[test]
    fn one_strong_anchor_decodes_to_its_box_in_the_original_picture() {
        // A 256x128 picture letterboxed into 128: scale 0.5, 32 pixels of bars above.
        let range = FaceRange::Short;
        let n = range.anchors().len();
        let mut scores = vec![-10.0f32; n];
        let mut reg = vec![0.0f32; n * 16];
        // Anchor 0 of the 8x8 layer sits at (1/16, 1/16) of the input.
        let i = 512;
        scores[i] = 5.0;
        reg[i * 16..i * 16 + 4].copy_from_slice(&[56.0, 56.0, 32.0, 32.0]);
        let img = vec![0u8; 256 * 128 * 4];
        let (_, lb) = input(Image::new(256, 128, &img).unwrap(), range);
        let faces = decode(&reg, &scores, range, lb);
        assert_eq!(faces.len(), 1);
        let f = faces[0];
        // Centre at input (64, 64) → picture (128, 64); 32 input px → 64 picture px.
        assert!((f.center().0 - 0.5).abs() < 1e-4 && (f.center().1 - 0.5).abs() < 1e-4);
        assert!(
            (f.w - 0.25).abs() < 1e-4 && (f.h - 0.5).abs() < 1e-4,
            "{f:?}"
        );
    }

    #[test]
    fn overlapping_boxes_merge_into_one() {
        let face = |x: f32, score: f32| Face {
            x,
            y: 0.0,
            w: 1.0,
            h: 1.0,
            score,
            keypoints: [(0.0, 0.0); 6],
        };
        let merged = weighted_nms(vec![face(0.0, 0.9), face(0.1, 0.9), face(5.0, 0.7)], 0.3);
        assert_eq!(merged.len(), 2);
        assert!((merged[0].x - 0.05).abs() < 1e-6);
        assert_eq!(merged[1].score, 0.7);
    }
}
