//! Encoding for recordings: turning captured BGRA pictures into the encoder's YUV at the
//! output size (letterboxed or cropped), H.264 video (hardware first, libx264 after) and
//! AAC sound. Everything here is called from the recorder's worker threads.
//!
//! A VAAPI encoder is tried like the export tries it ([`super::hwupload`]): pictures are
//! converted to NV12 as for any encoder, then copied into a GPU surface before encoding;
//! without a VAAPI device it fails to open and the next candidate is used.

use ffmpeg_next::codec::threading;
use ffmpeg_next::format::{sample, Pixel, Sample};
use ffmpeg_next::software::scaling;
use ffmpeg_next::{codec, encoder, frame, ChannelLayout, Dictionary, Packet, Rational};

use super::hwupload::HwUpload;
use super::raw::{AudioChunk, BgraFrame};
use super::record_error::RecordError;

/// How a picture of another shape fills the output frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fit {
    /// The whole picture, with black bars where the shapes differ.
    #[default]
    Letterbox,
    /// The output filled, the picture's overhanging sides cut off.
    Crop,
}

/// A rectangle `x, y, width, height` in pixels.
pub type Rect = (u32, u32, u32, u32);

/// Where a `src` picture goes in an `out` frame: the part of the source that is used, and
/// the rectangle of the output it is scaled into (sizes and offsets in the output even, as
/// 4:2:0 chroma needs).
pub fn placement(src: (u32, u32), out: (u32, u32), fit: Fit) -> (Rect, Rect) {
    let (sw, sh) = (u64::from(src.0.max(1)), u64::from(src.1.max(1)));
    let (ow, oh) = (u64::from(out.0.max(2)), u64::from(out.1.max(2)));
    let even = |v: u64| (v & !1).max(2);
    match fit {
        Fit::Letterbox => {
            // Scale by min(ow/sw, oh/sh), compared without division.
            let (w, h) = if sw * oh >= sh * ow {
                (ow, even(sh * ow / sw).min(oh))
            } else {
                (even(sw * oh / sh).min(ow), oh)
            };
            let (x, y) = (even_floor((ow - w) / 2), even_floor((oh - h) / 2));
            (
                (0, 0, src.0, src.1),
                (x as u32, y as u32, w as u32, h as u32),
            )
        }
        Fit::Crop => {
            let (cw, ch) = if sw * oh > sh * ow {
                ((ow * sh / oh).clamp(1, sw), sh)
            } else {
                (sw, (oh * sw / ow).clamp(1, sh))
            };
            let (cx, cy) = ((sw - cw) / 2, (sh - ch) / 2);
            (
                (cx as u32, cy as u32, cw as u32, ch as u32),
                (0, 0, ow as u32, oh as u32),
            )
        }
    }
}

fn even_floor(v: u64) -> u64 {
    v & !1
}

/// A picture ready for the video encoder (opaque: it holds an FFmpeg frame).
pub struct EncoderFrame(frame::Video);

impl EncoderFrame {
    /// Another handle on the same picture, without copying it: how a picture is repeated
    /// to keep the frame rate constant. Pictures are never written after conversion, so
    /// sharing their buffers is safe.
    pub fn share(&self) -> Result<EncoderFrame, RecordError> {
        let mut f = frame::Video::empty();
        // SAFETY: `f` is a freshly allocated, empty AVFrame (as av_frame_ref requires) and
        // `self.0` a valid AVFrame with reference-counted buffers (made by
        // av_frame_get_buffer); av_frame_ref adds references to those buffers and copies
        // the frame's properties. Both frames are freed by their wrappers.
        #[allow(unsafe_code)]
        let r = unsafe { ffmpeg_next::ffi::av_frame_ref(f.as_mut_ptr(), self.0.as_ptr()) };
        if r < 0 {
            return Err(RecordError::Codec {
                step: "repeating a frame",
                source: ffmpeg_next::Error::from(r),
            });
        }
        Ok(EncoderFrame(f))
    }
}

impl std::fmt::Debug for EncoderFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncoderFrame({}x{})", self.0.width(), self.0.height())
    }
}

/// Scales captured pictures into the output size and the encoder's pixel format. Lives on
/// one thread (FFmpeg's scaler is not `Send`); rebuilds itself when the source size changes.
pub struct PictureConverter {
    out: (u32, u32),
    fit: Fit,
    format: Pixel,
    scaler: Option<(u32, u32, Rect, Rect, scaling::Context)>,
}

impl std::fmt::Debug for PictureConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PictureConverter({:?} {:?})", self.out, self.fit)
    }
}

/// The pixel format an encoder takes (opaque), to build a [`PictureConverter`] on
/// another thread than the encoder's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PictureFormat(Pixel);

impl PictureConverter {
    /// A converter to `out` (even sizes) in `format` (see [`VideoEncoder::picture_format`]).
    pub fn new(out: (u32, u32), fit: Fit, format: PictureFormat) -> PictureConverter {
        PictureConverter {
            out,
            fit,
            format: format.0,
            scaler: None,
        }
    }

    /// Scales `src` into a new output frame.
    pub fn convert(&mut self, src: &BgraFrame) -> Result<EncoderFrame, RecordError> {
        let codec_err = |source| RecordError::Codec {
            step: "scaling a captured frame",
            source,
        };
        if !src.is_consistent() {
            return Err(codec_err(ffmpeg_next::Error::InvalidData));
        }
        let rebuild =
            !matches!(&self.scaler, Some((w, h, ..)) if *w == src.width && *h == src.height);
        if rebuild {
            let (crop, dst) = placement((src.width, src.height), self.out, self.fit);
            let ctx = scaling::Context::get(
                Pixel::BGRA,
                crop.2,
                crop.3,
                self.format,
                dst.2,
                dst.3,
                scaling::Flags::BILINEAR,
            )
            .map_err(codec_err)?;
            self.scaler = Some((src.width, src.height, crop, dst, ctx));
        }
        let Some((_, _, crop, dst, ctx)) = self.scaler.as_mut() else {
            return Err(codec_err(ffmpeg_next::Error::Bug));
        };
        let (crop, dst) = (*crop, *dst);
        let full = dst.2 == self.out.0 && dst.3 == self.out.1;
        let mut out = frame::Video::new(self.format, self.out.0, self.out.1);
        if full {
            scale_from(ctx, src, crop, &mut out)?;
        } else {
            let mut inner = frame::Video::new(self.format, dst.2, dst.3);
            scale_from(ctx, src, crop, &mut inner)?;
            paint_black(&mut out);
            blit(&inner, &mut out, dst.0 as usize, dst.1 as usize);
        }
        Ok(EncoderFrame(out))
    }
}

/// Scales the `crop` rectangle of `src` straight from its buffer into `out` (which has
/// the scaler's output size and format), without first copying it into an FFmpeg frame.
fn scale_from(
    ctx: &mut scaling::Context,
    src: &BgraFrame,
    crop: Rect,
    out: &mut frame::Video,
) -> Result<(), RecordError> {
    let (x, y, w, h) = (
        crop.0 as usize,
        crop.1 as usize,
        crop.2 as usize,
        crop.3 as usize,
    );
    let fits = w > 0
        && h > 0
        && (x + w) * 4 <= src.stride
        && (y + h) * src.stride <= src.data.len()
        && out.width() == ctx.output().width
        && out.height() == ctx.output().height
        && out.format() == ctx.output().format
        && ctx.input().width == crop.2
        && ctx.input().height == crop.3;
    let stride = i32::try_from(src.stride).ok();
    let (true, Some(stride)) = (fits, stride) else {
        return Err(RecordError::Codec {
            step: "scaling a captured frame",
            source: ffmpeg_next::Error::InvalidData,
        });
    };
    let first = y * src.stride + x * 4;
    let planes: [*const u8; 4] = [
        src.data[first..].as_ptr(),
        std::ptr::null(),
        std::ptr::null(),
        std::ptr::null(),
    ];
    let strides: [i32; 4] = [stride, 0, 0, 0];
    // SAFETY: the source plane starts inside `src.data` and the checks above guarantee
    // `h` rows of `stride` bytes, each holding `w` BGRA pixels, lie within it; the
    // scaler was made for a `w`×`h` BGRA input and for exactly `out`'s size and format,
    // and `out` owns buffers of that size (av_frame_get_buffer). sws_scale only reads the
    // source and writes the destination planes.
    #[allow(unsafe_code)]
    let r = unsafe {
        ffmpeg_next::ffi::sws_scale(
            ctx.as_mut_ptr(),
            planes.as_ptr(),
            strides.as_ptr(),
            0,
            crop.3 as i32,
            (*out.as_mut_ptr()).data.as_ptr(),
            (*out.as_mut_ptr()).linesize.as_ptr(),
        )
    };
    if r <= 0 {
        return Err(RecordError::Codec {
            step: "scaling a captured frame",
            source: ffmpeg_next::Error::from(r.min(-1)),
        });
    }
    Ok(())
}

/// Fills a YUV 4:2:0 frame with video black (Y 16, chroma 128).
fn paint_black(f: &mut frame::Video) {
    for plane in 0..f.planes() {
        let v = if plane == 0 { 16 } else { 128 };
        f.data_mut(plane).fill(v);
    }
}

/// Copies `src` into `dst` with its top-left at (`x`, `y`) (even), plane by plane.
fn blit(src: &frame::Video, dst: &mut frame::Video, x: usize, y: usize) {
    for plane in 0..src.planes().min(dst.planes()) {
        // Luma is full size; chroma halves both ways. NV12's interleaved chroma plane has
        // half as many samples but two bytes each, so its byte offset in x is unchanged.
        let (px, py) = if plane == 0 { (x, y) } else { (x / 2, y / 2) };
        let bytes_x = if src.format() == Pixel::NV12 && plane == 1 {
            x
        } else {
            px
        };
        let row_bytes = src.plane_width(plane) as usize
            * if src.format() == Pixel::NV12 && plane == 1 {
                2
            } else {
                1
            };
        let (ss, ds) = (src.stride(plane), dst.stride(plane));
        let rows = src.plane_height(plane) as usize;
        let src_data = src.data(plane);
        let dst_data = dst.data_mut(plane);
        for r in 0..rows {
            let from = r * ss;
            let to = (py + r) * ds + bytes_x;
            if let (Some(s), Some(d)) = (
                src_data.get(from..from + row_bytes),
                dst_data.get_mut(to..to + row_bytes),
            ) {
                d.copy_from_slice(s);
            }
        }
    }
}

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

/// An AAC encoder fed with interleaved 16-bit chunks of any length; it cuts them into
/// the encoder's frames and stamps them by sample count.
pub struct AudioEncoder {
    encoder: encoder::Audio,
    channels: u16,
    frame_size: usize,
    pending: Vec<Vec<f32>>,
    next_pts: i64,
    track: usize,
}

impl std::fmt::Debug for AudioEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AudioEncoder(track {})", self.track)
    }
}

impl AudioEncoder {
    /// Opens an AAC encoder at `rate` Hz with `channels` (1 or 2) channels.
    pub fn open(rate: u32, channels: u16, track: usize) -> Result<AudioEncoder, RecordError> {
        super::init();
        let err = |detail: String| RecordError::Encoder {
            what: "AAC audio",
            tried: "aac".into(),
            detail,
        };
        let codec = encoder::find_by_name("aac").ok_or_else(|| err("not in this FFmpeg".into()))?;
        let mut enc = codec::context::Context::new_with_codec(codec)
            .encoder()
            .audio()
            .map_err(|e| err(e.to_string()))?;
        let layout = if channels == 1 {
            ChannelLayout::MONO
        } else {
            ChannelLayout::STEREO
        };
        enc.set_rate(i32::try_from(rate).unwrap_or(48_000));
        enc.set_channel_layout(layout);
        enc.set_format(Sample::F32(sample::Type::Planar));
        enc.set_bit_rate(160_000);
        enc.set_time_base(Rational::new(1, i32::try_from(rate).unwrap_or(48_000)));
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
        let encoder = enc.open().map_err(|e| err(e.to_string()))?;
        let frame_size = (encoder.frame_size() as usize).max(1);
        Ok(AudioEncoder {
            encoder,
            channels: channels.clamp(1, 2),
            frame_size,
            pending: vec![Vec::new(); usize::from(channels.clamp(1, 2))],
            next_pts: 0,
            track,
        })
    }

    /// What the file needs to hold this track.
    pub fn setup(&self) -> TrackSetup {
        TrackSetup {
            parameters: codec::Parameters::from(&self.encoder),
            time_base: self.encoder.time_base(),
            frame_rate: None,
        }
    }

    /// Sample frames given to the encoder so far (the track's length in samples).
    pub fn samples_in(&self) -> i64 {
        self.next_pts + self.pending.first().map_or(0, Vec::len) as i64
    }

    /// Adds `frames` sample frames of silence.
    pub fn push_silence(&mut self, frames: usize) -> Result<Vec<EncodedPacket>, RecordError> {
        for ch in &mut self.pending {
            ch.resize(ch.len() + frames, 0.0);
        }
        self.encode_full(false)
    }

    /// Adds the first `frames` sample frames of `chunk` after skipping `skip` of them.
    pub fn push(
        &mut self,
        chunk: &AudioChunk,
        skip: usize,
        frames: usize,
    ) -> Result<Vec<EncodedPacket>, RecordError> {
        let src_ch = usize::from(chunk.channels.max(1));
        for (i, frame) in chunk
            .samples
            .chunks_exact(src_ch)
            .skip(skip)
            .take(frames)
            .enumerate()
        {
            let _ = i;
            for (c, ch) in self.pending.iter_mut().enumerate() {
                let s = frame.get(c.min(src_ch - 1)).copied().unwrap_or(0);
                ch.push(f32::from(s) / 32768.0);
            }
        }
        self.encode_full(false)
    }

    /// Encodes what is left and flushes the encoder.
    pub fn finish(&mut self) -> Result<Vec<EncodedPacket>, RecordError> {
        let mut out = self.encode_full(true)?;
        self.encoder
            .send_eof()
            .map_err(|source| RecordError::Codec {
                step: "finishing the audio",
                source,
            })?;
        out.extend(drain(&mut self.encoder, self.track, "encoding audio")?);
        Ok(out)
    }

    fn encode_full(&mut self, last: bool) -> Result<Vec<EncodedPacket>, RecordError> {
        let mut out = Vec::new();
        loop {
            let have = self.pending.first().map_or(0, Vec::len);
            let n = if have >= self.frame_size {
                self.frame_size
            } else if last && have > 0 {
                have
            } else {
                return Ok(out);
            };
            let layout = if self.channels == 1 {
                ChannelLayout::MONO
            } else {
                ChannelLayout::STEREO
            };
            let mut f = frame::Audio::new(Sample::F32(sample::Type::Planar), n, layout);
            f.set_rate(self.encoder.rate());
            for (c, ch) in self.pending.iter_mut().enumerate() {
                let plane = f.plane_mut::<f32>(c);
                plane[..n].copy_from_slice(&ch[..n]);
                ch.drain(..n);
            }
            f.set_pts(Some(self.next_pts));
            self.next_pts += n as i64;
            self.encoder
                .send_frame(&f)
                .map_err(|source| RecordError::Codec {
                    step: "encoding audio",
                    source,
                })?;
            out.extend(drain(&mut self.encoder, self.track, "encoding audio")?);
        }
    }
}
