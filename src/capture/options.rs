//! Recording options: output size presets, frame rate, audio sources, and their parsing
//! from the strings a person types (`1080p`, `1280x720`, `letterbox`).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::CaptureError;
use crate::media::{EncoderChoice, Fit};

/// Output frame size: the source's own, or a fixed width × height.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputSize {
    /// The size of the first captured frame (rounded down to even numbers).
    #[default]
    Source,
    /// A fixed size in pixels (even numbers).
    Fixed(u32, u32),
}

/// Named sizes: `(name, width, height)`.
pub const SIZE_PRESETS: &[(&str, u32, u32)] = &[
    ("2160p", 3840, 2160),
    ("1440p", 2560, 1440),
    ("1080p", 1920, 1080),
    ("720p", 1280, 720),
    ("480p", 854, 480),
    ("1080x1920", 1080, 1920),
    ("vertical", 1080, 1920),
];

impl OutputSize {
    /// The output size for a source of `source` pixels.
    pub fn resolve(self, source: (u32, u32)) -> (u32, u32) {
        match self {
            OutputSize::Source => ((source.0 & !1).max(2), (source.1 & !1).max(2)),
            OutputSize::Fixed(w, h) => (w, h),
        }
    }
}

impl FromStr for OutputSize {
    type Err = CaptureError;

    /// `source`, a preset name (`1080p`, `vertical`…) or `WxH` with even sizes from 16 to
    /// 7680.
    fn from_str(s: &str) -> Result<OutputSize, CaptureError> {
        let s = s.trim().to_lowercase();
        if s == "source" {
            return Ok(OutputSize::Source);
        }
        if let Some((_, w, h)) = SIZE_PRESETS.iter().find(|(n, ..)| *n == s) {
            return Ok(OutputSize::Fixed(*w, *h));
        }
        let names: Vec<&str> = SIZE_PRESETS.iter().map(|(n, ..)| *n).collect();
        let bad = || {
            CaptureError::Invalid(format!(
                "\"{s}\" is not a size: use source, {} or WIDTHxHEIGHT (even numbers, 16 to 7680)",
                names.join(", ")
            ))
        };
        let (w, h) = s.split_once(['x', '×']).ok_or_else(bad)?;
        let (w, h): (u32, u32) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        let ok = |v: u32| (16..=7680).contains(&v) && v.is_multiple_of(2);
        if !ok(w) || !ok(h) {
            return Err(bad());
        }
        Ok(OutputSize::Fixed(w, h))
    }
}

/// Parses `letterbox` or `crop`.
pub fn parse_fit(s: &str) -> Result<Fit, CaptureError> {
    match s.trim().to_lowercase().as_str() {
        "letterbox" | "fit" => Ok(Fit::Letterbox),
        "crop" | "fill" => Ok(Fit::Crop),
        other => Err(CaptureError::Invalid(format!(
            "\"{other}\" is not a fit: use letterbox or crop"
        ))),
    }
}

/// Parses a region `X,Y,WxH` or `X,Y,W,H`.
pub fn parse_region(s: &str) -> Result<(i32, i32, u32, u32), CaptureError> {
    let bad = || CaptureError::Invalid(format!("\"{s}\" is not a region: use X,Y,WIDTHxHEIGHT"));
    let parts: Vec<&str> = s.split([',', 'x']).map(str::trim).collect();
    let [x, y, w, h] = parts.as_slice() else {
        return Err(bad());
    };
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if w < 16 || h < 16 {
        return Err(bad());
    }
    Ok((
        x.parse().map_err(|_| bad())?,
        y.parse().map_err(|_| bad())?,
        w,
        h,
    ))
}

/// Checks a frame rate is one we record at (15 to 120).
pub fn check_fps(fps: u32) -> Result<u32, CaptureError> {
    if (15..=120).contains(&fps) {
        Ok(fps)
    } else {
        Err(CaptureError::Invalid(format!(
            "{fps} fps is out of range: use 15 to 120"
        )))
    }
}

/// Which sound to record, each on its own track.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AudioSelection {
    /// What the computer plays (Linux: a PulseAudio monitor source such as
    /// `alsa_output….monitor`; `@DEFAULT_MONITOR@` picks the default sink's).
    pub system: Option<String>,
    /// A microphone (Linux: a PulseAudio source; `default` for the default one).
    pub mic: Option<String>,
    /// Record only the sound of the recorded window's program (its process tree) on the
    /// system track, instead of everything the computer plays. Where that cannot be done
    /// (no window process, no PulseAudio), the whole system sound is recorded, with a
    /// notice ([`crate::capture::Recorder::sound_notice`]).
    pub window: bool,
}

impl AudioSelection {
    /// Parses `none`, `system`, `window`, `mic`, `system,mic` or `window,mic`, using the
    /// default devices.
    pub fn parse(s: &str) -> Result<AudioSelection, CaptureError> {
        let mut sel = AudioSelection::default();
        for part in s.split(',').map(|p| p.trim().to_lowercase()) {
            match part.as_str() {
                "none" | "" => {}
                "system" => sel.system = Some("@DEFAULT_MONITOR@".into()),
                "window" => sel.window = true,
                "mic" => sel.mic = Some("default".into()),
                other => {
                    return Err(CaptureError::Invalid(format!(
                        "\"{other}\" is not an audio source: use system, window, mic, system,mic, window,mic or none"
                    )))
                }
            }
        }
        if sel.window && sel.system.is_some() {
            return Err(CaptureError::Invalid(
                "system and window sound share one track: pick one of them".into(),
            ));
        }
        Ok(sel)
    }
}

/// Everything the recorder needs besides the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordOptions {
    /// The file to write (an `.mp4`).
    pub output: PathBuf,
    /// Output frame size.
    pub size: OutputSize,
    /// How another shape fills the output.
    pub fit: Fit,
    /// Output frames per second (constant).
    pub fps: u32,
    /// Sound tracks.
    pub audio: AudioSelection,
    /// The process of the recorded window, for [`AudioSelection::window`].
    pub window_pid: Option<u32>,
    /// Stop by itself after this long (of recorded time, pauses excluded).
    pub duration: Option<Duration>,
    /// Video encoder.
    pub encoder: EncoderChoice,
    /// libx264 CRF: 18 (fine) to 28 (small); 23 is the default.
    pub quality: u8,
    /// Replace an existing `output` once the new recording is complete. Without it an
    /// existing file is refused and left alone.
    pub overwrite: bool,
    /// Keep only the last this long in memory (a replay buffer) instead of writing a
    /// file; `output` is then the folder that saved replays go to.
    pub replay: Option<Duration>,
}

impl RecordOptions {
    /// Options for `output` with defaults: source size, letterbox, 30 fps, no sound.
    pub fn new(output: impl Into<PathBuf>) -> RecordOptions {
        RecordOptions {
            output: output.into(),
            size: OutputSize::Source,
            fit: Fit::Letterbox,
            fps: 30,
            audio: AudioSelection::default(),
            window_pid: None,
            duration: None,
            encoder: EncoderChoice::Auto,
            quality: 23,
            overwrite: false,
            replay: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_custom_sizes_parse() {
        let cases = [
            ("1080p", OutputSize::Fixed(1920, 1080)),
            ("480p", OutputSize::Fixed(854, 480)),
            ("1080x1920", OutputSize::Fixed(1080, 1920)),
            ("640x360", OutputSize::Fixed(640, 360)),
            ("Source", OutputSize::Source),
        ];
        for (text, size) in cases {
            assert_eq!(text.parse::<OutputSize>().ok(), Some(size), "{text}");
        }
    }

    #[test]
    fn odd_tiny_or_garbled_sizes_are_refused_with_the_presets_named() {
        for bad in ["641x360", "8x8", "big", "1920x", "99999x100"] {
            let e = bad
                .parse::<OutputSize>()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("1080p"), "{bad}: {e}");
        }
    }

    #[test]
    fn source_size_rounds_down_to_even() {
        assert_eq!(OutputSize::Source.resolve((641, 359)), (640, 358));
    }

    #[test]
    fn regions_parse_in_both_spellings() {
        assert_eq!(parse_region("10,20,640x360").ok(), Some((10, 20, 640, 360)));
        assert_eq!(parse_region("10,20,640,360").ok(), Some((10, 20, 640, 360)));
        assert!(parse_region("10,20").is_err());
    }

    #[test]
    fn frame_rates_outside_15_to_120_are_refused() {
        assert!(check_fps(14).is_err());
        assert!(check_fps(121).is_err());
        assert_eq!(check_fps(60).ok(), Some(60));
    }

    #[test]
    fn audio_lists_parse_into_separate_tracks() {
        let a = AudioSelection::parse("system,mic").ok().unwrap_or_default();
        assert!(a.system.is_some() && a.mic.is_some());
        assert_eq!(
            AudioSelection::parse("none").ok(),
            Some(AudioSelection::default())
        );
        assert!(AudioSelection::parse("speakers").is_err());
        let w = AudioSelection::parse("window,mic").ok().unwrap_or_default();
        assert!(w.window && w.mic.is_some() && w.system.is_none());
        assert!(AudioSelection::parse("system,window").is_err());
    }
}
