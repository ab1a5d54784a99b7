//! Capture devices through FFmpeg's libavdevice: the X11 screen or one window through
//! `x11grab`, and PulseAudio sources through `pulse`. They hand back plain [`BgraFrame`]s
//! and [`AudioChunk`]s; pacing, scaling and encoding happen elsewhere.
//!
//! Both devices block in `read` until their next frame or chunk is due, so each belongs
//! on its own thread.

use std::ffi::CString;
use std::time::{SystemTime, UNIX_EPOCH};

use ffmpeg_next::{codec, format, Dictionary, Packet};

use super::raw::{AudioChunk, BgraFrame};
use super::record_error::RecordError;

/// What part of an X11 screen to grab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrabSpec {
    /// The X display, e.g. `:0`.
    pub display: String,
    /// One window (its contents, without decorations), or the whole screen when `None`.
    pub window_id: Option<u32>,
    /// A rectangle `(x, y, width, height)` within the window or screen; `None` for all of it.
    pub region: Option<(i32, i32, u32, u32)>,
    /// Frames per second the device paces itself to.
    pub fps: u32,
    /// Draw the mouse pointer into the picture.
    pub draw_mouse: bool,
}

/// An open `x11grab` device.
pub struct X11Grab {
    input: format::context::Input,
    url: String,
    width: u32,
    height: u32,
}

impl std::fmt::Debug for X11Grab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "X11Grab({} {}x{})", self.url, self.width, self.height)
    }
}

/// Registers libavdevice's devices (once) and finds the input device called `name`.
fn input_device(name: &'static str) -> Result<format::Input, RecordError> {
    super::init();
    static DEVICES: std::sync::Once = std::sync::Once::new();
    DEVICES.call_once(ffmpeg_next::device::register_all);
    let c_name = CString::new(name).map_err(|_| RecordError::NoDevice(name))?;
    // SAFETY: `av_find_input_format` reads a NUL-terminated string we own for the call
    // and returns a pointer to a static, immutable format description (or null).
    #[allow(unsafe_code)]
    let ptr = unsafe { ffmpeg_next::ffi::av_find_input_format(c_name.as_ptr()) };
    if ptr.is_null() {
        return Err(RecordError::NoDevice(name));
    }
    // SAFETY: non-null, static for the life of the process (see above).
    #[allow(unsafe_code)]
    let format = unsafe { format::Input::wrap(ptr as *mut _) };
    Ok(format)
}

fn open_device(
    device: &'static str,
    url: &str,
    options: Dictionary<'_>,
) -> Result<format::context::Input, RecordError> {
    let fmt = input_device(device)?;
    let err = |step, source| RecordError::Device {
        device,
        url: url.to_owned(),
        step,
        source,
    };
    match format::open_with(&url, &ffmpeg_next::Format::Input(fmt), options) {
        Ok(format::context::Context::Input(input)) => Ok(input),
        Ok(format::context::Context::Output(_)) => Err(RecordError::Unsupported {
            device,
            url: url.to_owned(),
            detail: "opened as an output".into(),
        }),
        Err(e) => Err(err("opening the device", e)),
    }
}

/// Waits for the next packet of the `device` opened on `url`; `step` names the read in an
/// error.
fn read_packet(
    input: &mut format::context::Input,
    device: &'static str,
    url: &str,
    step: &'static str,
) -> Result<Packet, RecordError> {
    let mut packet = Packet::empty();
    packet.read(input).map_err(|source| RecordError::Device {
        device,
        url: url.to_owned(),
        step,
        source,
    })?;
    Ok(packet)
}

impl X11Grab {
    /// Opens the device. The size is the window's (or screen's) at this moment, or the
    /// region's; reopen to follow a resize.
    pub fn open(spec: &GrabSpec) -> Result<X11Grab, RecordError> {
        let mut opts = Dictionary::new();
        opts.set("framerate", &spec.fps.to_string());
        opts.set("draw_mouse", if spec.draw_mouse { "1" } else { "0" });
        // The stream's format is known from the device; probing frames only delays the
        // start (and every reopen after a resize) by several frames.
        opts.set("probesize", "32");
        opts.set("analyzeduration", "0");
        opts.set("fpsprobesize", "0");
        if let Some(id) = spec.window_id {
            opts.set("window_id", &id.to_string());
        }
        if let Some((x, y, w, h)) = spec.region {
            opts.set("grab_x", &x.to_string());
            opts.set("grab_y", &y.to_string());
            opts.set("video_size", &format!("{w}x{h}"));
        }
        let url = spec.display.clone();
        let input = open_device("x11grab", &url, opts)?;
        let unsupported = |detail: String| RecordError::Unsupported {
            device: "x11grab",
            url: url.clone(),
            detail,
        };
        let Some(stream) = input.streams().best(ffmpeg_next::media::Type::Video) else {
            return Err(unsupported("no video stream".into()));
        };
        let ctx = codec::context::Context::from_parameters(stream.parameters()).map_err(|e| {
            RecordError::Device {
                device: "x11grab",
                url: url.clone(),
                step: "reading the stream format",
                source: e,
            }
        })?;
        let video = ctx.decoder().video().map_err(|e| RecordError::Device {
            device: "x11grab",
            url: url.clone(),
            step: "reading the stream format",
            source: e,
        })?;
        use ffmpeg_next::format::Pixel;
        if !matches!(video.format(), Pixel::BGRZ | Pixel::BGRA) {
            return Err(unsupported(format!(
                "delivers {:?} pixels; only 32-bit BGR displays are supported",
                video.format()
            )));
        }
        Ok(X11Grab {
            width: video.width(),
            height: video.height(),
            input,
            url,
        })
    }

    /// Size of the frames this device delivers.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Waits for and returns the next frame.
    pub fn read(&mut self) -> Result<BgraFrame, RecordError> {
        let packet = read_packet(&mut self.input, "x11grab", &self.url, "grabbing a frame")?;
        let stride = self.width as usize * 4;
        let need = stride * self.height as usize;
        match packet.data() {
            Some(data) if data.len() >= need => Ok(BgraFrame {
                width: self.width,
                height: self.height,
                stride,
                data: data[..need].to_vec(),
            }),
            other => Err(RecordError::Unsupported {
                device: "x11grab",
                url: self.url.clone(),
                detail: format!(
                    "a frame of {} bytes, expected {need}",
                    other.map_or(0, <[u8]>::len)
                ),
            }),
        }
    }
}

/// An open PulseAudio source (`pulse` device), e.g. `rec.monitor` for what a sink plays,
/// or `default` for the default microphone.
pub struct PulseInput {
    input: format::context::Input,
    url: String,
    rate: u32,
    channels: u16,
}

impl std::fmt::Debug for PulseInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PulseInput({})", self.url)
    }
}

/// A chunk of sound and how long ago its first sample was captured.
#[derive(Clone, Debug)]
pub struct TimedChunk {
    /// The samples.
    pub chunk: AudioChunk,
    /// Microseconds between the capture of the first sample and the return of `read`.
    pub age_us: i64,
}

impl PulseInput {
    /// Opens `source` at 48 kHz stereo with ~20 ms chunks.
    pub fn open(source: &str) -> Result<PulseInput, RecordError> {
        let (rate, channels) = (48_000_u32, 2_u16);
        let mut opts = Dictionary::new();
        opts.set("sample_rate", &rate.to_string());
        opts.set("channels", &channels.to_string());
        // 20 ms of s16 stereo: small chunks keep the timestamps close to the sound.
        opts.set("fragment_size", "3840");
        let input = open_device("pulse", source, opts)?;
        Ok(PulseInput {
            input,
            url: source.to_owned(),
            rate,
            channels,
        })
    }

    /// Samples per second of the chunks [`PulseInput::read`] returns.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Waits for and returns the next chunk.
    pub fn read(&mut self) -> Result<TimedChunk, RecordError> {
        let packet = read_packet(&mut self.input, "pulse", &self.url, "reading sound")?;
        let samples: Vec<i16> = packet
            .data()
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        // The device stamps packets with the wall clock (µs) of their first sample.
        let now_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        let age_us = packet
            .pts()
            .map_or(0, |pts| (now_us - pts).clamp(0, 2_000_000));
        Ok(TimedChunk {
            chunk: AudioChunk {
                rate: self.rate,
                channels: self.channels,
                samples,
            },
            age_us,
        })
    }
}
