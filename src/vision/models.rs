//! [`TractVision`]: the shipped models run by `tract-onnx`, each loaded and optimised once
//! per process, on first use.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tract_onnx::prelude::*;

use super::blazeface::{self, FaceRange};
use super::resize::resize_bilinear;
use super::{Face, Image, Mask, Vision, VisionError, LANDSCAPE_MASK, MASK_SIZE};

/// MediaPipe selfie segmentation (square input), converted with `--upx2`.
const SELFIE: &[u8] = include_bytes!("../../assets/models/portrait/selfie_segmentation_upx2.onnx");
/// MediaPipe selfie segmentation for 16:9 pictures (256 wide, 144 high), `--upx2`.
const SELFIE_LANDSCAPE: &[u8] =
    include_bytes!("../../assets/models/portrait/selfie_segmentation_landscape_upx2.onnx");
/// BlazeFace short range (128×128).
const FACE_SHORT: &[u8] =
    include_bytes!("../../assets/models/portrait/face_detection_short_range.onnx");
/// BlazeFace full range (192×192), converted with `--upx2`.
const FACE_FULL: &[u8] =
    include_bytes!("../../assets/models/portrait/face_detection_full_range_upx2.onnx");

/// The size of the models compiled into the binary.
pub const EMBEDDED_MODEL_BYTES: usize =
    SELFIE.len() + SELFIE_LANDSCAPE.len() + FACE_SHORT.len() + FACE_FULL.len();

type Plan = Arc<TypedRunnableModel>;

static SELFIE_PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();
static LANDSCAPE_PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();
static SHORT_PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();
static FULL_PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();

/// The real models. Cheap to make: the models themselves are loaded once per process, by
/// the first call that needs each.
#[derive(Clone, Copy, Debug, Default)]
pub struct TractVision;

/// Loads and optimises every shipped model now (they are otherwise loaded on first use)
/// and says how long that took; a second call returns at once.
pub fn load_models() -> Result<Duration, VisionError> {
    let start = Instant::now();
    plan(Model::Selfie)?;
    plan(Model::SelfieLandscape)?;
    plan(Model::FaceShort)?;
    plan(Model::FaceFull)?;
    Ok(start.elapsed())
}

#[derive(Clone, Copy, Debug)]
enum Model {
    Selfie,
    SelfieLandscape,
    FaceShort,
    FaceFull,
}

impl Model {
    fn name(self) -> &'static str {
        match self {
            Model::Selfie => "selfie segmentation",
            Model::SelfieLandscape => "landscape selfie segmentation",
            Model::FaceShort => "short-range face detection",
            Model::FaceFull => "full-range face detection",
        }
    }

    /// The input picture's width and height.
    fn size(self) -> (usize, usize) {
        let side = |n: u32| (n as usize, n as usize);
        match self {
            Model::Selfie => side(MASK_SIZE),
            Model::SelfieLandscape => (LANDSCAPE_MASK.0 as usize, LANDSCAPE_MASK.1 as usize),
            Model::FaceShort => side(FaceRange::Short.input_size()),
            Model::FaceFull => side(FaceRange::Full.input_size()),
        }
    }
}

fn plan(model: Model) -> Result<&'static Plan, VisionError> {
    let (cell, bytes) = match model {
        Model::Selfie => (&SELFIE_PLAN, SELFIE),
        Model::SelfieLandscape => (&LANDSCAPE_PLAN, SELFIE_LANDSCAPE),
        Model::FaceShort => (&SHORT_PLAN, FACE_SHORT),
        Model::FaceFull => (&FULL_PLAN, FACE_FULL),
    };
    let loaded = cell.get_or_init(|| {
        let (w, h) = model.size();
        let load = || -> TractResult<Plan> {
            tract_onnx::onnx()
                .model_for_read(&mut &*bytes)?
                .with_input_fact(0, f32::fact([1, h, w, 3]).into())?
                .into_optimized()?
                .into_runnable()
        };
        load().map_err(|e| format!("{e:#}"))
    });
    loaded.as_ref().map_err(|message| VisionError::Load {
        model: model.name(),
        message: message.clone(),
    })
}

fn run(model: Model, input: Vec<f32>, image: Image<'_>) -> Result<TVec<TValue>, VisionError> {
    let plan = plan(model)?;
    let (w, h) = model.size();
    let err = |e: TractError| VisionError::Run {
        model: model.name(),
        width: image.width,
        height: image.height,
        message: format!("{e:#}"),
    };
    let tensor = Tensor::from_shape(&[1, h, w, 3], &input).map_err(err)?;
    plan.run(tvec!(tensor.into_tvalue())).map_err(err)
}

impl Vision for TractVision {
    fn name(&self) -> &'static str {
        "mediapipe"
    }

    fn person_mask(&self, image: Image<'_>) -> Result<Mask, VisionError> {
        let model = if (image.width, image.height) == LANDSCAPE_MASK {
            Model::SelfieLandscape
        } else {
            Model::Selfie
        };
        let (w, h) = model.size();
        let (w, h) = (w as u32, h as u32);
        let rgba = if (image.width, image.height) == (w, h) {
            None
        } else {
            Some(resize_bilinear(image, w, h))
        };
        let px = rgba.as_deref().unwrap_or(image.rgba);
        let input: Vec<f32> = px
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]].map(|c| f32::from(c) / 255.0))
            .collect();
        let out = run(model, input, image)?;
        let probs = out.first().map(values).unwrap_or_default();
        if probs.len() != (w * h) as usize {
            return Err(VisionError::Run {
                model: model.name(),
                width: image.width,
                height: image.height,
                message: format!("gave {} values, not {}", probs.len(), w * h),
            });
        }
        Ok(Mask {
            width: w,
            height: h,
            alpha: probs
                .iter()
                .map(|p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
                .collect(),
        })
    }

    fn faces(&self, image: Image<'_>, range: FaceRange) -> Result<Vec<Face>, VisionError> {
        let model = match range {
            FaceRange::Short => Model::FaceShort,
            FaceRange::Full => Model::FaceFull,
        };
        let (input, letterbox) = blazeface::input(image, range);
        let out = run(model, input, image)?;
        // Two outputs: 16 regressor values an anchor and one score an anchor.
        let mut regressors = Vec::new();
        let mut scores = Vec::new();
        for t in &out {
            match t.shape().last().copied().unwrap_or(0) {
                16 => regressors = values(t),
                1 => scores = values(t),
                _ => {}
            }
        }
        let anchors = range.anchors().len();
        if regressors.len() != anchors * 16 || scores.len() != anchors {
            return Err(VisionError::Run {
                model: model.name(),
                width: image.width,
                height: image.height,
                message: format!(
                    "gave {} boxes and {} scores, not {anchors}",
                    regressors.len() / 16,
                    scores.len()
                ),
            });
        }
        Ok(blazeface::decode(&regressors, &scores, range, letterbox))
    }
}

/// The numbers of an output, in order (empty if it is not f32).
fn values(t: &TValue) -> Vec<f32> {
    t.to_plain_array_view::<f32>()
        .map(|a| a.iter().copied().collect())
        .unwrap_or_default()
}
