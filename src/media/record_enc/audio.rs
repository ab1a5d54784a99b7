//! [`AudioEncoder`]: AAC for recordings, fed interleaved 16-bit chunks of any length.

use ffmpeg_next::format::{sample, Sample};
use ffmpeg_next::{codec, encoder, frame, ChannelLayout, Rational};

use super::super::raw::AudioChunk;
use super::super::record_error::RecordError;
use super::{drain, EncodedPacket, TrackSetup};

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
        super::super::init();
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
