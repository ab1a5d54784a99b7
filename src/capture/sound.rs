//! Where a recording's sound comes from: a [`SoundInput`] delivers chunks of samples and
//! how long ago they were captured, whichever way the platform records sound — PulseAudio
//! (through FFmpeg's `pulse` device) on Linux, cpal (WASAPI loopback, CoreAudio) on
//! Windows and macOS. The sound thread ([`super::audio`]) places every source's chunks on
//! the recording's clock the same way.

use super::CaptureError;
use crate::media::TimedChunk;

/// Which sound a track records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SoundKind {
    /// What the computer plays.
    System,
    /// A microphone.
    Microphone,
}

/// An open sound capture device.
pub(crate) trait SoundInput: Send {
    /// Samples per second of the chunks it delivers.
    fn rate(&self) -> u32;
    /// Waits for the next chunk, at most about a tenth of a second: `None` when nothing
    /// came (some devices deliver nothing while nothing plays), so the caller can stop.
    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError>;
}

/// A sound input for tests: a tone in 20 ms chunks of 48 kHz stereo, each handed over when
/// a device would have captured it, so the sound thread can be tested without a sound
/// server. The real devices stay covered by the desktop tests (`tests/capture_audio.rs`).
#[cfg(test)]
pub(crate) struct FakeSoundInput {
    hz: f64,
    started: std::time::Instant,
    /// Frames handed over so far.
    frames: u64,
}

#[cfg(test)]
impl FakeSoundInput {
    const RATE: u32 = 48_000;
    const CHUNK: u64 = 960;

    /// A tone of `hz` at half of full scale, starting now.
    pub(crate) fn tone(hz: f64) -> FakeSoundInput {
        FakeSoundInput {
            hz,
            started: std::time::Instant::now(),
            frames: 0,
        }
    }
}

#[cfg(test)]
impl SoundInput for FakeSoundInput {
    fn rate(&self) -> u32 {
        FakeSoundInput::RATE
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        use std::time::Duration;
        let end = self.frames + FakeSoundInput::CHUNK;
        let due = Duration::from_secs_f64(end as f64 / f64::from(FakeSoundInput::RATE));
        std::thread::sleep(due.saturating_sub(self.started.elapsed()));
        let samples = (self.frames..end)
            .flat_map(|n| {
                let t = n as f64 / f64::from(FakeSoundInput::RATE);
                let v = (16_384.0 * (std::f64::consts::TAU * self.hz * t).sin()) as i16;
                [v, v]
            })
            .collect();
        self.frames = end;
        // Its last sample was captured just now: the first one a chunk's length ago.
        let age_us = (FakeSoundInput::CHUNK * 1_000_000 / u64::from(FakeSoundInput::RATE)) as i64;
        Ok(Some(TimedChunk {
            chunk: crate::media::AudioChunk {
                rate: FakeSoundInput::RATE,
                channels: 2,
                samples,
            },
            age_us,
        }))
    }
}

#[cfg(target_os = "linux")]
impl SoundInput for crate::media::PulseInput {
    fn rate(&self) -> u32 {
        crate::media::PulseInput::rate(self)
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        // PulseAudio delivers a chunk every 20 ms, silence included.
        Ok(Some(crate::media::PulseInput::read(self)?))
    }
}

/// Opens the device `name` for `kind` (`@DEFAULT_MONITOR@` or `default` for the default
/// one).
#[cfg(target_os = "linux")]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    let _ = kind; // PulseAudio names monitors and microphones alike.
    Ok(Box::new(crate::media::PulseInput::open(name)?))
}

/// Opens the device `name` for `kind` (`@DEFAULT_MONITOR@` or `default` for the default
/// one).
#[cfg(any(windows, target_os = "macos"))]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    Ok(Box::new(super::cpal_sound::CpalInput::open(kind, name)?))
}

/// Opens the device `name` for `kind`.
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    let _ = kind;
    Err(CaptureError::SoundDevice {
        device: name.to_owned(),
        detail: "recording sound is not supported on this system".into(),
    })
}

/// Opens the sound of one window's program (process `pid` and its tree), or — where that
/// cannot be done here — the whole system sound, with a notice saying why.
pub(crate) fn open_window(
    pid: Option<u32>,
) -> Result<(Box<dyn SoundInput>, Option<String>), CaptureError> {
    let why = match pid {
        None => "the window does not say which process it belongs to".to_owned(),
        Some(pid) => match open_process(pid) {
            Ok(input) => return Ok((input, None)),
            Err(e) => e.to_string(),
        },
    };
    let notice = format!("Recording all system sound, not only the window's: {why}");
    tracing::warn!("{notice}");
    Ok((open(SoundKind::System, "@DEFAULT_MONITOR@")?, Some(notice)))
}

/// The sound of process `pid`'s program: its streams moved to a sink of our own.
#[cfg(target_os = "linux")]
fn open_process(pid: u32) -> Result<Box<dyn SoundInput>, CaptureError> {
    Ok(Box::new(WindowInput::open(pid)?))
}

/// The sound of process `pid`'s program: WASAPI process loopback of its tree.
#[cfg(windows)]
fn open_process(pid: u32) -> Result<Box<dyn SoundInput>, CaptureError> {
    Ok(Box::new(super::process_loopback::ProcessLoopback::open(
        pid,
    )?))
}

/// The sound of process `pid`'s program: a Core Audio process tap of its tree (macOS 14.4
/// and later).
#[cfg(target_os = "macos")]
fn open_process(pid: u32) -> Result<Box<dyn SoundInput>, CaptureError> {
    Ok(Box::new(super::process_tap::ProcessTap::open(pid)?))
}

/// Per-program sound is not recorded on this system yet.
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn open_process(pid: u32) -> Result<Box<dyn SoundInput>, CaptureError> {
    Err(CaptureError::Unsupported(format!(
        "recording one program's sound (process {pid}) is not supported on this system yet"
    )))
}

/// How often the window's program is checked for new streams, ms.
#[cfg(target_os = "linux")]
const FOLLOW_EVERY_MS: u64 = 300;

/// One window's sound on Linux: the monitor of the sink its streams were moved to. The
/// routing is undone when this is dropped (after the capture is closed: fields drop in
/// order).
#[cfg(target_os = "linux")]
struct WindowInput {
    pulse: crate::media::PulseInput,
    routing: super::window_sound::Routing<super::pactl::Pactl>,
    followed_at: std::time::Instant,
    follow_failed: bool,
}

#[cfg(target_os = "linux")]
impl WindowInput {
    fn open(pid: u32) -> Result<WindowInput, CaptureError> {
        let routing = super::window_sound::Routing::start(
            super::pactl::Pactl,
            pid,
            &super::window_sound::state_dir(),
            Box::new(super::process_tree::read_processes),
        )
        .map_err(|e| CaptureError::SoundDevice {
            device: format!("the sound of process {pid}"),
            detail: e.to_string(),
        })?;
        let pulse = crate::media::PulseInput::open(&routing.monitor())?;
        Ok(WindowInput {
            pulse,
            routing,
            followed_at: std::time::Instant::now(),
            follow_failed: false,
        })
    }
}

#[cfg(target_os = "linux")]
impl SoundInput for WindowInput {
    fn rate(&self) -> u32 {
        self.pulse.rate()
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        // Chunks carry their capture time, so the short wait for pactl shifts nothing.
        if self.followed_at.elapsed() >= std::time::Duration::from_millis(FOLLOW_EVERY_MS) {
            self.followed_at = std::time::Instant::now();
            match self.routing.follow() {
                Ok(_) => self.follow_failed = false,
                Err(e) if !self.follow_failed => {
                    self.follow_failed = true;
                    tracing::warn!("cannot follow the window's new sound streams: {e}");
                }
                Err(_) => {}
            }
        }
        // The null sink plays on while nothing plays into it: silence on the clock.
        Ok(Some(self.pulse.read()?))
    }
}

/// Undoes the sound re-routing that recordings killed before they could restore it left
/// (Linux: streams moved to a sink of ours, our sinks and loopbacks), and returns how many
/// were cleaned up. Run once at each start of the program; quick when there is nothing.
pub fn restore_left_routing() -> Result<usize, CaptureError> {
    #[cfg(target_os = "linux")]
    {
        let dir = super::window_sound::state_dir();
        super::window_sound::recover(&mut super::pactl::Pactl, &dir).map_err(|e| {
            CaptureError::SoundDevice {
                device: "the sound routing left by an earlier recording".into(),
                detail: e.to_string(),
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok(0)
    }
}

/// Checks that system sound can be recorded here (Linux: a PulseAudio server with a
/// default output to monitor; Windows and macOS: a default output device), saying why not.
pub fn system_sound_available() -> Result<(), CaptureError> {
    #[cfg(target_os = "linux")]
    {
        open(SoundKind::System, "@DEFAULT_MONITOR@").map(|_| ())
    }
    #[cfg(any(windows, target_os = "macos"))]
    {
        super::cpal_sound::system_sound_available()
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        Err(CaptureError::Unsupported(
            "recording sound is not supported on this system".into(),
        ))
    }
}
