//! Sound capture on Windows and macOS through `cpal`: the microphone is the default input
//! device, and system sound is an input stream built on the default *output* device, which
//! cpal turns into WASAPI loopback on Windows and a CoreAudio loopback tap on macOS
//! (14.6 and later).
//!
//! The device calls back on a thread of its own; each callback's samples are converted to
//! 16-bit stereo, stamped with the moment the device says they were captured, and handed
//! over a small bounded channel to the recorder's sound thread, which places them on the
//! recording's clock like any other source ([`super::sound::SoundInput`]).
//!
//! Compiled only on Windows and macOS; it cannot run on the Linux test machine, so it
//! stays small.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use super::sound::{SoundInput, SoundKind};
use super::sound_chunk::{from_f32, hand_over, receive, to_stereo, Stamped};
use super::CaptureError;
use crate::media::TimedChunk;

/// Chunks waiting for the sound thread (a callback is typically 10 ms: about 1 s).
const QUEUE: usize = 100;

/// How long [`SoundInput::read`] waits before reporting that nothing came (WASAPI loopback
/// delivers nothing while nothing plays).
const WAIT: Duration = Duration::from_millis(50);

/// An open cpal input stream.
pub(crate) struct CpalInput {
    // Kept alive: dropping the stream stops the device.
    _stream: cpal::Stream,
    rx: Receiver<Stamped>,
    rate: u32,
    device: String,
    lost: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for CpalInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CpalInput({})", self.device)
    }
}

fn err(device: &str, detail: impl std::fmt::Display) -> CaptureError {
    CaptureError::SoundDevice {
        device: device.to_owned(),
        detail: detail.to_string(),
    }
}

fn is_default(name: &str) -> bool {
    matches!(name, "" | "default" | "@DEFAULT_MONITOR@")
}

/// The device `name` names (or the default one) for `kind`.
fn find_device(kind: SoundKind, name: &str) -> Result<cpal::Device, CaptureError> {
    let host = cpal::default_host();
    let what = match kind {
        SoundKind::System => "output",
        SoundKind::Microphone => "input",
    };
    if is_default(name) {
        let device = match kind {
            SoundKind::System => host.default_output_device(),
            SoundKind::Microphone => host.default_input_device(),
        };
        return device.ok_or_else(|| err(name, format!("there is no default {what} device")));
    }
    let devices: Vec<cpal::Device> = match kind {
        SoundKind::System => host.output_devices().map(Iterator::collect),
        SoundKind::Microphone => host.input_devices().map(Iterator::collect),
    }
    .map_err(|e| err(name, e))?;
    let label = |d: &cpal::Device| d.description().map(|d| d.name().to_owned()).ok();
    let names: Vec<String> = devices.iter().filter_map(label).collect();
    devices
        .into_iter()
        .find(|d| label(d).is_some_and(|n| n == name))
        .ok_or_else(|| {
            err(
                name,
                format!("no such {what} device; there are: {}", names.join(", ")),
            )
        })
}

/// Hands a converted chunk to the sound thread, stamped with its capture moment.
fn deliver(tx: &SyncSender<Stamped>, rate: u32, samples: Vec<i16>, info: &cpal::InputCallbackInfo) {
    let ts = info.timestamp();
    let age = ts.callback.duration_since(ts.capture);
    // A hung-up sound thread ends the recording; the stream stops when it is dropped.
    let _ = hand_over(tx, rate, samples, age);
}

impl CpalInput {
    /// Opens `name` (`default` or `@DEFAULT_MONITOR@` for the default device) as system
    /// sound (loopback of an output device) or a microphone, in the device's own format.
    pub(crate) fn open(kind: SoundKind, name: &str) -> Result<CpalInput, CaptureError> {
        let device = find_device(kind, name)?;
        let supported = match kind {
            SoundKind::System => device.default_output_config(),
            SoundKind::Microphone => device.default_input_config(),
        }
        .map_err(|e| err(name, e))?;
        let config = supported.config();
        let (rate, channels) = (config.sample_rate, usize::from(config.channels));
        let (tx, rx) = sync_channel(QUEUE);
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let on_error = {
            let lost = lost.clone();
            move |e: cpal::Error| {
                tracing::warn!("sound device failed: {e}");
                lost.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        };
        let timeout = Some(Duration::from_secs(5));
        let stream = match supported.sample_format() {
            cpal::SampleFormat::F32 => device.build_input_stream(
                config,
                move |data: &[f32], info: &cpal::InputCallbackInfo| {
                    deliver(&tx, rate, to_stereo(data, channels, from_f32), info);
                },
                on_error,
                timeout,
            ),
            cpal::SampleFormat::I16 => device.build_input_stream(
                config,
                move |data: &[i16], info: &cpal::InputCallbackInfo| {
                    deliver(&tx, rate, to_stereo(data, channels, |s| s), info);
                },
                on_error,
                timeout,
            ),
            cpal::SampleFormat::I32 => device.build_input_stream(
                config,
                move |data: &[i32], info: &cpal::InputCallbackInfo| {
                    deliver(
                        &tx,
                        rate,
                        to_stereo(data, channels, |s| (s >> 16) as i16),
                        info,
                    );
                },
                on_error,
                timeout,
            ),
            other => {
                return Err(err(
                    name,
                    format!("its sample format {other} is not supported"),
                ))
            }
        }
        .map_err(|e| err(name, e))?;
        stream.play().map_err(|e| err(name, e))?;
        Ok(CpalInput {
            _stream: stream,
            rx,
            rate,
            device: name.to_owned(),
            lost,
        })
    }
}

impl SoundInput for CpalInput {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        if self.lost.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(err(&self.device, "the device stopped delivering sound"));
        }
        receive(&self.rx, WAIT)
            .map_err(|_| err(&self.device, "the device stopped delivering sound"))
    }
}

/// Whether system sound can be recorded here: there is a default output device.
pub(crate) fn system_sound_available() -> Result<(), CaptureError> {
    find_device(SoundKind::System, "default").map(|_| ())
}
