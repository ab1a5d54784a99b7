//! A real face for the vision tests: the astronaut photo (`skimage/data/astronaut.png`,
//! public domain) fetched by `scripts/fetch-test-models.sh`, made into videos of her
//! walking across a frame.

use std::path::{Path, PathBuf};

/// Her face box in the 512² photo: (179, 81), 93 pixels square.
pub const FACE: (f64, f64, f64) = (179.0, 81.0, 93.0);

/// The astronaut photo; the test fails, saying how to get it, when it is missing.
pub fn astronaut() -> PathBuf {
    super::test_model_file("astronaut.png")
}

/// A walk across a frame: the photo at its own size on a grey checkerboard of `size`,
/// feet on the bottom edge, from the left edge to the right in `walk` seconds; the video
/// lasts `seconds`, and from `gone` seconds on (if given) she has left (no face).
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    pub size: (u32, u32),
    pub walk: f64,
    pub seconds: f64,
    pub gone: Option<f64>,
}

impl Walk {
    /// Where her face box starts at `t` seconds (source pixels).
    pub fn face_at(&self, t: f64) -> (f64, f64) {
        let x = f64::from(self.size.0 - 512) * (t / self.walk).min(1.0);
        (x + FACE.0, f64::from(self.size.1 - 512) + FACE.1)
    }

    /// Writes the video as `name` in `dir` (H.264, 30 fps).
    pub fn video(&self, dir: &Path, name: &str) -> PathBuf {
        let out = dir.join(name);
        let enable = self
            .gone
            .map(|g| format!(":enable='lt(t\\,{g})'"))
            .unwrap_or_default();
        let graph = format!(
            "[0][1]overlay=x='(W-w)*min(t/{}\\,1)':y=H-h:shortest=1{enable},format=yuv420p",
            self.walk
        );
        let floor = format!(
            "nullsrc=s={}x{}:r=30:d={},geq=lum='if(mod(floor(X/8)+floor(Y/8),2),200,60)':cb=128:cr=128",
            self.size.0, self.size.1, self.seconds
        );
        let (photo, seconds) = (astronaut(), self.seconds.to_string());
        #[rustfmt::skip]
        super::ffmpeg(&[
            "-f", "lavfi", "-i", &floor,
            "-loop", "1", "-i", photo.to_str().unwrap(),
            "-filter_complex", &graph, "-t", &seconds,
            "-c:v", "libx264", "-crf", "16", "-preset", "veryfast",
        ], &out);
        out
    }
}
