//! Speech-to-text, locally: Whisper models run by whisper.cpp (`whisper-rs`).
//!
//! ```no_run
//! use std::sync::{atomic::AtomicBool, Arc};
//! use clipwright::subtitles::transcribe::{resolve_model, TranscribeOptions, WhisperEngine};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let samples: Vec<f32> = Vec::new(); // 16 kHz mono, e.g. from media::decode_pcm_mono_16k
//! let model = resolve_model("base", None, None)?; // a path, a CTranslate2 folder, or a name
//! let engine = WhisperEngine::load(&model)?;
//! let cancel = Arc::new(AtomicBool::new(false));
//! let transcript = engine.transcribe(&samples, &TranscribeOptions::default(), None, &cancel)?;
//! let doc = transcript.to_doc(clipwright::subtitles::Format::Srt);
//! # let _ = doc; Ok(()) }
//! ```
//!
//! A model is a whisper.cpp ggml file the user points to, a CTranslate2 (faster-whisper)
//! model folder converted to ggml on first use ([`ggml`], cached next to it), or a model
//! named in [`KNOWN_MODELS`], downloaded once from its documented address with a
//! SHA-256 check ([`download`]). Long audio is cut by an energy voice-activity detector
//! ([`vad`]) into chunks of at most 30 s; with [`LanguageChoice::Auto`] each chunk gets its
//! own detected language, so a stream that switches language is transcribed in each.
//! The result keeps per-word times for karaoke captions.
//!
//! This module takes samples, not files: decoding sound is `media`'s job.

mod ct2;
pub mod download;
mod engine;
mod error;
pub(crate) mod ggml;
mod language;
mod model;
mod speech;
pub mod vad;

use serde::{Deserialize, Serialize};

pub use engine::{ProgressFn, TranscribeOptions, WhisperEngine, SAMPLE_RATE};
pub use error::TranscribeError;
pub use language::{language_name, LanguageChoice, LANGUAGES};
pub use model::{
    default_model_dir, model_search_path, package_model_dir, resolve_model, KnownModel,
    ModelProgress, KNOWN_MODELS,
};
pub use speech::{FakeSpeech, SpeechModel};
pub use vad::VadOptions;

use super::karaoke::{karaoke_text, KaraokeTag, WordTiming};
use super::model::{Cue, SubtitleDoc};
use super::style::AssStyle;
use super::{text, Format};

/// How far a transcription has got, in milliseconds of audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Audio handled so far.
    pub done_ms: i64,
    /// All the audio.
    pub total_ms: i64,
}

impl Progress {
    /// Done as a fraction in `[0, 1]`.
    pub fn fraction(&self) -> f64 {
        if self.total_ms <= 0 {
            return 1.0;
        }
        (self.done_ms as f64 / self.total_ms as f64).clamp(0.0, 1.0)
    }
}

/// What was said, in segments as the model heard them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Segments in time order.
    pub segments: Vec<TranscriptSegment>,
}

/// One stretch of speech, usually a sentence or a phrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptSegment {
    /// Start, in milliseconds from the start of the audio.
    pub start_ms: i64,
    /// End, in milliseconds.
    pub end_ms: i64,
    /// The text, trimmed.
    pub text: String,
    /// The Whisper code of the language it was transcribed in (`en`, `es`...).
    pub language: String,
    /// Each word and when it was said, in order and inside the segment.
    pub words: Vec<WordTiming>,
}

/// Longest cue text before a segment is split into several cues (two lines of 42).
const MAX_CUE_CHARS: usize = 84;
/// Longest cue before a segment is split.
const MAX_CUE_MS: i64 = 7_000;

impl Transcript {
    /// All the text, segments joined by spaces.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join(" ")
    }

    /// The distinct languages heard, in order of first appearance.
    pub fn languages(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.segments {
            if !out.contains(&s.language.as_str()) {
                out.push(&s.language);
            }
        }
        out
    }

    /// Subtitle cues: one per segment, long segments split at word boundaries so no
    /// cue holds more than two lines or 7 s. Each cue keeps its words.
    pub fn cues(&self) -> Vec<(Cue, Vec<WordTiming>)> {
        let mut out = Vec::new();
        for segment in &self.segments {
            if segment.words.is_empty() {
                out.push((
                    Cue::new(segment.start_ms, segment.end_ms, segment.text.clone()),
                    Vec::new(),
                ));
                continue;
            }
            let mut group: Vec<WordTiming> = Vec::new();
            for word in &segment.words {
                let chars: usize = group.iter().map(|w| w.text.chars().count() + 1).sum();
                let too_long = group
                    .first()
                    .is_some_and(|f| word.end_ms - f.start_ms > MAX_CUE_MS);
                if !group.is_empty()
                    && (chars + word.text.chars().count() > MAX_CUE_CHARS || too_long)
                {
                    out.push(group_cue(std::mem::take(&mut group)));
                }
                group.push(word.clone());
            }
            if !group.is_empty() {
                out.push(group_cue(group));
            }
        }
        out
    }

    /// A subtitle document in `format`. ASS gets word-by-word karaoke (`\k`) tags
    /// from the word timings; SRT and WebVTT get the plain text.
    pub fn to_doc(&self, format: Format) -> SubtitleDoc {
        let mut doc = SubtitleDoc::new_1080p(format);
        if format.is_ass_family() {
            doc.styles.push(AssStyle {
                fontsize: 54.0,
                ..AssStyle::default()
            });
        }
        for (mut cue, words) in self.cues() {
            cue.text = match format {
                Format::Ass | Format::Ssa if !words.is_empty() => {
                    karaoke_text(&words, cue.start_ms, KaraokeTag::K)
                }
                Format::Ass | Format::Ssa => text::plain_to_ass(&cue.text),
                Format::Vtt => escape_vtt(&cue.text),
                Format::Srt => cue.text,
            };
            if format.is_ass_family() {
                cue.style = "Default".to_owned();
            }
            doc.events.push(cue);
        }
        doc
    }
}

/// A cue spanning `words`, its text the words joined by spaces.
fn group_cue(words: Vec<WordTiming>) -> (Cue, Vec<WordTiming>) {
    let start = words.first().map_or(0, |w| w.start_ms);
    let end = words.last().map_or(start, |w| w.end_ms).max(start + 1);
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    (Cue::new(start, end, texts.join(" ")), words)
}

/// WebVTT cue text cannot hold a bare `&`, `<` or `>`.
fn escape_vtt(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        let words: Vec<WordTiming> = (0..30)
            .map(|i| WordTiming::new(format!("word{i}"), i * 400, i * 400 + 300))
            .collect();
        Transcript {
            segments: vec![
                TranscriptSegment {
                    start_ms: 0,
                    end_ms: 12_000,
                    text: words
                        .iter()
                        .map(|w| w.text.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                    language: "en".into(),
                    words,
                },
                TranscriptSegment {
                    start_ms: 13_000,
                    end_ms: 14_000,
                    text: "hola & <adiós>".into(),
                    language: "es".into(),
                    words: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn long_segments_become_several_cues_split_between_words() {
        let cues = transcript().cues();
        assert!(cues.len() >= 3, "{}", cues.len());
        for (cue, words) in &cues {
            assert!(cue.text.chars().count() <= MAX_CUE_CHARS);
            assert!(cue.end_ms - cue.start_ms <= MAX_CUE_MS);
            if let Some(first) = words.first() {
                assert_eq!(cue.start_ms, first.start_ms);
            }
        }
        assert_eq!(transcript().languages(), vec!["en", "es"]);
    }

    #[test]
    fn ass_output_carries_karaoke_tags_and_vtt_output_is_escaped() {
        let ass = transcript().to_doc(Format::Ass).write(Format::Ass);
        assert!(ass.contains("{\\k30}word0 {\\k10}{\\k30}word1"), "{ass}");
        let (back, warnings) = crate::subtitles::parse_str(&ass, Format::Ass).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back.events.len(), transcript().cues().len());
        let vtt = transcript().to_doc(Format::Vtt).write(Format::Vtt);
        assert!(vtt.contains("hola &amp; &lt;adiós&gt;"), "{vtt}");
    }
}
