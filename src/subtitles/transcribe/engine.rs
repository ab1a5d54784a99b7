//! The speech engine: whisper.cpp through `whisper-rs`. Loads a ggml model and turns
//! 16 kHz mono samples into a [`Transcript`] — chunk by chunk as the voice-activity
//! detector cut them, each chunk in its own detected language when asked for `auto`,
//! with per-word times from whisper's token timestamps. Runs on the caller's thread
//! (a worker); reports progress through a callback and stops when the cancel flag is set.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use super::language::UNSPACED;
use super::vad::{speech_chunks, VadOptions};
use super::{LanguageChoice, Progress, TranscribeError, Transcript, TranscriptSegment, WordTiming};

/// Samples a second of the audio [`WhisperEngine::transcribe`] takes.
pub const SAMPLE_RATE: u32 = 16_000;

/// whisper.cpp ignores input shorter than one second; short chunks are padded.
const MIN_SAMPLES: usize = SAMPLE_RATE as usize + SAMPLE_RATE as usize / 10;

/// Called with progress from the transcribing thread.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How to transcribe.
#[derive(Debug, Clone, Default)]
pub struct TranscribeOptions {
    /// The spoken language, or detection per chunk.
    pub language: LanguageChoice,
    /// CPU threads for the engine; 0 means all the machine has.
    pub threads: usize,
    /// How the audio is cut into chunks.
    pub vad: VadOptions,
}

/// A loaded Whisper model, ready to transcribe (one transcription at a time per state;
/// the model itself can be shared).
pub struct WhisperEngine {
    context: WhisperContext,
    path: PathBuf,
}

impl std::fmt::Debug for WhisperEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperEngine")
            .field("path", &self.path)
            .finish()
    }
}

/// whisper.cpp opens the model file itself everywhere but on Windows.
#[cfg(not(windows))]
fn load_context(path: &Path) -> Result<WhisperContext, TranscribeError> {
    WhisperContext::new_with_params(path, WhisperContextParameters::default()).map_err(|e| {
        TranscribeError::ModelLoad {
            path: path.to_owned(),
            detail: e.to_string(),
        }
    })
}

/// On Windows we read the model and hand whisper.cpp the bytes: built with MinGW it opens
/// files with a narrow `std::ifstream`, which takes the path in the ANSI code page, so a
/// model under `C:\Users\Zoë\...` would not open (only MSVC builds convert to UTF-16).
#[cfg(windows)]
fn load_context(path: &Path) -> Result<WhisperContext, TranscribeError> {
    let bytes = std::fs::read(path).map_err(|source| TranscribeError::ModelRead {
        path: path.to_owned(),
        source,
    })?;
    WhisperContext::new_from_buffer_with_params(&bytes, WhisperContextParameters::default())
        .map_err(|e| TranscribeError::ModelLoad {
            path: path.to_owned(),
            detail: e.to_string(),
        })
}

impl WhisperEngine {
    /// Loads the ggml model file at `path` (see [`super::resolve_model`] for the other
    /// kinds of model a user may name).
    pub fn load(path: &Path) -> Result<Self, TranscribeError> {
        // whisper.cpp logs to stderr; route it to nowhere (it has no `tracing` backend
        // enabled) so the CLI prints only its own progress.
        whisper_rs::install_logging_hooks();
        let context = load_context(path)?;
        Ok(Self {
            context,
            path: path.to_owned(),
        })
    }

    /// Whether the model knows languages other than English.
    pub fn is_multilingual(&self) -> bool {
        self.context.is_multilingual()
    }

    /// Transcribes `samples` (mono, [`SAMPLE_RATE`] Hz). Times in the result are
    /// milliseconds from the first sample. `progress` is called after each chunk and as
    /// the engine reports; `cancel` is checked throughout.
    pub fn transcribe(
        &self,
        samples: &[f32],
        options: &TranscribeOptions,
        progress: Option<ProgressFn>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<Transcript, TranscribeError> {
        let fixed = match &options.language {
            LanguageChoice::Auto if !self.is_multilingual() => Some("en".to_owned()),
            LanguageChoice::Auto => None,
            LanguageChoice::Fixed(code) => {
                if whisper_rs::get_lang_id(code).is_none() {
                    return Err(TranscribeError::UnknownLanguage(code.clone()));
                }
                if !self.is_multilingual() && code != "en" {
                    return Err(TranscribeError::EnglishOnly {
                        path: self.path.clone(),
                        language: code.clone(),
                    });
                }
                Some(code.clone())
            }
        };
        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let total_ms = samples_to_ms(samples.len());
        let report = |done_ms: i64| {
            if let Some(p) = &progress {
                p(Progress { done_ms, total_ms });
            }
        };
        report(0);
        let mut state = self
            .context
            .create_state()
            .map_err(|e| TranscribeError::Engine(e.to_string()))?;
        let mut transcript = Transcript::default();
        // Detecting each stretch's language needs each stretch on its own.
        let vad = VadOptions {
            pack: options.vad.pack && fixed.is_some(),
            ..options.vad.clone()
        };
        for chunk in speech_chunks(samples, SAMPLE_RATE, &vad) {
            if cancel.load(Ordering::Relaxed) {
                return Err(TranscribeError::Cancelled);
            }
            let offset_ms = samples_to_ms(chunk.start);
            let chunk_ms = samples_to_ms(chunk.len());
            let mut audio = samples.get(chunk.clone()).unwrap_or_default().to_vec();
            if audio.len() < MIN_SAMPLES {
                audio.resize(MIN_SAMPLES, 0.0);
            }
            let params = self.params(
                fixed.as_deref(),
                threads,
                offset_ms,
                chunk_ms,
                &progress,
                total_ms,
                cancel,
            );
            let result = state.full(params, &audio);
            if cancel.load(Ordering::Relaxed) {
                return Err(TranscribeError::Cancelled);
            }
            result.map_err(|e| TranscribeError::Engine(e.to_string()))?;
            let language = match &fixed {
                Some(code) => code.clone(),
                None => whisper_rs::get_lang_str(state.full_lang_id_from_state())
                    .unwrap_or("en")
                    .to_owned(),
            };
            let end_ms = offset_ms + chunk_ms;
            transcript
                .segments
                .extend(self.segments(&state, &language, offset_ms, end_ms));
            report(end_ms);
        }
        report(total_ms);
        Ok(transcript)
    }

    #[allow(clippy::too_many_arguments)]
    fn params<'a, 'b>(
        &self,
        language: Option<&'a str>,
        threads: usize,
        offset_ms: i64,
        chunk_ms: i64,
        progress: &Option<ProgressFn>,
        total_ms: i64,
        cancel: &Arc<AtomicBool>,
    ) -> FullParams<'a, 'b> {
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(i32::try_from(threads).unwrap_or(2));
        params.set_language(Some(language.unwrap_or("auto")));
        params.set_translate(false);
        // Chunks are independent: no prompt from the last one, which also keeps a
        // misheard phrase from repeating through a long recording.
        params.set_no_context(true);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        if let Some(p) = progress.clone() {
            params.set_progress_callback_safe(move |percent: i32| {
                let within = chunk_ms * i64::from(percent.clamp(0, 100)) / 100;
                p(Progress {
                    done_ms: offset_ms + within,
                    total_ms,
                });
            });
        }
        let cancel = Arc::clone(cancel);
        // Boxed on purpose: whisper-rs 0.16 hands its abort trampoline a pointer to a
        // `Box<dyn FnMut() -> bool>` but reads it as the closure's own type, so only a
        // closure that *is* that box type is read correctly.
        let abort: Box<dyn FnMut() -> bool> = Box::new(move || cancel.load(Ordering::Relaxed));
        params.set_abort_callback_safe(abort);
        params
    }

    /// The segments of the last run, shifted by `offset_ms` and kept inside the chunk.
    fn segments(
        &self,
        state: &WhisperState,
        language: &str,
        offset_ms: i64,
        end_ms: i64,
    ) -> Vec<TranscriptSegment> {
        let eot = self.context.token_eot();
        let unspaced = UNSPACED.contains(&language);
        let clamp = |cs: i64| (offset_ms + cs * 10).clamp(offset_ms, end_ms);
        let mut out = Vec::new();
        for segment in state.as_iter() {
            let start_ms = clamp(segment.start_timestamp());
            let seg_end = clamp(segment.end_timestamp()).max(start_ms);
            let mut words: Vec<(Vec<u8>, i64, i64)> = Vec::new();
            for i in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(i) else {
                    continue;
                };
                if token.token_id() >= eot {
                    continue; // timestamps, language and other special tokens
                }
                let Ok(bytes) = token.to_bytes() else {
                    continue;
                };
                let data = token.token_data();
                let (t0, t1) = (clamp(data.t0), clamp(data.t1));
                let starts_word = bytes.first().is_some_and(|b| b.is_ascii_whitespace())
                    || (unspaced
                        && !bytes.first().is_some_and(|b| (0x80..0xC0).contains(b))
                        && words
                            .last()
                            .is_some_and(|w| std::str::from_utf8(&w.0).is_ok()));
                let punctuation = bytes.iter().all(|b| b.is_ascii_punctuation());
                match words.last_mut() {
                    Some(last) if !starts_word || (punctuation && !unspaced) => {
                        last.0.extend_from_slice(bytes);
                        last.2 = last.2.max(t1);
                    }
                    _ => words.push((bytes.to_vec(), t0, t1)),
                }
            }
            let text = String::from_utf8_lossy(segment.to_bytes().unwrap_or_default())
                .trim()
                .to_owned();
            if text.is_empty() {
                continue;
            }
            let words = monotone_words(words, start_ms, seg_end);
            let start_ms = words.first().map_or(start_ms, |w| w.start_ms.min(start_ms));
            let end_ms = words.last().map_or(seg_end, |w| w.end_ms.max(seg_end));
            out.push(TranscriptSegment {
                start_ms,
                end_ms,
                text,
                language: language.to_owned(),
                words,
            });
        }
        out
    }
}

/// Words as text with times forced into order: each starts no earlier than the last
/// one ended and inside `[start_ms, end_ms]`.
fn monotone_words(raw: Vec<(Vec<u8>, i64, i64)>, start_ms: i64, end_ms: i64) -> Vec<WordTiming> {
    let mut out: Vec<WordTiming> = Vec::new();
    let mut at = start_ms;
    for (bytes, t0, t1) in raw {
        let text = String::from_utf8_lossy(&bytes).trim().to_owned();
        if text.is_empty() {
            continue;
        }
        let start = t0.clamp(at, end_ms);
        let end = t1.clamp(start, end_ms);
        out.push(WordTiming::new(text, start, end));
        at = end;
    }
    out
}

fn samples_to_ms(samples: usize) -> i64 {
    (samples as i64).saturating_mul(1000) / i64::from(SAMPLE_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_times_are_forced_into_order_inside_the_segment() {
        let raw = vec![
            (b" the".to_vec(), 100, 300),
            (b" quick".to_vec(), 250, 200),
            (b" ".to_vec(), 0, 0),
            (b" fox".to_vec(), 900, 5000),
        ];
        let words = monotone_words(raw, 150, 1000);
        let times: Vec<(i64, i64)> = words.iter().map(|w| (w.start_ms, w.end_ms)).collect();
        assert_eq!(times, vec![(150, 300), (300, 300), (900, 1000)]);
        assert_eq!(words[1].text, "quick");
    }
}
