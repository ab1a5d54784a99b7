//! Import: turns what the probe found into the timeline's plain [`SourceInfo`], so a
//! probed file can join a project's media pool.

use crate::timeline::{AudioInfo, Rational, Rounding, SourceInfo, Time, VideoInfo};

use super::probe::{ProbeReport, StreamKind};

/// How long a still image lasts when first put on the timeline.
pub const STILL_IMAGE_DURATION: Time = Time::from_secs(5);

impl ProbeReport {
    /// The facts the timeline keeps about this file.
    pub fn source_info(&self) -> SourceInfo {
        let is_still_image = self.is_still_image();
        let video = self.video().map(|(stream, v)| VideoInfo {
            width: v.width,
            height: v.height,
            frame_rate: usable_rate(v.avg_frame_rate)
                .or_else(|| usable_rate(v.frame_rate))
                .unwrap_or(Rational::FPS_30),
            rotation_degrees: v.rotation,
            codec: stream.codec.clone(),
        });
        let audio = self.audio().map(|(stream, a)| AudioInfo {
            sample_rate: a.sample_rate,
            channels: u16::try_from(a.channels).unwrap_or(u16::MAX),
            codec: stream.codec.clone(),
        });
        let duration = if is_still_image {
            STILL_IMAGE_DURATION
        } else {
            let us = self
                .duration_us
                .or_else(|| self.streams.iter().filter_map(|s| s.duration_us).max())
                .unwrap_or(0);
            Time::from_timebase(us, MICROSECONDS, Rounding::Nearest)
        };
        SourceInfo {
            duration,
            video,
            audio,
            is_still_image,
        }
    }

    /// A single picture: an image container, or one video frame and no audio.
    pub fn is_still_image(&self) -> bool {
        let image_container =
            self.container.contains("image2") || self.container.ends_with("_pipe");
        let one_frame = self.audio().is_none()
            && self
                .streams
                .iter()
                .filter(|s| s.kind == StreamKind::Video)
                .all(|s| s.packets <= 1);
        self.video().is_some() && (image_container || one_frame)
    }
}

/// FFmpeg's `AV_TIME_BASE`: the probe's durations are in microseconds.
const MICROSECONDS: Rational = match Rational::new(1, 1_000_000) {
    Some(r) => r,
    None => Rational::FPS_30,
};

fn usable_rate(rate: [i32; 2]) -> Option<Rational> {
    let num = u32::try_from(rate[0]).ok()?;
    let den = u32::try_from(rate[1]).ok()?;
    Rational::new(num, den).filter(|r| r.as_f64() > 0.5 && r.as_f64() < 1000.0)
}
