//! Decoding through `media::VideoDecoder` against generated files: exact frames after
//! seeks in any order, rotation, odd sizes, 10-bit and full-range sources, stills, and
//! sound read at a speed with its pitch kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::media::{
    AudioRange, AudioReader, PixelRect, Quality, Scaler, VideoDecoder, MIX_RATE, TICKS_PER_SECOND,
};
use common::{ffmpeg_rgba, fixture};

const FRAME: i64 = TICKS_PER_SECOND / 30;

/// Which frame of the grey ramp a decoded picture is, from its red value.
fn ramp_frame_of(red: u8) -> u32 {
    // Limited-range luma y shows as (y - 16) * 255 / 219.
    (0..60)
        .min_by_key(|n| {
            let expect = f64::from(common::gray_ramp_luma(*n) - 16) * 255.0 / 219.0;
            (f64::from(red) - expect).abs() as u32
        })
        .unwrap()
}

fn frame_number_at(decoder: &mut VideoDecoder, scaler: &mut Scaler, time: i64) -> u32 {
    let frame = decoder.frame_at(time).unwrap();
    let rgba = frame
        .to_rgba(PixelRect::full(64, 48), 8, 8, Quality::Fast, scaler)
        .unwrap();
    ramp_frame_of(rgba.pixel(4, 4).unwrap()[0])
}

#[test]
fn seeking_in_any_order_lands_on_the_exact_frame() {
    let path = fixture(&common::GRAY_RAMP);
    let mut d = VideoDecoder::open(&path).unwrap();
    let mut scaler = Scaler::new();
    // Forwards, backwards across keyframes, onto boundaries and inside frames.
    for n in [0u32, 1, 2, 29, 13, 10, 9, 59, 30, 31, 5, 44] {
        let on_boundary = i64::from(n) * FRAME;
        assert_eq!(
            frame_number_at(&mut d, &mut scaler, on_boundary),
            n,
            "at the start of frame {n}"
        );
        let inside = on_boundary + FRAME - 1;
        assert_eq!(
            frame_number_at(&mut d, &mut scaler, inside),
            n,
            "at the end of frame {n}"
        );
    }
}

#[test]
fn reading_every_frame_backwards_gives_each_frame_in_turn() {
    let path = fixture(&common::GRAY_RAMP);
    let mut d = VideoDecoder::open(&path).unwrap();
    let mut scaler = Scaler::new();
    for n in (0u32..60).rev() {
        let t = i64::from(n) * FRAME + FRAME / 2;
        assert_eq!(
            frame_number_at(&mut d, &mut scaler, t),
            n,
            "backwards at frame {n}"
        );
        // Asking again for the same time (slow reverse) gives the same frame.
        assert_eq!(frame_number_at(&mut d, &mut scaler, t), n);
    }
    // And forwards again from the start.
    assert_eq!(frame_number_at(&mut d, &mut scaler, 3 * FRAME), 3);
    assert_eq!(frame_number_at(&mut d, &mut scaler, 4 * FRAME), 4);
}

#[test]
fn times_past_the_end_show_the_last_frame() {
    let path = fixture(&common::GRAY_RAMP);
    let mut d = VideoDecoder::open(&path).unwrap();
    let mut scaler = Scaler::new();
    assert_eq!(
        frame_number_at(&mut d, &mut scaler, 10 * TICKS_PER_SECOND),
        59
    );
}

/// Mean absolute difference per channel between our decode and the ffmpeg CLI's.
fn difference_from_ffmpeg(fx: &common::Fixture) -> (f64, (u32, u32)) {
    let path = fixture(fx);
    let (w, h, theirs) = ffmpeg_rgba(&path, 0);
    let mut d = VideoDecoder::open(&path).unwrap();
    let frame = d.frame_at(0).unwrap();
    let (dw, dh) = frame.display_size();
    let ours = frame
        .to_rgba(
            PixelRect::full(dw, dh),
            dw,
            dh,
            Quality::Export,
            &mut Scaler::new(),
        )
        .unwrap();
    assert_eq!((ours.width, ours.height), (w, h), "{}", fx.name);
    let sum: u64 = ours
        .data
        .iter()
        .zip(&theirs)
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .map(|(_, (a, b))| u64::from(a.abs_diff(*b)))
        .sum();
    (sum as f64 / (f64::from(w * h) * 3.0), (w, h))
}

#[test]
fn a_rotated_phone_video_decodes_upright() {
    let (diff, size) = difference_from_ffmpeg(&common::ROTATED);
    assert_eq!(size, (180, 320));
    assert!(diff < 3.0, "differs from ffmpeg's upright frame by {diff}");
}

#[test]
fn odd_sized_ten_bit_and_full_range_sources_decode_like_ffmpeg() {
    for fx in [
        common::ODD_SIZE,
        common::TEN_BIT,
        common::FULL_RANGE,
        common::VP9_OPUS,
    ] {
        let (diff, _) = difference_from_ffmpeg(&fx);
        assert!(diff < 3.0, "{} differs from ffmpeg by {diff}", fx.name);
    }
}

#[test]
fn a_still_image_shows_the_same_picture_at_every_time() {
    let path = fixture(&common::STILL);
    let mut d = VideoDecoder::open(&path).unwrap();
    assert!(d.is_still());
    assert_eq!(d.display_size(), (200, 100));
    let t0 = d.frame_at(0).unwrap().time;
    let later = d.frame_at(7 * TICKS_PER_SECOND).unwrap().time;
    assert_eq!(t0, later);
}

/// Frequency of a stereo f32 signal from its rising zero crossings.
fn frequency(samples: &[f32]) -> f64 {
    let left: Vec<f32> = samples.iter().step_by(2).copied().collect();
    let crossings = left
        .windows(2)
        .filter(|w| w[0] <= 0.0 && w[1] > 0.0)
        .count();
    crossings as f64 * f64::from(MIX_RATE) / left.len() as f64
}

#[test]
fn sound_at_double_speed_lasts_half_as_long_and_keeps_its_pitch() {
    let path = fixture(&common::H264_AAC);
    let range = AudioRange {
        speed_micro: 2_000_000,
        ..common::make::audio_range(0, 2 * TICKS_PER_SECOND)
    };
    let mut r = AudioReader::open(&path, range).unwrap().unwrap();
    let mut all = Vec::new();
    let mut buf = vec![0.0f32; 4096];
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        all.extend_from_slice(&buf[..n * 2]);
    }
    let seconds = all.len() as f64 / 2.0 / f64::from(MIX_RATE);
    assert!((seconds - 1.0).abs() < 0.03, "lasted {seconds} s");
    let f = frequency(&all[4800..all.len() - 4800]);
    assert!((f - 440.0).abs() < 5.0, "pitch moved to {f} Hz");
}

#[test]
fn mono_44k_sound_is_resampled_to_48k_stereo() {
    let path = fixture(&common::MONO_44K);
    let range = common::make::audio_range(TICKS_PER_SECOND / 2, TICKS_PER_SECOND);
    let mut r = AudioReader::open(&path, range).unwrap().unwrap();
    let mut buf = vec![0.0f32; 48_000 * 2];
    let n = r.read(&mut buf).unwrap();
    assert!(
        (n as i64 - 24_000).abs() < 100,
        "read {n} sample frames for half a second"
    );
    let f = frequency(&buf[..n * 2]);
    assert!((f - 440.0).abs() < 5.0, "tone at {f} Hz");
    // Both channels carry the mono signal.
    assert!(buf[..n * 2]
        .chunks_exact(2)
        .all(|p| (p[0] - p[1]).abs() < 1e-6));
}
