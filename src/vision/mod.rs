//! Person mask and face detection for the portrait effect and for following a face.
//!
//! Two models from Google's MediaPipe (Apache-2.0), converted to ONNX and shipped inside
//! the binary (`assets/models/portrait/`, with their licence and origin): *selfie
//! segmentation* (a square model, and a landscape one for 16:9 pictures that runs on
//! fewer pixels) gives how likely each pixel is part of a person, *BlazeFace* gives face
//! boxes with six keypoints. They run in pure Rust through `tract-onnx`, loaded and
//! optimised once, on first use, on whichever worker thread asks first
//! ([`TractVision`]); nothing is downloaded.
//!
//! The models sit behind the [`Vision`] trait, with [`FakeVision`] beside the real one.
//! [`analyze`] is what the compositor calls: it smooths the mask over time (so its edge does
//! not flicker), keeps the effect off unless a face was seen (the segmentation model calls
//! a cat a person), and caches each result per source frame, so the preview and an export
//! of the same frame share one inference.
//!
//! This module knows images as RGBA bytes and nothing else: no FFmpeg, no egui, no model of
//! the project.

mod analysis;
mod blazeface;
mod fake;
mod models;
mod resize;

pub use analysis::{analyze, cached, clear_cache, Analysis, FrameKey, Timing, MASK_NEW_WEIGHT};
pub use blazeface::FaceRange;
pub use fake::FakeVision;
pub use models::{load_models, TractVision, EMBEDDED_MODEL_BYTES};
pub use resize::resize_bilinear;

/// Why an image could not be analysed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VisionError {
    /// A model shipped in the binary could not be loaded or optimised.
    #[error("cannot load the {model} model: {message}")]
    Load {
        model: &'static str,
        message: String,
    },
    /// Running a model failed.
    #[error("the {model} model failed on a {width}x{height} picture: {message}")]
    Run {
        model: &'static str,
        width: u32,
        height: u32,
        message: String,
    },
    /// The picture handed in is not `width * height * 4` bytes.
    #[error("a {width}x{height} picture needs {} bytes of RGBA, not {len}", width * height * 4)]
    BadImage { width: u32, height: u32, len: usize },
}

/// A borrowed RGBA picture, red first, `width * height * 4` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Image<'a> {
    pub width: u32,
    pub height: u32,
    pub rgba: &'a [u8],
}

impl<'a> Image<'a> {
    /// A view of `rgba`, checked for its length.
    pub fn new(width: u32, height: u32, rgba: &'a [u8]) -> Result<Image<'a>, VisionError> {
        if rgba.len() != width as usize * height as usize * 4 || width == 0 || height == 0 {
            return Err(VisionError::BadImage {
                width,
                height,
                len: rgba.len(),
            });
        }
        Ok(Image {
            width,
            height,
            rgba,
        })
    }
}

/// How likely each pixel is part of a person, 0 (background) to 255 (person), over the
/// whole picture it was computed from (stretched to `width` × `height`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mask {
    pub width: u32,
    pub height: u32,
    /// `width * height` values, row by row.
    pub alpha: Vec<u8>,
}

impl Mask {
    /// The value at `(x, y)`, or 0 outside.
    pub fn at(&self, x: u32, y: u32) -> u8 {
        if x >= self.width || y >= self.height {
            return 0;
        }
        self.alpha[(y * self.width + x) as usize]
    }
}

/// A face found in a picture, in fractions of the picture's width and height (0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Face {
    /// Left, top, width and height of the face box.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The model's confidence, 0..1.
    pub score: f32,
    /// Right eye, left eye, nose tip, mouth, right ear, left ear (as seen in the picture:
    /// the person's right eye is on the picture's left).
    pub keypoints: [(f32, f32); 6],
}

impl Face {
    /// The centre of the face box.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// The side of the square picture the mask model takes.
pub const MASK_SIZE: u32 = 256;

/// The width and height of the picture the landscape mask model takes: for 16:9 sources
/// (on other shapes it finds people in flags).
pub const LANDSCAPE_MASK: (u32, u32) = (256, 144);

/// A person mask and face detector.
pub trait Vision: Send + Sync + std::fmt::Debug {
    /// A short name, part of the cache key, so two detectors never share results.
    fn name(&self) -> &'static str;
    /// The person mask of `image`: a picture of exactly [`LANDSCAPE_MASK`] goes to the
    /// landscape model, any other size is stretched to the square model's input.
    fn person_mask(&self, image: Image<'_>) -> Result<Mask, VisionError>;
    /// The faces in `image` (any size; letterboxed to the model's input), best first.
    fn faces(&self, image: Image<'_>, range: FaceRange) -> Result<Vec<Face>, VisionError>;
}
