//! [`SpeechModel`]: what turns speech into a transcript. [`WhisperEngine`] runs whisper.cpp
//! on a model file; [`FakeSpeech`] hears the words it was given, so code that only needs
//! "a transcript comes back" (the app's transcription flow, placing cues in timeline time,
//! undo) runs without a model. The real model stays tested on real speech
//! (`tests/transcribe.rs`, `tests/app_transcribe.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::engine::{ProgressFn, TranscribeOptions, WhisperEngine, SAMPLE_RATE};
use super::{Progress, TranscribeError, Transcript, TranscriptSegment, WordTiming};

/// Something that turns mono [`SAMPLE_RATE`] Hz samples into a transcript.
pub trait SpeechModel: Send + Sync + std::fmt::Debug {
    /// Transcribes `samples`; times in the result are milliseconds from the first sample.
    /// `progress` is called as it goes; `cancel` is checked throughout.
    fn transcribe(
        &self,
        samples: &[f32],
        options: &TranscribeOptions,
        progress: Option<ProgressFn>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Transcript, TranscribeError>;
}

impl SpeechModel for WhisperEngine {
    fn transcribe(
        &self,
        samples: &[f32],
        options: &TranscribeOptions,
        progress: Option<ProgressFn>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Transcript, TranscribeError> {
        WhisperEngine::transcribe(self, samples, options, progress, cancel)
    }
}

/// A speech model that hears the same words in any sound: each given word at its given
/// time, as far as the sound lasts (a word that starts after the last sample is not heard,
/// one that runs past it is cut there). It reports its progress once and honours a
/// cancel like the real one.
#[derive(Debug, Clone, Default)]
pub struct FakeSpeech {
    language: String,
    words: Vec<(String, i64, i64)>,
}

impl FakeSpeech {
    /// Hears `words` — each its text, start and end in milliseconds — in `language` (a
    /// Whisper code such as `en`).
    pub fn hearing(language: &str, words: &[(&str, i64, i64)]) -> FakeSpeech {
        FakeSpeech {
            language: language.to_owned(),
            words: words
                .iter()
                .map(|&(text, start, end)| (text.to_owned(), start, end))
                .collect(),
        }
    }
}

impl SpeechModel for FakeSpeech {
    fn transcribe(
        &self,
        samples: &[f32],
        _options: &TranscribeOptions,
        progress: Option<ProgressFn>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Transcript, TranscribeError> {
        if cancel.load(Ordering::Relaxed) {
            return Err(TranscribeError::Cancelled);
        }
        let total_ms =
            i64::try_from(samples.len()).unwrap_or(i64::MAX) * 1000 / i64::from(SAMPLE_RATE);
        let words: Vec<WordTiming> = self
            .words
            .iter()
            .filter(|(_, start, _)| *start < total_ms)
            .map(|(text, start, end)| WordTiming {
                start_ms: *start,
                end_ms: (*end).min(total_ms),
                text: text.clone(),
            })
            .collect();
        if let Some(report) = progress {
            report(Progress {
                done_ms: total_ms,
                total_ms,
            });
        }
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return Ok(Transcript::default());
        };
        let text = words
            .iter()
            .map(|w| w.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            segments: vec![TranscriptSegment {
                start_ms: first.start_ms,
                end_ms: last.end_ms,
                text,
                language: self.language.clone(),
                words,
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(
        fake: &FakeSpeech,
        seconds: usize,
        cancel: bool,
    ) -> Result<Transcript, TranscribeError> {
        let samples = vec![0.0; seconds * SAMPLE_RATE as usize];
        let cancel = Arc::new(AtomicBool::new(cancel));
        fake.transcribe(&samples, &TranscribeOptions::default(), None, &cancel)
    }

    #[test]
    fn the_fake_hears_its_words_as_far_as_the_sound_lasts() {
        let fake = FakeSpeech::hearing("en", &[("hello", 200, 600), ("world", 1800, 2400)]);
        let t = heard(&fake, 2, false).unwrap();
        assert_eq!(t.text(), "hello world");
        assert_eq!(t.languages(), vec!["en"]);
        let words = &t.segments[0].words;
        assert_eq!((words[0].start_ms, words[0].end_ms), (200, 600));
        assert_eq!(
            (words[1].start_ms, words[1].end_ms),
            (1800, 2000),
            "cut at the end"
        );
        let short = heard(&fake, 1, false).unwrap();
        assert_eq!(short.text(), "hello", "a word after the sound is not heard");
    }

    #[test]
    fn the_fake_stops_when_cancelled() {
        let fake = FakeSpeech::hearing("en", &[("hello", 0, 100)]);
        assert!(matches!(
            heard(&fake, 1, true),
            Err(TranscribeError::Cancelled)
        ));
    }
}
