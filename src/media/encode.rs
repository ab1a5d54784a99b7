//! [`OutputFile`]: encodes pictures and mixed sound and muxes them into a file that appears
//! only when it is complete.
//!
//! The file is written under a hidden, random temporary name in the destination folder
//! (created exclusively, with the mode the finished file keeps: the replaced file's, or
//! 0666 less the umask), flushed, fsynced and renamed over the destination at
//! [`OutputFile::finish`] (a symbolic link named as the output is followed: its target is
//! replaced, the link is never written through); dropping an
//! unfinished output (an error, a cancel) deletes the temporary file, so a failed export
//! never leaves half a file. A full disk (or a file size limit) is reported as such.
//!
//! Encoders: hardware ones (VideoToolbox, NVENC, Quick Sync, AMF, Media Foundation, VAAPI) are
//! tried first when allowed, by name and by actually opening them; any that fails is
//! skipped silently and the software encoder (libx264, libx265, libvpx-vp9, gif) is used.
//!
//! An animated GIF gets its 256 colours from its own pictures (see [`super::gif`]).

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::audio::{MIX_CHANNELS, MIX_RATE};
use super::codecs::{open_audio, open_video};
use super::frame::{Picture, RgbaFrame, Scaler};
use super::gif::{GifPalette, PaletteMode, GIF_INPUT};
use super::hwupload::HwUpload;
use super::soft_subs::SubtitleEncoder;
use super::MediaError;

mod settings;
mod write_errors;

pub use settings::{Container, EncodeSettings, VideoCodec};
use write_errors::{flush_error, io_error, write_error};

/// An output file being written; see the module documentation.
pub struct OutputFile {
    /// The name the caller gave (for messages).
    path: PathBuf,
    /// The file the finished output replaces: `path`, or the target of a link at `path`.
    destination: PathBuf,
    /// The temporary file being written; deleted when dropped unfinished.
    temp: Option<tempfile::TempPath>,
    octx: Option<ff::format::context::Output>,
    video: ff::encoder::Video,
    video_name: String,
    upload: Option<HwUpload>,
    video_tb: ff::Rational,
    video_stream: usize,
    audio: Option<AudioOut>,
    subtitles: Option<(SubtitleEncoder, usize)>,
    palette: Option<GifPalette>,
    /// Pictures the GIF palette filters have handed on to the encoder.
    paletted: i64,
    scaler: Scaler,
    next_pts: i64,
    finished: bool,
}

struct AudioOut {
    encoder: ff::encoder::Audio,
    stream: usize,
    frame_size: usize,
    pending: Vec<f32>,
    next_pts: i64,
}

impl std::fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OutputFile({}, {})",
            self.path.display(),
            self.video_name
        )
    }
}

impl OutputFile {
    /// Creates the temporary file next to `path` and opens the encoders.
    pub fn create(path: &Path, settings: &EncodeSettings) -> Result<OutputFile, MediaError> {
        super::init();
        let io = |e: std::io::Error| io_error(path, e);
        // A link at `path` is followed to its target, which the finished file replaces by
        // rename; nothing is ever written through the link or into an existing file.
        let target = crate::files::output_target(path).map_err(io)?;
        // A random name created exclusively: never an existing file or a planted link. It is
        // deleted when dropped, so every failure below leaves nothing behind.
        let temp = target.temp_file().map_err(io)?.into_temp_path();
        let ff_err = |step| move |source: ff::Error| write_error(path, step, source);
        let mut octx = super::local::open_output(&temp, settings.container.muxer())
            .map_err(ff_err("creating the output file"))?;
        let global = octx
            .format()
            .flags()
            .contains(ff::format::Flags::GLOBAL_HEADER);
        let opened = match open_video(settings, global) {
            Ok(v) => v,
            Err(source) => {
                drop(octx);
                return Err(MediaError::Encoder {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let mut out = OutputFile {
            path: path.to_owned(),
            destination: target.destination,
            temp: Some(temp),
            octx: None,
            video_tb: opened.encoder.time_base(),
            video: opened.encoder,
            video_name: opened.name,
            upload: opened.upload,
            video_stream: 0,
            audio: None,
            subtitles: None,
            palette: None,
            paletted: 0,
            scaler: Scaler::new(),
            next_pts: 0,
            finished: false,
        };
        if out.video_name == "gif" {
            let (w, h) = (out.video.width(), out.video.height());
            let mode = PaletteMode::for_clip(w, h, settings.expected_frames);
            match GifPalette::new(w, h, out.video_tb, mode) {
                Ok(p) => out.palette = Some(p),
                Err(e) => {
                    out.octx = Some(octx);
                    return Err(write_error(path, "setting up the GIF palette", e));
                }
            }
        }
        let mut stream = octx
            .add_stream(ff::encoder::find(ff::codec::Id::None))
            .map_err(ff_err("adding the video stream"))?;
        stream.set_parameters(&out.video);
        stream.set_time_base(out.video_tb);
        out.video_stream = stream.index();
        if settings.audio && settings.container != Container::Gif {
            let enc = open_audio(settings, global).map_err(|source| MediaError::Encoder {
                path: path.to_owned(),
                source,
            });
            let enc = match enc {
                Ok(e) => e,
                Err(e) => {
                    out.octx = Some(octx);
                    return Err(e);
                }
            };
            let mut stream = octx
                .add_stream(ff::encoder::find(ff::codec::Id::None))
                .map_err(ff_err("adding the audio stream"))?;
            stream.set_parameters(&enc);
            stream.set_time_base(ff::Rational::new(1, MIX_RATE as i32));
            let frame_size = (enc.frame_size() as usize).max(1);
            out.audio = Some(AudioOut {
                encoder: enc,
                stream: stream.index(),
                frame_size,
                pending: Vec::new(),
                next_pts: 0,
            });
        }
        if settings.soft_subtitles && settings.container != Container::Gif {
            let header = settings.subtitle_header.as_deref();
            let enc = match SubtitleEncoder::open(path, settings.container, global, header) {
                Ok(e) => e,
                Err(e) => {
                    out.octx = Some(octx);
                    return Err(e);
                }
            };
            let mut stream = octx
                .add_stream_with(enc.context())
                .map_err(ff_err("adding the subtitle stream"))?;
            stream.set_time_base(ff::Rational::new(1, 1000));
            out.subtitles = Some((enc, stream.index()));
        }
        let mut opts = ff::Dictionary::new();
        if matches!(settings.container, Container::Mp4 | Container::Mov) {
            // Index first, so the file starts playing before it is fully downloaded.
            opts.set("movflags", "+faststart");
        }
        let header = octx.write_header_with(opts).map(|_| ());
        out.octx = Some(octx);
        header.map_err(ff_err("writing the file header"))?;
        Ok(out)
    }

    /// The name of the video encoder in use, e.g. `libx264`.
    pub fn video_encoder(&self) -> &str {
        &self.video_name
    }

    /// How a GIF's palette is chosen; `None` for other outputs.
    pub fn palette_mode(&self) -> Option<PaletteMode> {
        self.palette.as_ref().map(GifPalette::mode)
    }

    /// Encodes the next video frame (converted to the encoder's size and format if needed).
    pub fn push_picture(&mut self, picture: Picture) -> Result<(), MediaError> {
        let (w, h) = (self.video.width(), self.video.height());
        let fmt = match (&self.palette, &self.upload) {
            (Some(_), _) => GIF_INPUT,
            (None, Some(upload)) => upload.sw_format(),
            (None, None) => self.video.format(),
        };
        let mut picture = self
            .scaler
            .fit_for_encoder(picture, fmt, (w, h))
            .map_err(|source| MediaError::Convert {
                path: self.path.clone(),
                source,
            })?;
        picture.frame.set_pts(Some(self.next_pts));
        self.next_pts += 1;
        if let Some(palette) = self.palette.as_mut() {
            palette
                .push(Some(&picture.frame))
                .map_err(|e| write_error(&self.path, "making the GIF palette", e))?;
            return self.drain_palette();
        }
        if let Some(upload) = &self.upload {
            picture.frame = upload
                .upload(&picture.frame)
                .map_err(|e| write_error(&self.path, "copying a picture to the GPU", e))?;
        }
        self.video
            .send_frame(&picture.frame)
            .map_err(|e| write_error(&self.path, "encoding video", e))?;
        self.drain_video()
    }

    /// Encodes the paletted pictures the GIF palette filters have ready.
    fn drain_palette(&mut self) -> Result<(), MediaError> {
        while self.encode_paletted()? {}
        Ok(())
    }

    /// Encodes one paletted picture, if the GIF palette filters have one ready.
    fn encode_paletted(&mut self) -> Result<bool, MediaError> {
        let Some(palette) = self.palette.as_mut() else {
            return Ok(false);
        };
        let ready = palette
            .pull()
            .map_err(|e| write_error(&self.path, "making the GIF palette", e))?;
        let Some(frame) = ready else {
            return Ok(false);
        };
        self.paletted += 1;
        self.video
            .send_frame(&frame)
            .map_err(|e| write_error(&self.path, "encoding video", e))?;
        self.drain_video()?;
        Ok(true)
    }

    /// Encodes the next video frame from an RGBA picture.
    pub fn push_rgba(&mut self, rgba: &RgbaFrame) -> Result<(), MediaError> {
        self.push_picture(Scaler::picture_from_rgba(rgba))
    }

    /// Seconds of video encoded so far, as `(frames, frame rate)` allows: frames pushed.
    pub fn frames_written(&self) -> i64 {
        self.next_pts
    }

    /// Adds interleaved stereo samples at [`MIX_RATE`] to the sound track.
    pub fn push_audio(&mut self, samples: &[f32]) -> Result<(), MediaError> {
        let Some(audio) = self.audio.as_mut() else {
            return Ok(());
        };
        audio.pending.extend_from_slice(samples);
        let chunk = audio.frame_size * MIX_CHANNELS;
        while self
            .audio
            .as_ref()
            .is_some_and(|a| a.pending.len() >= chunk)
        {
            self.encode_audio_chunk(chunk)?;
        }
        Ok(())
    }

    fn encode_audio_chunk(&mut self, len: usize) -> Result<(), MediaError> {
        let Some(audio) = self.audio.as_mut() else {
            return Ok(());
        };
        let samples: Vec<f32> = audio
            .pending
            .drain(..len.min(audio.pending.len()))
            .collect();
        let n = samples.len() / MIX_CHANNELS;
        let format = audio.encoder.format();
        let mut frame = ff::frame::Audio::new(format, n, ff::ChannelLayout::STEREO);
        frame.set_rate(MIX_RATE);
        if format.is_planar() {
            for ch in 0..MIX_CHANNELS {
                let plane = frame.plane_mut::<f32>(ch);
                for (o, s) in plane
                    .iter_mut()
                    .zip(samples.iter().skip(ch).step_by(MIX_CHANNELS))
                {
                    *o = *s;
                }
            }
        } else {
            let plane = frame.plane_mut::<f32>(0);
            for (o, s) in plane.iter_mut().zip(&samples) {
                *o = *s;
            }
        }
        frame.set_pts(Some(audio.next_pts));
        audio.next_pts += n as i64;
        audio
            .encoder
            .send_frame(&frame)
            .map_err(|e| write_error(&self.path, "encoding audio", e))?;
        self.drain_audio()
    }

    fn drain_video(&mut self) -> Result<(), MediaError> {
        let Some(octx) = self.octx.as_mut() else {
            return Ok(());
        };
        let stream_tb = octx
            .stream(self.video_stream)
            .map(|s| s.time_base())
            .unwrap_or(self.video_tb);
        let mut packet = ff::Packet::empty();
        while self.video.receive_packet(&mut packet).is_ok() {
            packet.set_stream(self.video_stream);
            if packet.duration() <= 0 {
                // One frame each; without it MP4 drops the last frame's length.
                packet.set_duration(1);
            }
            packet.rescale_ts(self.video_tb, stream_tb);
            packet
                .write_interleaved(octx)
                .map_err(|e| write_error(&self.path, "writing video", e))?;
        }
        Ok(())
    }

    fn drain_audio(&mut self) -> Result<(), MediaError> {
        let (Some(octx), Some(audio)) = (self.octx.as_mut(), self.audio.as_mut()) else {
            return Ok(());
        };
        let tb = ff::Rational::new(1, MIX_RATE as i32);
        let stream_tb = octx
            .stream(audio.stream)
            .map(|s| s.time_base())
            .unwrap_or(tb);
        let mut packet = ff::Packet::empty();
        while audio.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(audio.stream);
            packet.rescale_ts(tb, stream_tb);
            packet
                .write_interleaved(octx)
                .map_err(|e| write_error(&self.path, "writing audio", e))?;
        }
        Ok(())
    }

    /// Adds one soft subtitle cue, from `start` to `end` (ticks), in ASS style `style`
    /// with ASS text `text`. Does nothing when the output has no subtitle stream. Call in
    /// time order, alongside the pictures.
    pub fn push_cue(
        &mut self,
        start: i64,
        end: i64,
        style: &str,
        text: &str,
    ) -> Result<(), MediaError> {
        let (Some(octx), Some((enc, stream))) = (self.octx.as_mut(), self.subtitles.as_mut())
        else {
            return Ok(());
        };
        let ms = |t: i64| t / (super::decode::TICKS_PER_SECOND / 1000);
        let (start_ms, end_ms) = (ms(start), ms(end));
        let duration = u32::try_from((end_ms - start_ms).max(1)).unwrap_or(u32::MAX);
        let bytes = enc
            .encode(style, text, duration)
            .map_err(|e| write_error(&self.path, "encoding subtitles", e))?;
        let mut packet = ff::Packet::copy(&bytes);
        packet.set_pts(Some(start_ms));
        packet.set_dts(Some(start_ms));
        packet.set_duration(i64::from(duration));
        packet.set_stream(*stream);
        let tb = ff::Rational::new(1, 1000);
        let stream_tb = octx.stream(*stream).map(|s| s.time_base()).unwrap_or(tb);
        packet.rescale_ts(tb, stream_tb);
        packet
            .write_interleaved(octx)
            .map_err(|e| write_error(&self.path, "writing subtitles", e))
    }

    /// Flushes the encoders, completes the file, and moves it to its final name.
    pub fn finish(self) -> Result<PathBuf, MediaError> {
        self.finish_with_progress(&mut |_, _| {})
    }

    /// Pictures pushed but not encoded yet: with a whole-clip GIF palette, every one
    /// until [`OutputFile::finish`] (which encodes them all); otherwise at most a few.
    pub fn pictures_held(&self) -> u64 {
        match self.palette {
            Some(_) => u64::try_from(self.next_pts - self.paletted).unwrap_or(0),
            None => 0,
        }
    }

    /// [`OutputFile::finish`], calling `progress(done, held)` as each held picture
    /// ([`OutputFile::pictures_held`]) is encoded — the whole of a whole-clip GIF.
    pub fn finish_with_progress(
        mut self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PathBuf, MediaError> {
        let path = self.path.clone();
        let werr = |step| {
            let path = path.clone();
            move |e| write_error(&path, step, e)
        };
        if let Some(palette) = self.palette.as_mut() {
            palette.push(None).map_err(werr("making the GIF palette"))?;
            let held = self.pictures_held();
            let mut done = 0;
            while self.encode_paletted()? {
                done += 1;
                progress(done, held);
            }
        }
        self.video.send_eof().map_err(werr("finishing the video"))?;
        self.drain_video()?;
        if let Some(audio) = self.audio.as_ref() {
            let rest = audio.pending.len();
            if rest > 0 {
                self.encode_audio_chunk(rest)?;
            }
        }
        if let Some(audio) = self.audio.as_mut() {
            audio
                .encoder
                .send_eof()
                .map_err(werr("finishing the audio"))?;
        }
        self.drain_audio()?;
        let Some(mut octx) = self.octx.take() else {
            return Err(MediaError::Write {
                path: self.path.clone(),
                detail: "the output was already closed".to_owned(),
            });
        };
        let trailer = octx.write_trailer();
        let flushed = flush_error(&mut octx);
        drop(octx);
        trailer.map_err(werr("writing the file index"))?;
        if let Some(e) = flushed {
            return Err(write_error(&self.path, "writing the file", e));
        }
        let io = |e: std::io::Error| io_error(&self.path, e);
        let Some(temp) = self.temp.take() else {
            return Err(MediaError::Write {
                path: self.path.clone(),
                detail: "the output was already closed".to_owned(),
            });
        };
        // Opened for writing: Windows refuses to flush (FlushFileBuffers) a read-only
        // handle with "Access denied"; elsewhere any handle would do.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        temp.persist(&self.destination).map_err(|e| io(e.error))?;
        self.finished = true;
        Ok(self.path.clone())
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if !self.finished {
            // Close first (Windows cannot delete an open file), then delete.
            drop(self.octx.take());
            drop(self.temp.take());
        }
    }
}
