//! The recorder's encoder choice: like the export, it tries the hardware encoders —
//! VAAPI among them on Linux — and falls back silently to libx264; a VAAPI encoder asked
//! for by name where there is no VAAPI device is a clear error naming the device.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use clipwright::media::{
    BgraFrame, EncoderChoice, Fit, PictureConverter, RecordError, VideoEncoder, VAAPI_DEVICE,
};

fn has_vaapi_device() -> bool {
    Path::new(VAAPI_DEVICE).exists()
}

/// A grey 320×240 picture as captured.
fn grey() -> BgraFrame {
    BgraFrame {
        width: 320,
        height: 240,
        stride: 320 * 4,
        data: vec![128; 320 * 240 * 4],
    }
}

#[test]
fn the_automatic_choice_tries_vaapi_before_libx264_on_linux() {
    let names = EncoderChoice::Auto.candidates();
    assert_eq!(names.last(), Some(&"libx264"));
    if cfg!(target_os = "linux") {
        let vaapi = names.iter().position(|n| *n == "h264_vaapi");
        assert!(vaapi.is_some_and(|i| i + 1 < names.len()), "{names:?}");
    }
}

#[test]
fn without_a_vaapi_device_a_recording_falls_back_silently_to_libx264() {
    if has_vaapi_device() {
        return;
    }
    let mut enc = VideoEncoder::open((320, 240), 30, 23, &EncoderChoice::Auto, 0).unwrap();
    // No GPU here: NVENC and VAAPI both failed to open, and nothing was said about it.
    assert_eq!(enc.name(), "libx264");
    let mut convert = PictureConverter::new((320, 240), Fit::Letterbox, enc.picture_format());
    let mut packets = 0;
    for i in 0..30 {
        packets += enc
            .encode(convert.convert(&grey()).unwrap(), i)
            .unwrap()
            .len();
    }
    packets += enc.finish().unwrap().len();
    assert_eq!(packets, 30);
}

#[test]
fn asking_a_recording_for_vaapi_without_a_device_names_the_device() {
    if has_vaapi_device() {
        return;
    }
    let choice = EncoderChoice::Named("h264_vaapi".to_owned());
    let err = VideoEncoder::open((320, 240), 30, 23, &choice, 0).unwrap_err();
    assert!(matches!(err, RecordError::Encoder { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("h264_vaapi")
            && text.contains(&format!("no VAAPI device ({VAAPI_DEVICE} does not exist)")),
        "{text}"
    );
}
