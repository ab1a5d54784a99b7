//! Encoding for recordings: turning captured BGRA pictures into the encoder's YUV at the
//! output size (letterboxed or cropped), H.264 video (hardware first, libx264 after) and
//! AAC sound. Everything here is called from the recorder's worker threads.
//!
//! A VAAPI encoder is tried like the export tries it ([`super::hwupload`]): pictures are
//! converted to NV12 as for any encoder, then copied into a GPU surface before encoding;
//! without a VAAPI device it fails to open and the next candidate is used.

use ffmpeg_next::codec::threading;
use ffmpeg_next::format::Pixel;
use ffmpeg_next::{codec, encoder, Dictionary, Packet, Rational};

use super::hwupload::HwUpload;
use super::record_error::RecordError;

mod audio;
mod picture;

pub use audio::AudioEncoder;
pub use picture::{placement, EncoderFrame, Fit, PictureConverter, PictureFormat, Rect};

/// A compressed packet on its way to the file (opaque).
pub struct EncodedPacket {
    pub(crate) packet: Packet,
    pub(crate) time_base: Rational,
    pub(crate) track: usize,
}

impl std::fmt::Debug for EncodedPacket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "EncodedPacket(track {}, {} bytes)",
            self.track,
            self.packet.size()
        )
    }
}

impl EncodedPacket {
    /// Size in bytes.
    pub fn size(&self) -> usize {
        self.packet.size()
    }
}

/// What the file needs to know about a track before anything is written.
pub struct TrackSetup {
    pub(crate) parameters: codec::Parameters,
    pub(crate) time_base: Rational,
    pub(crate) frame_rate: Option<Rational>,
}

impl std::fmt::Debug for TrackSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrackSetup({:?})", self.parameters.id())
    }
}

/// Which video encoder to use.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum EncoderChoice {
    /// A hardware encoder if one opens, else libx264.
    #[default]
    Auto,
    /// This FFmpeg encoder by name, e.g. `libx264`.
    Named(String),
}

/// Hardware H.264 encoders worth trying on this platform, best first. VAAPI's pictures
/// go through a GPU surface pool ([`HwUpload`]); the others take system-memory frames.
fn hardware_candidates() -> &'static [&'static str] {
    if cfg!(target_os = "macos") {
        &["h264_videotoolbox"]
    } else if cfg!(windows) {
        &["h264_nvenc", "h264_qsv", "h264_amf", "h264_mf"]
    } else {
        &["h264_nvenc", "h264_vaapi"]
    }
}

impl EncoderChoice {
    /// The encoders [`VideoEncoder::open`] tries, in order: for `Auto`, this platform's
    /// hardware ones, then libx264.
    pub fn candidates(&self) -> Vec<&str> {
        match self {
            EncoderChoice::Auto => hardware_candidates()
                .iter()
                .copied()
                .chain(["libx264"])
                .collect(),
            EncoderChoice::Named(n) => vec![n.as_str()],
        }
    }
}

/// An open H.264 encoder producing one frame per output tick (constant frame rate).
pub struct VideoEncoder {
    encoder: encoder::Video,
    format: Pixel,
    /// For VAAPI: where each picture is copied to the GPU before encoding.
    upload: Option<HwUpload>,
    name: String,
    track: usize,
}

impl std::fmt::Debug for VideoEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VideoEncoder({})", self.name)
    }
}

impl VideoEncoder {
    /// Opens an encoder for `size` at `fps` with a keyframe every second (so the file's
    /// fragments are a second long). `quality` is libx264's CRF (18 fine … 28 small).
    pub fn open(
        size: (u32, u32),
        fps: u32,
        quality: u8,
        choice: &EncoderChoice,
        track: usize,
    ) -> Result<VideoEncoder, RecordError> {
        super::init();
        let names = choice.candidates();
        let mut why = Vec::new();
        for name in &names {
            match open_video(name, size, fps, quality) {
                Ok((encoder, format, upload)) => {
                    return Ok(VideoEncoder {
                        encoder,
                        format,
                        upload,
                        name: (*name).to_owned(),
                        track,
                    })
                }
                Err(e) => why.push(format!("{name}: {e}")),
            }
        }
        Err(RecordError::Encoder {
            what: "H.264 video",
            tried: names.join(", "),
            detail: why.join("; "),
        })
    }

    /// The pixel format this encoder takes.
    pub fn picture_format(&self) -> PictureFormat {
        PictureFormat(self.format)
    }

    /// FFmpeg's name of the encoder in use, e.g. `libx264`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the file needs to hold this track.
    pub fn setup(&self) -> TrackSetup {
        TrackSetup {
            parameters: codec::Parameters::from(&self.encoder),
            time_base: self.encoder.time_base(),
            frame_rate: Some(self.encoder.frame_rate()),
        }
    }

    /// Encodes `frame` as output frame number `index`.
    pub fn encode(
        &mut self,
        mut frame: EncoderFrame,
        index: i64,
    ) -> Result<Vec<EncodedPacket>, RecordError> {
        frame.0.set_pts(Some(index));
        if let Some(upload) = &self.upload {
            let surface = upload
                .upload(&frame.0)
                .map_err(|source| RecordError::Codec {
                    step: "copying a picture to the GPU",
                    source,
                })?;
            frame.0 = surface;
        }
        self.encoder
            .send_frame(&frame.0)
            .map_err(|source| RecordError::Codec {
                step: "encoding a video frame",
                source,
            })?;
        self.drain()
    }

    /// Flushes the encoder's delayed frames at the end of a recording.
    pub fn finish(&mut self) -> Result<Vec<EncodedPacket>, RecordError> {
        self.encoder
            .send_eof()
            .map_err(|source| RecordError::Codec {
                step: "finishing the video",
                source,
            })?;
        self.drain()
    }

    fn drain(&mut self) -> Result<Vec<EncodedPacket>, RecordError> {
        drain(&mut self.encoder, self.track, "encoding video")
    }
}

fn drain(
    enc: &mut encoder::Encoder,
    track: usize,
    step: &'static str,
) -> Result<Vec<EncodedPacket>, RecordError> {
    let time_base = enc.time_base();
    let mut out = Vec::new();
    loop {
        let mut packet = Packet::empty();
        match enc.receive_packet(&mut packet) {
            Ok(()) => out.push(EncodedPacket {
                packet,
                time_base,
                track,
            }),
            Err(ffmpeg_next::Error::Eof) => return Ok(out),
            Err(ffmpeg_next::Error::Other { errno }) if errno == libc_eagain() => return Ok(out),
            Err(source) => return Err(RecordError::Codec { step, source }),
        }
    }
}

const fn libc_eagain() -> i32 {
    if cfg!(target_os = "macos") {
        35
    } else {
        11
    }
}

/// Opens encoder `name`; also gives the pixel format pictures must be converted to and,
/// for VAAPI, the surface pool they are copied into.
fn open_video(
    name: &str,
    size: (u32, u32),
    fps: u32,
    quality: u8,
) -> Result<(encoder::Video, Pixel, Option<HwUpload>), String> {
    let codec = encoder::find_by_name(name).ok_or("not in this FFmpeg build")?;
    let formats: Vec<Pixel> = codec
        .video()
        .map_err(|e| e.to_string())?
        .formats()
        .map(Iterator::collect)
        .unwrap_or_default();
    // VAAPI takes only GPU surfaces: pictures are made in NV12 and uploaded.
    let upload = if name.ends_with("_vaapi") {
        Some(HwUpload::vaapi(size.0, size.1, name).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let format = match &upload {
        Some(u) => u.sw_format(),
        None => [Pixel::YUV420P, Pixel::NV12]
            .into_iter()
            .find(|f| formats.is_empty() || formats.contains(f))
            .ok_or("takes neither YUV 4:2:0 nor NV12 pictures")?,
    };
    let mut ctx = codec::context::Context::new_with_codec(codec);
    // As many encoder threads as the encoder likes (libavcodec's default is one): at one
    // thread libx264 cannot keep up with 1080p30 on a busy machine, and the recording
    // drops frames. Frame threads add a few frames of delay, far below a fragment.
    ctx.set_threading(threading::Config {
        kind: threading::Type::Frame,
        count: 0,
        safe: false,
    });
    let mut enc = ctx.encoder().video().map_err(|e| e.to_string())?;
    let fps_i = i32::try_from(fps).unwrap_or(30);
    enc.set_width(size.0);
    enc.set_height(size.1);
    enc.set_format(format);
    enc.set_time_base(Rational::new(1, fps_i));
    enc.set_frame_rate(Some(Rational::new(fps_i, 1)));
    enc.set_gop(fps);
    enc.set_max_b_frames(0);
    enc.set_flags(codec::Flags::GLOBAL_HEADER);
    let mut opts = Dictionary::new();
    if name == "libx264" {
        opts.set("preset", "veryfast");
        opts.set("crf", &quality.to_string());
        // A keyframe exactly every second: fragments of one second, whatever the content.
        opts.set("x264-params", &format!("scenecut=0:keyint_min={fps}"));
    } else {
        // Hardware encoders: a bit rate for the size (≈ 0.1 bit a pixel at 30 fps).
        let bits = u64::from(size.0) * u64::from(size.1) * u64::from(fps) / 10;
        enc.set_bit_rate(usize::try_from(bits).unwrap_or(8_000_000));
    }
    if let Some(upload) = &upload {
        upload.attach(&mut enc).map_err(|e| e.to_string())?;
    }
    let opened = enc.open_with(opts).map_err(|e| e.to_string())?;
    Ok((opened, format, upload))
}
