//! What each stream of a probed file is: codec, size, pixel format, frame rates, rotation
//! (from the display matrix), sample rate, channels and bit depth.

use ffmpeg_next as ff;

use super::{rational, to_us, AudioFacts, StreamKind, StreamReport, VideoFacts};

pub(super) fn stream_report(stream: &ff::format::stream::Stream<'_>) -> StreamReport {
    let params = stream.parameters();
    let kind = match params.medium() {
        ff::media::Type::Video => StreamKind::Video,
        ff::media::Type::Audio => StreamKind::Audio,
        ff::media::Type::Subtitle => StreamKind::Subtitle,
        ff::media::Type::Data => StreamKind::Data,
        ff::media::Type::Attachment => StreamKind::Attachment,
        ff::media::Type::Unknown => StreamKind::Unknown,
    };
    let time_base = rational(stream.time_base());
    let duration_us = Some(stream.duration())
        .filter(|d| *d > 0)
        .and_then(|d| to_us(d, time_base));
    let language = stream.metadata().get("language").map(str::to_owned);
    let raw = raw_params(&params);
    let video = (kind == StreamKind::Video).then(|| video_facts(stream, &raw));
    let audio = (kind == StreamKind::Audio).then(|| audio_facts(&raw));
    StreamReport {
        index: stream.index(),
        kind,
        codec: params.id().name().to_owned(),
        time_base,
        duration_us,
        packets: 0,
        language,
        video,
        audio,
    }
}

/// The plain fields of `AVCodecParameters` that `ffmpeg-next` has no safe getter for.
pub(super) struct RawParams {
    format: i32,
    width: i32,
    height: i32,
    sample_rate: i32,
    channels: i32,
    bits_per_raw_sample: i32,
    color_range: ff::ffi::AVColorRange,
}

#[allow(unsafe_code)]
pub(super) fn raw_params(params: &ff::codec::Parameters) -> RawParams {
    // SAFETY: `params` owns a valid, initialised AVCodecParameters for its whole lifetime;
    // we only copy plain integer fields out of it.
    unsafe {
        let p = &*params.as_ptr();
        RawParams {
            format: p.format,
            width: p.width,
            height: p.height,
            sample_rate: p.sample_rate,
            channels: p.ch_layout.nb_channels,
            bits_per_raw_sample: p.bits_per_raw_sample,
            color_range: p.color_range,
        }
    }
}

/// Bits of the first component of a pixel format (8 for `yuv420p`, 10 for `yuv420p10le`).
#[allow(unsafe_code)]
pub(super) fn pixel_depth(pixel: ff::format::Pixel) -> u32 {
    let Some(desc) = pixel.descriptor() else {
        return 0;
    };
    // SAFETY: descriptors are static tables inside libavutil that live for the process.
    let depth = unsafe { (*desc.as_ptr()).comp[0].depth };
    u32::try_from(depth).unwrap_or(0)
}

pub(super) fn video_facts(stream: &ff::format::stream::Stream<'_>, raw: &RawParams) -> VideoFacts {
    let pixel = ff::format::Pixel::from(pixel_format_from_raw(raw.format));
    let pixel_format = pixel
        .descriptor()
        .map(|d| d.name().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let width = u32::try_from(raw.width).unwrap_or(0);
    let height = u32::try_from(raw.height).unwrap_or(0);
    let rotation = rotation_of(stream);
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let color_range = match raw.color_range {
        ff::ffi::AVColorRange::AVCOL_RANGE_JPEG => "full",
        ff::ffi::AVColorRange::AVCOL_RANGE_MPEG => "limited",
        _ if pixel_format.starts_with("yuvj") => "full",
        _ => "unknown",
    }
    .to_owned();
    VideoFacts {
        width,
        height,
        bit_depth: pixel_depth(pixel),
        pixel_format,
        color_range,
        frame_rate: rational(stream.rate()),
        avg_frame_rate: rational(stream.avg_frame_rate()),
        min_frame_interval_us: None,
        max_frame_interval_us: None,
        variable_frame_rate: false,
        rotation,
        display_width,
        display_height,
    }
}

pub(super) fn audio_facts(raw: &RawParams) -> AudioFacts {
    let sample = ff::format::Sample::from(sample_format_from_raw(raw.format));
    let sample_format = if raw.format < 0 {
        "unknown".to_owned()
    } else {
        sample.name().to_owned()
    };
    let decoded_bits = u32::try_from(sample.bytes() * 8).unwrap_or(0);
    let bit_depth = u32::try_from(raw.bits_per_raw_sample)
        .ok()
        .filter(|b| *b > 0)
        .unwrap_or(decoded_bits);
    AudioFacts {
        sample_rate: u32::try_from(raw.sample_rate).unwrap_or(0),
        channels: u32::try_from(raw.channels).unwrap_or(0),
        sample_format,
        bit_depth,
    }
}

#[allow(unsafe_code)]
pub(super) fn pixel_format_from_raw(format: i32) -> ff::ffi::AVPixelFormat {
    if format < 0 || format >= ff::ffi::AVPixelFormat::AV_PIX_FMT_NB as i32 {
        return ff::ffi::AVPixelFormat::AV_PIX_FMT_NONE;
    }
    // SAFETY: `format` is in 0..AV_PIX_FMT_NB, the range of valid discriminants of this
    // C enum as compiled against the installed libavutil.
    unsafe { std::mem::transmute::<i32, ff::ffi::AVPixelFormat>(format) }
}

#[allow(unsafe_code)]
pub(super) fn sample_format_from_raw(format: i32) -> ff::ffi::AVSampleFormat {
    if format < 0 || format >= ff::ffi::AVSampleFormat::AV_SAMPLE_FMT_NB as i32 {
        return ff::ffi::AVSampleFormat::AV_SAMPLE_FMT_NONE;
    }
    // SAFETY: `format` is in 0..AV_SAMPLE_FMT_NB, the valid discriminants of this C enum.
    unsafe { std::mem::transmute::<i32, ff::ffi::AVSampleFormat>(format) }
}

/// Clockwise degrees (0, 90, 180, 270) to show the picture upright, from the display
/// matrix side data or, for older files, a `rotate` tag.
pub(crate) fn rotation_of(stream: &ff::format::stream::Stream<'_>) -> i32 {
    for side in stream.side_data() {
        if side.kind() == ff::codec::packet::side_data::Type::DisplayMatrix {
            if let Some(degrees) = display_matrix_rotation(side.data()) {
                return degrees;
            }
        }
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.trim().parse::<i32>().ok())
        .map(normalise_quarter_turns)
        .unwrap_or(0)
}

/// Reads the rotation of a 3×3 display matrix (nine little-endian `i32`, 16.16 fixed point)
/// the way FFmpeg's `av_display_rotation_get` does, as clockwise degrees.
pub(super) fn display_matrix_rotation(data: &[u8]) -> Option<i32> {
    if data.len() < 36 {
        return None;
    }
    let m: Vec<f64> = data[..36]
        .chunks_exact(4)
        .map(|c| f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let scale0 = m[0].hypot(m[3]);
    let scale1 = m[1].hypot(m[4]);
    if scale0 == 0.0 || scale1 == 0.0 {
        return None;
    }
    // `av_display_rotation_get` returns the negation of this angle as counter-clockwise
    // degrees, so this angle itself is the clockwise turn that shows the picture upright.
    let cw = (m[1] / scale1).atan2(m[0] / scale0).to_degrees();
    #[allow(clippy::cast_possible_truncation)]
    Some(normalise_quarter_turns(cw.round() as i32))
}

pub(super) fn normalise_quarter_turns(degrees: i32) -> i32 {
    let d = degrees.rem_euclid(360);
    ((d + 45) / 90 * 90) % 360
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(values: [i32; 9]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn identity_display_matrix_means_no_rotation() {
        let one = 1 << 16;
        let m = matrix([one, 0, 0, 0, one, 0, 0, 0, 1 << 30]);
        assert_eq!(display_matrix_rotation(&m), Some(0));
    }

    #[test]
    fn phone_portrait_matrix_means_ninety_degrees_clockwise() {
        // What FFmpeg writes for `rotate=90`: [0, 1, 0; -1, 0, 0; ...] in 16.16.
        let one = 1 << 16;
        let m = matrix([0, one, 0, -one, 0, 0, 0, 0, 1 << 30]);
        assert_eq!(display_matrix_rotation(&m), Some(90));
    }

    #[test]
    fn short_display_matrix_is_ignored() {
        assert_eq!(display_matrix_rotation(&[0u8; 12]), None);
    }

    #[test]
    fn rotations_snap_to_quarter_turns() {
        assert_eq!(normalise_quarter_turns(-90), 270);
        assert_eq!(normalise_quarter_turns(89), 90);
        assert_eq!(normalise_quarter_turns(360), 0);
    }
}
