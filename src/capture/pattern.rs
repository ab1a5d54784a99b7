//! The test pattern: a capture backend that needs no screen. It draws a moving picture
//! at a fixed rate — a sweeping bar over a shifting background, with the frame number
//! written as a row of black and white blocks — so every frame differs and a decoded
//! recording can be checked for order, drops and repeats.

use std::time::{Duration, Instant};

use super::{
    BgraFrame, CaptureBackend, CaptureError, Frame, FrameSource, Grabbed, SourceSettings, Target,
    TargetKind, TargetSpec,
};

/// Bits of the frame counter drawn in the top row, and the size of each block.
pub const COUNTER_BITS: u32 = 16;
/// Side of one counter block in pixels.
pub const COUNTER_BLOCK: u32 = 16;

/// A headless backend that offers one "display" showing a test pattern.
#[derive(Clone, Debug)]
pub struct TestPattern {
    /// Size of the pattern.
    pub width: u32,
    /// Size of the pattern.
    pub height: u32,
}

impl TestPattern {
    /// A pattern of this size.
    pub fn new(width: u32, height: u32) -> TestPattern {
        TestPattern {
            width: width.max(COUNTER_BITS * COUNTER_BLOCK / 2),
            height: height.max(COUNTER_BLOCK * 2),
        }
    }

    fn target(&self) -> Target {
        Target {
            id: 0,
            kind: TargetKind::Display,
            title: "Test pattern".into(),
            app: "clipwright".into(),
            x: 0,
            y: 0,
            width: self.width,
            height: self.height,
            pid: Some(std::process::id()),
        }
    }
}

impl CaptureBackend for TestPattern {
    fn targets(&self) -> Result<Vec<Target>, CaptureError> {
        Ok(vec![self.target()])
    }

    fn thumbnail(&self, _target: &Target, max_side: u32) -> Result<BgraFrame, CaptureError> {
        Ok(draw(self.width, self.height, 0).thumbnail(max_side))
    }

    fn start(
        &self,
        spec: &TargetSpec,
        settings: &SourceSettings,
    ) -> Result<Box<dyn FrameSource>, CaptureError> {
        if !matches!(spec, TargetSpec::Display(0)) {
            return Err(CaptureError::Unsupported(
                "the test pattern offers only display 0".into(),
            ));
        }
        Ok(Box::new(PatternSource {
            width: self.width,
            height: self.height,
            interval: Duration::from_micros(1_000_000 / u64::from(settings.fps.max(1))),
            start: None,
            n: 0,
        }))
    }
}

struct PatternSource {
    width: u32,
    height: u32,
    interval: Duration,
    start: Option<Instant>,
    n: u32,
}

impl FrameSource for PatternSource {
    fn next(&mut self) -> Result<Grabbed, CaptureError> {
        let start = *self.start.get_or_insert_with(Instant::now);
        let due = start + self.interval * self.n;
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        let image = draw(self.width, self.height, self.n);
        self.n = self.n.wrapping_add(1);
        Ok(Grabbed::Frame(Frame {
            image,
            captured_at: Instant::now(),
        }))
    }
}

/// Draws pattern frame number `n`.
pub fn draw(width: u32, height: u32, n: u32) -> BgraFrame {
    let mut f = BgraFrame::black(width, height);
    let bar_w = (width / 16).max(4);
    let bar_x = (n * 8) % width.max(1);
    let shade = (n % 256) as u8;
    // One row template (blue across, the bar white); each row then only sets its green.
    let mut template = vec![255_u8; width as usize * 4];
    for (x, px) in (0..width).zip(template.chunks_exact_mut(4)) {
        if !(x >= bar_x && x < bar_x + bar_w) {
            px[0] = (x * 255 / width.max(1)) as u8;
            px[2] = shade;
        }
    }
    for (y, row) in (0..height).zip(f.data.chunks_exact_mut(f.stride)) {
        let g = (y * 255 / height.max(1)) as u8;
        row[..template.len()].copy_from_slice(&template);
        for (x, px) in (0..width).zip(row.chunks_exact_mut(4)) {
            if !(x >= bar_x && x < bar_x + bar_w) {
                px[1] = g;
            }
        }
    }
    // The counter: bit i (most significant first) as a block, white for 1.
    for bit in 0..COUNTER_BITS {
        let on = (n >> (COUNTER_BITS - 1 - bit)) & 1 == 1;
        let v = if on { 255 } else { 0 };
        for y in 0..COUNTER_BLOCK.min(height) {
            for x in bit * COUNTER_BLOCK..((bit + 1) * COUNTER_BLOCK).min(width) {
                let at = y as usize * f.stride + x as usize * 4;
                if let Some(d) = f.data.get_mut(at..at + 4) {
                    d.copy_from_slice(&[v, v, v, 255]);
                }
            }
        }
    }
    f
}

/// Reads the frame counter back from a picture drawn by [`draw`] (after scaling to
/// `width`, as long as the blocks stay a few pixels wide): the middle of each block is
/// light for 1. `None` when the picture is too small to hold the counter.
pub fn read_counter(f: &BgraFrame, source_width: u32) -> Option<u32> {
    let scale_num = f.width;
    let scale_den = source_width.max(1);
    let mut n = 0;
    for bit in 0..COUNTER_BITS {
        let x = (bit * COUNTER_BLOCK + COUNTER_BLOCK / 2) * scale_num / scale_den;
        let y = (COUNTER_BLOCK / 2) * scale_num / scale_den;
        let [b, g, r] = f.pixel(x, y)?;
        let light = (u32::from(b) + u32::from(g) + u32::from(r)) / 3 > 128;
        n = (n << 1) | u32::from(light);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_reads_back_what_was_drawn() {
        for n in [0, 1, 2, 255, 4321, 65535] {
            assert_eq!(read_counter(&draw(320, 180, n), 320), Some(n));
        }
    }

    #[test]
    fn consecutive_frames_differ() {
        assert_ne!(draw(320, 180, 7), draw(320, 180, 8));
    }

    #[test]
    fn the_pattern_source_paces_itself_to_the_frame_rate() {
        let backend = TestPattern::new(320, 180);
        let settings = SourceSettings {
            fps: 50,
            cursor: false,
            reacquire: false,
        };
        let Ok(mut source) = backend.start(&TargetSpec::Display(0), &settings) else {
            panic!("the pattern starts");
        };
        let start = Instant::now();
        for _ in 0..11 {
            assert!(matches!(source.next(), Ok(Grabbed::Frame(_))));
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(195), "{took:?}");
    }
}
