//! Voice-activity detection by energy, to cut long audio into chunks the speech model
//! takes one at a time: at most one Whisper window (30 s) each, cut in pauses, with
//! long silences left out. It is deliberately simple — 30 ms frames whose loudness
//! stands clear of the recording's own noise floor — since its only jobs are to skip
//! silence (where Whisper invents words) and to find good places to cut; the model
//! does the real listening. Pure functions on samples; no engine here.

use std::ops::Range;

/// Tuning of [`speech_chunks`]. Times in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct VadOptions {
    /// Longest chunk handed to the model (Whisper sees 30 s at a time).
    pub max_chunk_ms: u32,
    /// Pauses shorter than this stay inside a chunk.
    pub min_pause_ms: u32,
    /// Audio kept before and after each stretch of speech.
    pub padding_ms: u32,
    /// How far above the noise floor a frame must be to count as speech, in dB.
    pub margin_db: f32,
    /// Frames quieter than this (dBFS) are never speech, however quiet the floor is.
    pub min_level_db: f32,
    /// Pack neighbouring stretches of speech into one chunk up to `max_chunk_ms`
    /// (fewer, longer model runs). Off, every stretch between pauses is its own chunk,
    /// which is what detecting the language of each needs.
    pub pack: bool,
}

impl Default for VadOptions {
    fn default() -> Self {
        Self {
            max_chunk_ms: 28_000,
            min_pause_ms: 600,
            padding_ms: 250,
            margin_db: 12.0,
            min_level_db: -50.0,
            pack: true,
        }
    }
}

/// Samples per 30 ms frame at `rate`.
fn frame_len(rate: u32) -> usize {
    (rate as usize * 30 / 1000).max(1)
}

/// Loudness of each frame in dBFS.
fn frame_levels(samples: &[f32], frame: usize) -> Vec<f32> {
    samples
        .chunks(frame)
        .map(|c| {
            let power = c.iter().map(|s| s * s).sum::<f32>() / c.len().max(1) as f32;
            10.0 * (power + 1e-12).log10()
        })
        .collect()
}

/// The stretches of `samples` (at `rate` Hz) to transcribe, as sample ranges in order,
/// each at most `max_chunk_ms` long. Empty when nothing rises above the floor.
pub fn speech_chunks(samples: &[f32], rate: u32, options: &VadOptions) -> Vec<Range<usize>> {
    let frame = frame_len(rate);
    let levels = frame_levels(samples, frame);
    if levels.is_empty() {
        return Vec::new();
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    // The noise floor: the level the quietest tenth of the recording stays under.
    let floor = sorted.get(sorted.len() / 10).copied().unwrap_or(-120.0);
    // Speech with hardly a pause has no quiet tenth: then the loud frames set the bar.
    let loud = sorted.get(sorted.len() * 19 / 20).copied().unwrap_or(0.0);
    let threshold = (floor + options.margin_db)
        .min(loud - 15.0)
        .max(options.min_level_db);
    let ms_frames = |ms: u32| (ms as usize).div_ceil(30);

    // Runs of speech frames, merged across short pauses, then padded.
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        if *level < threshold {
            continue;
        }
        match runs.last_mut() {
            Some(last) if i - last.end <= ms_frames(options.min_pause_ms) => last.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    let pad = ms_frames(options.padding_ms);
    let runs = runs
        .into_iter()
        .map(|r| r.start.saturating_sub(pad)..(r.end + pad).min(levels.len()));

    // Pack runs into chunks no longer than the model's window; split longer runs at
    // their quietest frame.
    let max = ms_frames(options.max_chunk_ms).max(2);
    let mut chunks: Vec<Range<usize>> = Vec::new();
    for run in runs {
        let mut run = match chunks.last_mut() {
            Some(last) if run.start <= last.end => {
                // Padding made them touch: continue the previous chunk.
                let start = last.start;
                chunks.pop();
                start..run.end
            }
            Some(last) if options.pack && run.end - last.start <= max => {
                last.end = run.end;
                continue;
            }
            _ => run,
        };
        while run.end - run.start > max {
            let cut = quietest(&levels, run.start + max / 2..run.start + max);
            chunks.push(run.start..cut);
            run.start = cut;
        }
        chunks.push(run);
    }
    chunks
        .into_iter()
        .map(|r| r.start * frame..(r.end * frame).min(samples.len()))
        .filter(|r| !r.is_empty())
        .collect()
}

/// The frame in `range` with the lowest level (the latest, on a tie).
fn quietest(levels: &[f32], range: Range<usize>) -> usize {
    let end = range.end;
    range
        .filter(|&i| i < levels.len())
        .min_by(|&a, &b| levels[a].total_cmp(&levels[b]).then(b.cmp(&a)))
        .unwrap_or(end)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    fn tone(ms: usize) -> Vec<f32> {
        (0..ms * 16)
            .map(|i| 0.3 * (i as f32 * 0.07).sin())
            .collect()
    }

    fn silence(ms: usize) -> Vec<f32> {
        vec![0.0; ms * 16]
    }

    fn secs(r: &Range<usize>) -> (f32, f32) {
        (r.start as f32 / 16_000.0, r.end as f32 / 16_000.0)
    }

    #[test]
    fn silence_gives_no_chunks() {
        assert!(speech_chunks(&silence(5000), RATE, &VadOptions::default()).is_empty());
        assert!(speech_chunks(&[], RATE, &VadOptions::default()).is_empty());
    }

    #[test]
    fn speech_between_long_silences_is_one_padded_chunk() {
        let audio = [silence(3000), tone(2000), silence(3000)].concat();
        let chunks = speech_chunks(&audio, RATE, &VadOptions::default());
        assert_eq!(chunks.len(), 1);
        let (start, end) = secs(&chunks[0]);
        assert!((2.6..3.0).contains(&start), "{start}");
        assert!((5.0..5.4).contains(&end), "{end}");
    }

    #[test]
    fn nearby_speech_is_packed_into_one_chunk_up_to_the_window() {
        let audio = [
            tone(2000),
            silence(2000),
            tone(2000),
            silence(40_000),
            tone(1000),
        ]
        .concat();
        let chunks = speech_chunks(&audio, RATE, &VadOptions::default());
        assert_eq!(chunks.len(), 2, "{chunks:?}");
        assert!(secs(&chunks[0]).1 < 6.5);
        assert!(secs(&chunks[1]).0 > 45.0);
    }

    #[test]
    fn without_packing_each_stretch_of_speech_is_its_own_chunk() {
        let audio = [
            tone(2000),
            silence(1500),
            tone(2000),
            silence(1500),
            tone(1000),
        ]
        .concat();
        let options = VadOptions {
            pack: false,
            ..VadOptions::default()
        };
        assert_eq!(speech_chunks(&audio, RATE, &options).len(), 3);
    }

    #[test]
    fn a_long_monologue_is_cut_into_windows_no_longer_than_the_maximum() {
        let mut audio = Vec::new();
        for _ in 0..20 {
            audio.extend(tone(4000));
            audio.extend(silence(200));
        }
        let options = VadOptions::default();
        let chunks = speech_chunks(&audio, RATE, &options);
        assert!(chunks.len() >= 3, "{chunks:?}");
        for c in &chunks {
            assert!(
                c.len() <= options.max_chunk_ms as usize * 16 + 16 * 30,
                "{c:?}"
            );
        }
        // Contiguous: nothing said is dropped between chunks.
        for w in chunks.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
    }
}
