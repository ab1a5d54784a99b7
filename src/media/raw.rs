//! Plain pictures and sound passed between capture and the encoders: no FFmpeg types, so
//! capture backends that never touch FFmpeg (the test pattern, scap) can make them too.

/// One picture in BGRA byte order (the fourth byte is ignored), top row first.
#[derive(Clone, PartialEq, Eq)]
pub struct BgraFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the next (at least `width * 4`).
    pub stride: usize,
    /// `stride * height` bytes.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for BgraFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BgraFrame({}x{}, stride {})",
            self.width, self.height, self.stride
        )
    }
}

impl BgraFrame {
    /// A black picture of this size.
    pub fn black(width: u32, height: u32) -> BgraFrame {
        let stride = width as usize * 4;
        BgraFrame {
            width,
            height,
            stride,
            data: vec![0; stride * height as usize],
        }
    }

    /// The B, G, R bytes of the pixel at (`x`, `y`), or `None` outside the picture.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = y as usize * self.stride + x as usize * 4;
        let p = self.data.get(at..at + 3)?;
        Some([p[0], p[1], p[2]])
    }

    /// True when the buffer is large enough for the stated size and stride.
    pub fn is_consistent(&self) -> bool {
        self.stride >= self.width as usize * 4
            && self.data.len() >= self.stride * self.height as usize
            && self.width > 0
            && self.height > 0
    }

    /// A smaller copy that fits in `max_side`×`max_side`, keeping the aspect (nearest
    /// neighbour: good enough for a picker thumbnail, and cheap).
    pub fn thumbnail(&self, max_side: u32) -> BgraFrame {
        let longest = self.width.max(self.height).max(1);
        if longest <= max_side {
            return self.clone();
        }
        let w = (u64::from(self.width) * u64::from(max_side) / u64::from(longest)).max(1) as u32;
        let h = (u64::from(self.height) * u64::from(max_side) / u64::from(longest)).max(1) as u32;
        let mut out = BgraFrame::black(w, h);
        for y in 0..h {
            let sy = (u64::from(y) * u64::from(self.height) / u64::from(h)) as usize;
            for x in 0..w {
                let sx = (u64::from(x) * u64::from(self.width) / u64::from(w)) as usize;
                let from = sy * self.stride + sx * 4;
                let to = y as usize * out.stride + x as usize * 4;
                if let (Some(src), Some(dst)) =
                    (self.data.get(from..from + 4), out.data.get_mut(to..to + 4))
                {
                    dst.copy_from_slice(src);
                }
            }
        }
        out
    }
}

/// A run of interleaved signed 16-bit samples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioChunk {
    /// Samples per second.
    pub rate: u32,
    /// Channels, interleaved in `samples`.
    pub channels: u16,
    /// `frames * channels` samples.
    pub samples: Vec<i16>,
}

impl AudioChunk {
    /// Number of sample frames (one sample per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / usize::from(self.channels.max(1))
    }

    /// Peak level of the chunk, 0 (silence) to 32767 (full scale), for meters.
    pub fn peak(&self) -> u16 {
        self.samples
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0)
            .min(32767)
    }
}
