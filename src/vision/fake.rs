//! [`FakeVision`]: a detector that finds the faces it is told, for tests that need no model.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Face, FaceRange, Image, Mask, Vision, VisionError, MASK_SIZE};

/// Finds the faces it was given in every picture, and a person under each: an upright
/// ellipse of head and shoulders. Counts its calls, so tests can see what was cached.
#[derive(Debug, Default)]
pub struct FakeVision {
    faces: Vec<Face>,
    calls: AtomicU64,
}

impl FakeVision {
    /// A detector that sees `faces` (in fractions of the picture) everywhere.
    pub fn with_faces(faces: Vec<Face>) -> FakeVision {
        FakeVision {
            faces,
            calls: AtomicU64::new(0),
        }
    }

    /// A face box with its keypoints where a face has them.
    pub fn face(x: f32, y: f32, w: f32, h: f32) -> Face {
        let at = |fx: f32, fy: f32| (x + fx * w, y + fy * h);
        Face {
            x,
            y,
            w,
            h,
            score: 0.9,
            keypoints: [
                at(0.3, 0.35),
                at(0.7, 0.35),
                at(0.5, 0.55),
                at(0.5, 0.75),
                at(0.0, 0.45),
                at(1.0, 0.45),
            ],
        }
    }

    /// How many times either model was asked.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}

impl Vision for FakeVision {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn person_mask(&self, _image: Image<'_>) -> Result<Mask, VisionError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let s = MASK_SIZE;
        let mut alpha = vec![0u8; (s * s) as usize];
        for f in &self.faces {
            let (cx, cy) = f.center();
            for y in 0..s {
                for x in 0..s {
                    let (u, v) = ((x as f32 + 0.5) / s as f32, (y as f32 + 0.5) / s as f32);
                    let head = ((u - cx) / (0.6 * f.w)).powi(2) + ((v - cy) / (0.7 * f.h)).powi(2);
                    let body = v > cy + 0.5 * f.h && (u - cx).abs() < 1.2 * f.w;
                    if head <= 1.0 || body {
                        alpha[(y * s + x) as usize] = 255;
                    }
                }
            }
        }
        Ok(Mask {
            width: s,
            height: s,
            alpha,
        })
    }

    fn faces(&self, _image: Image<'_>, _range: FaceRange) -> Result<Vec<Face>, VisionError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(self.faces.clone())
    }
}
