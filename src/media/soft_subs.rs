//! Soft subtitles: cues written as a subtitle stream players can switch on and off —
//! `mov_text` in MP4/MOV, WebVTT in WebM, ASS in MKV — through FFmpeg's own subtitle
//! encoders (which also write the stream headers players need).
//!
//! Cues come in as ASS: a script header (info and styles) and each event's style name
//! and text with its override tags. MKV keeps all of it (the header becomes the track's
//! codec private data, as `ffmpeg` itself writes an `.ass` into MKV); the `mov_text` and
//! WebVTT encoders keep the words and line breaks and drop what their formats cannot say.

use std::path::Path;

use ffmpeg_next as ff;

use super::codecs::CodecError;
use super::encode::Container;
use super::MediaError;

/// FFmpeg's default ASS header, for cues that come without a script of their own.
const ASS_HEADER: &str =
    "[Script Info]\r\nScriptType: v4.00+\r\nPlayResX: 384\r\nPlayResY: 288\r\n\r\n\
[V4+ Styles]\r\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\r\n\
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\r\n\r\n\
[Events]\r\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\r\n";

/// The subtitle codec (FFmpeg's encoder name) a container carries soft subtitles in, if
/// it carries them: only `ass` keeps styles, positions and colours.
pub fn soft_subtitle_codec(container: Container) -> Option<&'static str> {
    match container {
        Container::Mp4 | Container::Mov => Some("mov_text"),
        Container::WebM => Some("webvtt"),
        Container::Mkv => Some("ass"),
        Container::Gif => None,
    }
}

/// An open subtitle encoder (time base 1/1000 s).
pub(crate) struct SubtitleEncoder {
    ctx: ff::codec::context::Context,
    read_order: usize,
}

impl SubtitleEncoder {
    /// Opens the subtitle encoder for `container`, with the ASS script header `header`
    /// (info and styles, ending with the events' `Format:` line; FFmpeg's default if
    /// `None`).
    #[allow(unsafe_code)]
    pub(crate) fn open(
        path: &Path,
        container: Container,
        global_header: bool,
        header: Option<&str>,
    ) -> Result<SubtitleEncoder, MediaError> {
        let fail = |source: CodecError| MediaError::Encoder {
            path: path.to_owned(),
            source,
        };
        let name = soft_subtitle_codec(container).ok_or_else(|| {
            fail(CodecError::Setting {
                name: format!("{container:?}"),
                detail: "this format cannot carry subtitles".to_owned(),
            })
        })?;
        let codec = ff::encoder::find_by_name(name)
            .ok_or_else(|| fail(CodecError::Missing(name.to_owned())))?;
        let mut ctx = ff::codec::context::Context::new_with_codec(codec);
        // SAFETY: the context is freshly allocated and not open; the header is copied into
        // memory from av_malloc (the context frees it), NUL-terminated as FFmpeg expects.
        unsafe {
            let raw = ctx.as_mut_ptr();
            (*raw).time_base = ff::ffi::AVRational { num: 1, den: 1000 };
            let bytes = header.unwrap_or(ASS_HEADER).replace('\0', "").into_bytes();
            let buf = ff::ffi::av_mallocz(bytes.len() + 1) as *mut u8;
            if buf.is_null() {
                return Err(fail(CodecError::Setting {
                    name: name.to_owned(),
                    detail: "out of memory for the subtitle header".to_owned(),
                }));
            }
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len());
            (*raw).subtitle_header = buf;
            (*raw).subtitle_header_size = bytes.len() as i32;
            if global_header {
                (*raw).flags |= ff::ffi::AV_CODEC_FLAG_GLOBAL_HEADER as i32;
            }
            let ret = ff::ffi::avcodec_open2(raw, codec.as_ptr(), std::ptr::null_mut());
            if ret < 0 {
                return Err(fail(CodecError::ffmpeg(name)(ff::Error::from(ret))));
            }
        }
        Ok(SubtitleEncoder { ctx, read_order: 0 })
    }

    /// The codec context, to copy its parameters onto the stream.
    pub(crate) fn context(&self) -> &ff::codec::context::Context {
        &self.ctx
    }

    /// Encodes one cue lasting `duration_ms`: its ASS style name and its text as ASS
    /// (override tags kept; `\n` line breaks become `\N`).
    #[allow(unsafe_code)]
    pub(crate) fn encode(
        &mut self,
        style: &str,
        text: &str,
        duration_ms: u32,
    ) -> Result<Vec<u8>, ff::Error> {
        let style = style.replace([',', '\n', '\r'], " ");
        let event = format!(
            "{},0,{style},,0,0,0,,{}",
            self.read_order,
            text.replace("\r\n", "\n").replace('\n', "\\N")
        );
        self.read_order += 1;
        let event =
            std::ffi::CString::new(event.replace('\0', "")).map_err(|_| ff::Error::InvalidData)?;
        let mut buf = vec![0u8; 64 * 1024 + text.len() * 8];
        // SAFETY: the rect array and rect come from av_mallocz and the text from av_strdup,
        // all freed by avsubtitle_free below; the encoder only reads the subtitle and writes
        // at most `buf.len()` bytes into `buf`.
        unsafe {
            let mut sub: ff::ffi::AVSubtitle = std::mem::zeroed();
            sub.format = 1;
            sub.end_display_time = duration_ms;
            let rects = ff::ffi::av_mallocz(std::mem::size_of::<*mut ff::ffi::AVSubtitleRect>())
                as *mut *mut ff::ffi::AVSubtitleRect;
            let rect = ff::ffi::av_mallocz(std::mem::size_of::<ff::ffi::AVSubtitleRect>())
                as *mut ff::ffi::AVSubtitleRect;
            if rects.is_null() || rect.is_null() {
                ff::ffi::av_free(rects as *mut _);
                ff::ffi::av_free(rect as *mut _);
                return Err(ff::Error::Other { errno: 12 });
            }
            (*rect).type_ = ff::ffi::AVSubtitleType::SUBTITLE_ASS;
            (*rect).ass = ff::ffi::av_strdup(event.as_ptr());
            *rects = rect;
            sub.rects = rects;
            sub.num_rects = 1;
            let n = ff::ffi::avcodec_encode_subtitle(
                self.ctx.as_mut_ptr(),
                buf.as_mut_ptr(),
                buf.len() as i32,
                &sub,
            );
            ff::ffi::avsubtitle_free(&mut sub);
            if n < 0 {
                return Err(ff::Error::from(n));
            }
            buf.truncate(n as usize);
        }
        Ok(buf)
    }
}
