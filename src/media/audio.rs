//! [`AudioReader`]: a range of a file's sound, at a speed, as 48 kHz stereo `f32` samples.
//!
//! Decoded audio of any layout, rate and sample format goes through one libavfilter graph:
//! `atrim` cuts the exact range (in the stream's own timestamps), `areverse` plays it
//! backwards, a chain of `atempo` filters changes the speed with the pitch kept (or
//! `asetrate` changes both, like a tape), and `aformat` resamples with swresample to the
//! mix format. The mixer in `export` only ever sees [`MIX_RATE`] interleaved stereo.
//!
//! The range is placed on the file's own timeline, the one [`super::VideoDecoder`] shows
//! pictures on (counted from the file's start time, as the ffmpeg CLI does): a sound track that starts after the range does (its first sample at 0.5 s
//! of a file whose picture starts at 0) is preceded by that much silence, and one that ends
//! before the range does is followed by silence, so it is not pulled early when played
//! backwards. Sound before the range (or before the file's zero) is cut off.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::decode::{from_ticks, receive_frame, timeline_origin};
use super::probe::{check_readable, open_error};
use super::MediaError;

/// Sample rate of the mix and of exported audio.
pub const MIX_RATE: u32 = 48_000;
/// Channels of the mix (interleaved left, right).
pub const MIX_CHANNELS: usize = 2;

/// Which part of a file's sound to read, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioRange {
    /// First instant, in ticks of the file's timeline.
    pub start: i64,
    /// End (exclusive), in ticks.
    pub end: i64,
    /// Speed in millionths: 1,000,000 is normal, 2,000,000 twice as fast.
    pub speed_micro: u32,
    /// Keep the pitch when the speed changes (`atempo`), or let it follow (`asetrate`).
    pub keep_pitch: bool,
    /// Play the range backwards.
    pub reverse: bool,
}

/// Reads one range of the first audio stream of a file, converted to the mix format.
pub struct AudioReader {
    path: PathBuf,
    input: ff::format::context::Input,
    stream: usize,
    decoder: ff::decoder::Audio,
    graph: ff::filter::Graph,
    pending: VecDeque<f32>,
    input_done: bool,
    output_done: bool,
}

impl std::fmt::Debug for AudioReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AudioReader({})", self.path.display())
    }
}

/// A decoder for the audio `stream` of the file at `path`.
pub(super) fn open_audio_decoder(
    stream: &ff::format::stream::Stream<'_>,
    path: &Path,
) -> Result<ff::decoder::Audio, MediaError> {
    let ff_err = |step| {
        move |source| MediaError::Ffmpeg {
            path: path.to_owned(),
            step,
            source,
        }
    };
    ff::codec::context::Context::from_parameters(stream.parameters())
        .map_err(ff_err("reading the audio stream parameters"))?
        .decoder()
        .audio()
        .map_err(ff_err("opening the audio decoder"))
}

impl AudioReader {
    /// Opens `range` of the first audio stream of `path`; `Ok(None)` if it has no sound.
    pub fn open(path: &Path, range: AudioRange) -> Result<Option<AudioReader>, MediaError> {
        super::init();
        check_readable(path)?;
        let mut input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
        let ff_err = |step| {
            move |source| MediaError::Ffmpeg {
                path: path.to_owned(),
                step,
                source,
            }
        };
        let Some(stream) = input.streams().best(ff::media::Type::Audio) else {
            return Ok(None);
        };
        let index = stream.index();
        let tb = stream.time_base();
        let decoder = open_audio_decoder(&stream, path)?;
        // The range in the stream's raw timestamps.
        let origin = timeline_origin(&input);
        let raw = AudioRange {
            start: range.start.max(0).saturating_add(origin),
            end: range.end.saturating_add(origin),
            ..range
        };
        let graph =
            build_graph(&decoder, tb, raw).map_err(ff_err("setting up the audio filters"))?;
        if range.start > 0 {
            let us = super::decode::ticks_to_us(raw.start);
            // A file that cannot seek is read from the top; atrim still cuts exactly.
            let _ = input.seek(us, ..us + 1);
        }
        Ok(Some(AudioReader {
            path: path.to_owned(),
            input,
            stream: index,
            decoder,
            graph,
            pending: VecDeque::new(),
            input_done: false,
            output_done: false,
        }))
    }

    /// Fills `out` with interleaved stereo samples and returns how many sample *frames*
    /// (pairs) it wrote; fewer than asked only at the end of the range.
    pub fn read(&mut self, out: &mut [f32]) -> Result<usize, MediaError> {
        let wanted = out.len() / MIX_CHANNELS * MIX_CHANNELS;
        while self.pending.len() < wanted && !self.output_done {
            self.pump()?;
        }
        let n = wanted.min(self.pending.len());
        for (o, s) in out.iter_mut().zip(self.pending.drain(..n)) {
            *o = s;
        }
        Ok(n / MIX_CHANNELS)
    }

    /// Moves one step: drains the filter graph, or feeds it one more decoded frame.
    fn pump(&mut self) -> Result<(), MediaError> {
        let mut filtered = ff::frame::Audio::empty();
        let got = self
            .graph
            .get("out")
            .map(|mut sink| sink.sink().frame(&mut filtered));
        match got {
            Some(Ok(())) => {
                let n = filtered.samples() * MIX_CHANNELS;
                let bytes = filtered.data(0);
                self.pending.extend(
                    bytes
                        .chunks_exact(4)
                        .take(n)
                        .map(|b| f32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
                );
                return Ok(());
            }
            Some(Err(ff::Error::Eof)) | None => {
                self.output_done = true;
                return Ok(());
            }
            Some(Err(ff::Error::Other { errno })) if errno == ff::util::error::EAGAIN => {}
            Some(Err(e)) => return Err(self.damaged(e)),
        }
        if self.input_done {
            // The graph wants input we no longer have; it has already been told the end.
            self.output_done = true;
            return Ok(());
        }
        self.feed()
    }

    /// Decodes the next audio frame and hands it to the graph (or signals the end).
    fn feed(&mut self) -> Result<(), MediaError> {
        let mut frame = ff::frame::Audio::empty();
        let received = receive_frame(
            &mut self.decoder,
            &mut self.input,
            self.stream,
            &mut frame,
            |_, _| {},
        )
        .map_err(|e| self.damaged(e))?;
        if !received {
            return self.push(None);
        }
        let ts = frame.timestamp();
        frame.set_pts(ts);
        self.push(Some(&frame))
    }

    fn push(&mut self, frame: Option<&ff::frame::Audio>) -> Result<(), MediaError> {
        let Some(mut src) = self.graph.get("in") else {
            self.output_done = true;
            return Ok(());
        };
        let result = match frame {
            Some(f) => src.source().add(f),
            None => {
                self.input_done = true;
                src.source().flush()
            }
        };
        match result {
            Ok(()) | Err(ff::Error::Eof) => Ok(()),
            Err(e) => Err(self.damaged(e)),
        }
    }

    fn damaged(&self, e: ff::Error) -> MediaError {
        MediaError::Damaged {
            path: self.path.clone(),
            detail: format!("decoding audio failed: {e}"),
        }
    }
}

/// `atempo` steps whose product is `speed` (each within the filter's 0.5–100 range).
pub fn atempo_chain(speed_micro: u32) -> Vec<String> {
    let mut rest = f64::from(speed_micro.max(1)) / 1_000_000.0;
    let mut steps = Vec::new();
    while rest < 0.5 {
        steps.push("atempo=0.5".to_owned());
        rest /= 0.5;
    }
    while rest > 100.0 {
        steps.push("atempo=100".to_owned());
        rest /= 100.0;
    }
    if (rest - 1.0).abs() > 1e-9 {
        steps.push(format!("atempo={rest:.6}"));
    }
    steps
}

fn build_graph(
    decoder: &ff::decoder::Audio,
    tb: ff::Rational,
    range: AudioRange,
) -> Result<ff::filter::Graph, ff::Error> {
    let mut graph = ff::filter::Graph::new();
    let mut layout = decoder.channel_layout();
    if layout.is_empty() {
        layout = ff::ChannelLayout::default(i32::from(decoder.channels()));
    }
    let args = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        tb.numerator(),
        tb.denominator(),
        decoder.rate(),
        decoder.format().name(),
        layout.bits()
    );
    let abuffer = ff::filter::find("abuffer").ok_or(ff::Error::FilterNotFound)?;
    let sink = ff::filter::find("abuffersink").ok_or(ff::Error::FilterNotFound)?;
    graph.add(&abuffer, "in", &args)?;
    graph.add(&sink, "out", "")?;
    let mix = format!("aformat=sample_fmts=flt:sample_rates={MIX_RATE}:channel_layouts=stereo");
    // `range` is in raw timestamps here, which may start below zero. `atrim` counts in
    // samples (its `start_pts` is not in the stream's time base: only an MP4's audio time
    // base happens to be 1/rate), `asetpts` in the stream's time base.
    let rate = i32::try_from(decoder.rate()).unwrap_or(i32::MAX).max(1);
    let samples = ff::Rational::new(1, rate);
    let trim_start = from_ticks(range.start, samples);
    let trim_end = from_ticks(range.end, samples).max(trim_start.saturating_add(1));
    let start_pts = from_ticks(range.start, tb);
    let mut chain = vec![
        format!("atrim=start_pts={trim_start}:end_pts={trim_end}"),
        // Time zero is the range's start, not the first sample's: a track that starts
        // late keeps its delay, which swresample then fills with silence (`first_pts=0`
        // with `async` pads or drops at the start; later gaps under 0.1 s are left as
        // they are, as the ffmpeg CLI's `-async 1` does).
        format!("asetpts=PTS-({start_pts})"),
        "aresample=async=1:first_pts=0".to_owned(),
    ];
    if range.reverse {
        // Pad to the whole range first, so a track ending early is not played early.
        let len = i128::from(range.end.saturating_sub(range.start).max(0))
            * i128::from(decoder.rate())
            / i128::from(super::decode::TICKS_PER_SECOND);
        chain.push(format!("apad=whole_len={len}"));
        chain.push("areverse".to_owned());
    }
    chain.push(mix.clone());
    if range.speed_micro != 1_000_000 {
        if range.keep_pitch {
            chain.extend(atempo_chain(range.speed_micro));
        } else {
            // A tape sped up: relabel the rate, then resample back to the mix rate.
            let rate = u64::from(MIX_RATE) * u64::from(range.speed_micro) / 1_000_000;
            chain.push(format!("asetrate={rate}"));
            chain.push(format!("aresample={MIX_RATE}"));
            chain.push(mix);
        }
    }
    graph
        .output("in", 0)?
        .input("out", 0)?
        .parse(&chain.join(","))?;
    graph.validate()?;
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_speeds_split_into_atempo_steps_the_filter_accepts() {
        assert_eq!(atempo_chain(250_000), vec!["atempo=0.5", "atempo=0.500000"]);
        assert_eq!(atempo_chain(1_500_000), vec!["atempo=1.500000"]);
        assert!(atempo_chain(1_000_000).is_empty());
    }
}
