//! The box blur of the portrait effect (its background and its mask's feather): a running
//! sum across each row, then one down the whole picture at once, row by row, so both passes
//! read memory in order and their inner loops are plain arithmetic the compiler vectorises.
//!
//! Edges repeat the last pixel. Each output is the window's sum divided by its width,
//! rounded, as `(sum + width / 2) / width`; the division is a multiplication by a
//! fixed-point reciprocal that gives exactly the same quotient for every sum a window of
//! bytes can reach.

/// `(x + d / 2) / d` for `x` up to 255 · `d`, by multiplication: `m = ⌈2⁴⁰ / d⌉` and
/// `(x + d / 2) · m >> 40`. The reciprocal's error moves the product by less than
/// `(x + d / 2) / 2⁴⁰`, under `256 · d / 2⁴⁰`, which for `d` below 2¹⁶ is less than the
/// `1 / d` that any quotient's fraction stays away from the next integer: it is exact.
#[derive(Clone, Copy)]
struct Divide {
    half: u32,
    m: u64,
}

impl Divide {
    fn by(d: u32) -> Self {
        let d = d.max(1);
        Divide {
            half: d / 2,
            m: (1u64 << 40).div_ceil(u64::from(d)),
        }
    }

    #[inline]
    fn of(self, x: u32) -> u8 {
        ((u64::from(x + self.half) * self.m) >> 40) as u8
    }
}

/// A box blur of `radius` across and then down, in place, on `channels` (1 to 4)
/// interleaved bytes a pixel of a `w` × `h` picture; edges repeat the last pixel.
pub(super) fn box_blur(data: &mut [u8], w: usize, h: usize, channels: usize, radius: usize) {
    if w == 0 || h == 0 || radius == 0 || data.len() < w * h * channels {
        return;
    }
    // A window wider than this could overflow the sums' reciprocal (see `Divide`).
    let radius = radius.min(30_000);
    let data = &mut data[..w * h * channels];
    match channels {
        1 => across::<1>(data, w, radius),
        2 => across::<2>(data, w, radius),
        3 => across::<3>(data, w, radius),
        4 => across::<4>(data, w, radius),
        _ => return,
    }
    down(data, w * channels, h, radius);
}

/// Each row of `w` pixels of `C` bytes blurred across.
fn across<const C: usize>(data: &mut [u8], w: usize, radius: usize) {
    let width = 2 * radius + 1;
    let divide = Divide::by(width as u32);
    // The row with its end pixels repeated `radius` (and one more) times.
    let mut line = vec![0u8; (w + 2 * radius + 1) * C];
    for row in data.chunks_exact_mut(w * C) {
        let (first, last) = (&row[..C], &row[(w - 1) * C..]);
        for i in 0..radius {
            line[i * C..(i + 1) * C].copy_from_slice(first);
        }
        line[radius * C..(radius + w) * C].copy_from_slice(row);
        for i in radius + w..w + 2 * radius + 1 {
            line[i * C..(i + 1) * C].copy_from_slice(last);
        }
        let mut sums = [0u32; C];
        for px in line[..width * C].chunks_exact(C) {
            for (s, &v) in sums.iter_mut().zip(px) {
                *s += u32::from(v);
            }
        }
        let entering = line[width * C..].chunks_exact(C);
        let leaving = line.chunks_exact(C);
        for ((out, enter), leave) in row.chunks_exact_mut(C).zip(entering).zip(leaving) {
            for c in 0..C {
                out[c] = divide.of(sums[c]);
                sums[c] = sums[c] + u32::from(enter[c]) - u32::from(leave[c]);
            }
        }
    }
}

/// The picture (`h` rows of `row` bytes) blurred down, every column at once.
fn down(data: &mut [u8], row: usize, h: usize, radius: usize) {
    let divide = Divide::by((2 * radius + 1) as u32);
    let source = data.to_vec();
    let line = |y: usize| &source[y * row..(y + 1) * row];
    let mut sums = vec![0u32; row];
    // The window of the first row: the top row repeated above it.
    for k in 0..=2 * radius {
        let y = k.saturating_sub(radius).min(h - 1);
        for (s, &v) in sums.iter_mut().zip(line(y)) {
            *s += u32::from(v);
        }
    }
    for (y, out) in data.chunks_exact_mut(row).enumerate() {
        let enter = line((y + radius + 1).min(h - 1));
        let leave = line(y.saturating_sub(radius));
        for (((o, s), &e), &l) in out.iter_mut().zip(&mut sums).zip(enter).zip(leave) {
            *o = divide.of(*s);
            *s = *s + u32::from(e) - u32::from(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blur as a plain sum over each window, clamped at the edges.
    fn reference(data: &[u8], w: usize, h: usize, channels: usize, radius: usize) -> Vec<u8> {
        let r = radius as i64;
        let width = (2 * radius + 1) as u32;
        let pass = |src: &[u8], across: bool| -> Vec<u8> {
            let mut out = src.to_vec();
            for y in 0..h {
                for x in 0..w {
                    for c in 0..channels {
                        let sum: u32 = (-r..=r)
                            .map(|k| {
                                let (xx, yy) = if across {
                                    ((x as i64 + k).clamp(0, w as i64 - 1) as usize, y)
                                } else {
                                    (x, (y as i64 + k).clamp(0, h as i64 - 1) as usize)
                                };
                                u32::from(src[(yy * w + xx) * channels + c])
                            })
                            .sum();
                        out[(y * w + x) * channels + c] = ((sum + width / 2) / width) as u8;
                    }
                }
            }
            out
        };
        pass(&pass(data, true), false)
    }

    #[test]
    fn the_blur_equals_the_sum_over_each_window_for_any_size_and_radius() {
        let mut seed = 12345u32;
        for (w, h, channels, radius) in [
            (20, 1, 1, 2),
            (1, 9, 1, 3),
            (7, 5, 4, 1),
            (13, 11, 4, 6),
            (9, 17, 3, 20),
            (31, 8, 1, 4),
            (5, 5, 2, 2),
        ] {
            let data: Vec<u8> = (0..w * h * channels)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let mut blurred = data.clone();
            box_blur(&mut blurred, w, h, channels, radius);
            assert_eq!(
                blurred,
                reference(&data, w, h, channels, radius),
                "{w}×{h}, {channels} channels, radius {radius}"
            );
        }
    }

    #[test]
    fn the_reciprocal_divides_exactly_for_every_sum_a_window_can_reach() {
        for d in (1..=601).step_by(2).chain([2047, 4095, 60_001]) {
            let divide = Divide::by(d);
            for x in (0..=255 * d).step_by(((255 * d) / 4000).max(1) as usize) {
                assert_eq!(u32::from(divide.of(x)), (x + d / 2) / d, "{x} / {d}");
            }
            assert_eq!(u32::from(divide.of(255 * d)), 255, "{d}");
        }
    }
}
