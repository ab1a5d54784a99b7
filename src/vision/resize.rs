//! Bilinear resizing of RGBA pictures in fixed-point integers, for the models' small inputs.

use super::Image;

/// `src` stretched to `width` × `height` (bilinear, centre-aligned like FFmpeg's and
/// MediaPipe's resizers), as RGBA bytes.
pub fn resize_bilinear(src: Image<'_>, width: u32, height: u32) -> Vec<u8> {
    let (sw, sh) = (src.width as usize, src.height as usize);
    let (w, h) = (width as usize, height as usize);
    let mut out = vec![0u8; w * h * 4];
    // Source positions in 1/256 pixel for each output column and row.
    let xs = positions(sw, w);
    let ys = positions(sh, h);
    for (y, &(y0, y1, fy)) in ys.iter().enumerate() {
        let row0 = &src.rgba[y0 * sw * 4..(y0 + 1) * sw * 4];
        let row1 = &src.rgba[y1 * sw * 4..(y1 + 1) * sw * 4];
        let line = &mut out[y * w * 4..(y + 1) * w * 4];
        for (x, &(x0, x1, fx)) in xs.iter().enumerate() {
            for c in 0..4 {
                let a = u32::from(row0[x0 * 4 + c]) * (256 - fx) + u32::from(row0[x1 * 4 + c]) * fx;
                let b = u32::from(row1[x0 * 4 + c]) * (256 - fx) + u32::from(row1[x1 * 4 + c]) * fx;
                line[x * 4 + c] = ((a * (256 - fy) + b * fy + (1 << 15)) >> 16) as u8;
            }
        }
    }
    out
}

/// For each of `n` output positions: the two source indices and the weight of the
/// second, in 1/256.
pub(super) fn positions(src: usize, n: usize) -> Vec<(usize, usize, u32)> {
    let last = src.saturating_sub(1);
    (0..n)
        .map(|i| {
            // Centre of output pixel i in source pixels, times 256.
            let p = ((2 * i + 1) * src * 256 / (2 * n)) as i64 - 128;
            let p = p.clamp(0, (last * 256) as i64) as usize;
            let i0 = p / 256;
            (i0, (i0 + 1).min(last), (p % 256) as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_picture_stays_flat_at_any_size() {
        let px = [10u8, 200, 30, 255].repeat(7 * 5);
        let img = Image::new(7, 5, &px).unwrap();
        let out = resize_bilinear(img, 16, 3);
        assert!(out.chunks(4).all(|p| p == [10, 200, 30, 255]));
    }

    #[test]
    fn halving_averages_neighbours() {
        // Columns 0, 100, 0, 100 → two columns of 50.
        let mut px = Vec::new();
        for _ in 0..2 {
            for v in [0u8, 100, 0, 100] {
                px.extend([v, v, v, 255]);
            }
        }
        let out = resize_bilinear(Image::new(4, 2, &px).unwrap(), 2, 1);
        assert_eq!(&out[..4], &[50, 50, 50, 255]);
    }
}
