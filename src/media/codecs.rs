//! Choosing and opening encoders: hardware ones first where allowed (VideoToolbox,
//! NVENC, Quick Sync, AMF, Media Foundation, VAAPI), each tried by name and by really
//! opening it, then the software encoder; quality settings mapped per encoder family.
//! VAAPI encoders take GPU surfaces, so they come with an [`HwUpload`] that copies each
//! picture into one.

use ff::format::Pixel;
use ffmpeg_next as ff;

use super::audio::{MIX_CHANNELS, MIX_RATE};
use super::encode::{Container, EncodeSettings, VideoCodec};
use super::hwupload::HwUpload;

/// Why an encoder could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// This FFmpeg build has no encoder of that name.
    #[error("encoder {0} is not in this FFmpeg build")]
    Missing(String),
    /// The encoder takes none of the sample or pixel formats the pipeline makes.
    #[error("encoder {name} takes no {wanted}")]
    NoFormat { name: String, wanted: &'static str },
    /// FFmpeg refused to set up or open the encoder.
    #[error("encoder {name}: {source}")]
    Ffmpeg {
        name: String,
        #[source]
        source: ff::Error,
    },
    /// The encoder's option or size is out of FFmpeg's range.
    #[error("encoder {name}: {detail}")]
    Setting { name: String, detail: String },
    /// The GPU device hardware encoders upload pictures to could not be used.
    #[error("encoder {name}: {what}")]
    Device { name: String, what: String },
}

impl CodecError {
    /// FFmpeg's error `source` while setting up encoder `name`.
    pub(crate) fn ffmpeg(name: &str) -> impl Fn(ff::Error) -> CodecError + '_ {
        move |source| CodecError::Ffmpeg {
            name: name.to_owned(),
            source,
        }
    }
}

/// An opened video encoder: the encoder, its name, and the upload its pictures need.
pub(crate) struct OpenedVideo {
    pub(crate) encoder: ff::encoder::Video,
    pub(crate) name: String,
    /// For VAAPI encoders: where pictures are copied to the GPU first.
    pub(crate) upload: Option<HwUpload>,
}

impl VideoCodec {
    /// Encoders to try, best first: hardware ones, then the software one.
    pub(crate) fn candidates(self, hardware: bool) -> Vec<&'static str> {
        let (hw, sw): (&[&'static str], &'static str) = match self {
            VideoCodec::H264 => (
                &[
                    "h264_videotoolbox",
                    "h264_nvenc",
                    "h264_qsv",
                    "h264_amf",
                    "h264_mf",
                    "h264_vaapi",
                ],
                "libx264",
            ),
            VideoCodec::Hevc => (
                &[
                    "hevc_videotoolbox",
                    "hevc_nvenc",
                    "hevc_qsv",
                    "hevc_amf",
                    "hevc_mf",
                    "hevc_vaapi",
                ],
                "libx265",
            ),
            VideoCodec::Vp9 => (&["vp9_qsv"], "libvpx-vp9"),
            VideoCodec::Gif => (&[], "gif"),
        };
        let mut list: Vec<&'static str> = if hardware { hw.to_vec() } else { Vec::new() };
        list.push(sw);
        list
    }
}

/// Opens the first encoder of the candidates that works; the error says why the last
/// one tried did not.
pub(crate) fn open_video(
    s: &EncodeSettings,
    global_header: bool,
) -> Result<OpenedVideo, CodecError> {
    let names: Vec<String> = match &s.encoder {
        Some(name) => vec![name.clone()],
        None => s
            .codec
            .candidates(s.hardware)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let mut last = CodecError::Missing(String::from("(none chosen)"));
    for name in &names {
        match try_video(name, s, global_header) {
            Ok((encoder, upload)) => {
                return Ok(OpenedVideo {
                    encoder,
                    name: name.clone(),
                    upload,
                })
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn try_video(
    name: &str,
    s: &EncodeSettings,
    global_header: bool,
) -> Result<(ff::encoder::Video, Option<HwUpload>), CodecError> {
    let codec =
        ff::encoder::find_by_name(name).ok_or_else(|| CodecError::Missing(name.to_owned()))?;
    let video = codec.video().map_err(CodecError::ffmpeg(name))?;
    let upload = if name.ends_with("_vaapi") {
        Some(HwUpload::vaapi(s.width, s.height, name)?)
    } else {
        None
    };
    let wanted = if s.codec == VideoCodec::Gif || name == "gif" {
        // Paletted pictures come from the palette filters (`gif.rs`).
        [Pixel::PAL8, Pixel::RGB8]
    } else {
        [Pixel::YUV420P, Pixel::NV12]
    };
    let format = match video.formats() {
        Some(mut fmts) => {
            let all: Vec<Pixel> = fmts.by_ref().collect();
            wanted
                .iter()
                .copied()
                .find(|f| all.contains(f))
                .or_else(|| all.first().copied())
                .ok_or_else(|| CodecError::NoFormat {
                    name: name.to_owned(),
                    wanted: "pixel format at all",
                })?
        }
        None => wanted[0],
    };
    let mut ctx = ff::codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(CodecError::ffmpeg(name))?;
    let (num, den) = s.frame_rate;
    ctx.set_width(s.width);
    ctx.set_height(s.height);
    ctx.set_format(format);
    if let Some(upload) = &upload {
        upload.attach(&mut ctx)?;
    }
    ctx.set_time_base(ff::Rational::new(den as i32, num as i32));
    ctx.set_frame_rate(Some(ff::Rational::new(num as i32, den as i32)));
    if global_header {
        ctx.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    let mut opts = ff::Dictionary::new();
    let crf = s.crf.map(u32::from);
    match name {
        "libx264" | "libx265" => {
            opts.set("preset", &s.preset);
            let default = if name == "libx265" { 28 } else { 23 };
            opts.set("crf", &crf.unwrap_or(default).to_string());
            if name == "libx265" {
                opts.set("x265-params", "log-level=error");
            }
        }
        "libvpx-vp9" => {
            ctx.set_bit_rate(0);
            opts.set("crf", &crf.unwrap_or(32).to_string());
            opts.set("deadline", "good");
            opts.set("cpu-used", "4");
            opts.set("row-mt", "1");
        }
        "gif" => {}
        n if n.contains("nvenc") => {
            opts.set("rc", "vbr");
            opts.set("cq", &crf.unwrap_or(23).to_string());
        }
        n if n.contains("qsv") => {
            ctx.set_global_quality(crf.unwrap_or(23) as i32);
        }
        n if n.ends_with("_vaapi") => {
            // Constant QP (VAAPI's default rate control when a quality is given): close
            // to, not the same as, x264's CRF of the same number.
            ctx.set_global_quality(crf.unwrap_or(23) as i32);
        }
        _ => {
            // Hardware encoders without a quality scale: a generous bit rate for the size.
            let pixels = u64::from(s.width) * u64::from(s.height);
            ctx.set_bit_rate((pixels * 4).clamp(1_000_000, 40_000_000) as usize);
        }
    }
    let encoder = ctx.open_with(opts).map_err(CodecError::ffmpeg(name))?;
    Ok((encoder, upload))
}

pub(crate) fn open_audio(
    s: &EncodeSettings,
    global_header: bool,
) -> Result<ff::encoder::Audio, CodecError> {
    let name = if s.container == Container::WebM {
        "libopus"
    } else {
        "aac"
    };
    let codec =
        ff::encoder::find_by_name(name).ok_or_else(|| CodecError::Missing(name.to_owned()))?;
    let audio_codec = codec.audio().map_err(CodecError::ffmpeg(name))?;
    let formats: Vec<ff::format::Sample> = audio_codec
        .formats()
        .map(|f| f.collect())
        .unwrap_or_default();
    let format = [
        ff::format::Sample::F32(ff::format::sample::Type::Planar),
        ff::format::Sample::F32(ff::format::sample::Type::Packed),
    ]
    .into_iter()
    .find(|f| formats.contains(f))
    .ok_or_else(|| CodecError::NoFormat {
        name: name.to_owned(),
        wanted: "float samples",
    })?;
    let mut ctx = ff::codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(CodecError::ffmpeg(name))?;
    ctx.set_rate(MIX_RATE as i32);
    ctx.set_channel_layout(ff::ChannelLayout::STEREO);
    ctx.set_channels(MIX_CHANNELS as i32);
    ctx.set_format(format);
    ctx.set_bit_rate(s.audio_bit_rate as usize);
    ctx.set_time_base(ff::Rational::new(1, MIX_RATE as i32));
    if global_header {
        ctx.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    ctx.open_as(codec).map_err(CodecError::ffmpeg(name))
}
