//! `clipwright transcribe MEDIA -o OUT.srt`: find (or download, or convert) the speech
//! model, decode the file's sound, transcribe it with a progress line on stderr, and
//! write the subtitles in the format the output's extension names.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use crate::media;
use crate::subtitles::transcribe::{
    resolve_model, LanguageChoice, ModelProgress, Progress, TranscribeOptions, WhisperEngine,
};
use crate::subtitles::{self, Format};

/// Arguments of `clipwright transcribe`.
#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// The recording (any file FFmpeg reads; its first audio stream is used).
    media: PathBuf,
    /// The subtitle file to write: .srt, .vtt, or .ass (karaoke word timing).
    #[arg(short, long)]
    output: PathBuf,
    /// A whisper.cpp ggml model file, a CTranslate2 (faster-whisper) model folder, or a
    /// model name: tiny, base, small. Default: the CLIPWRIGHT_WHISPER_MODEL environment
    /// variable, else base. A name is looked for, in order, in the user's model folder
    /// (~/.cache/clipwright/models on Linux) and the folder installed with Clipwright
    /// (/usr/share/clipwright/models; `models` beside clipwright.exe), as ggml-NAME.bin or
    /// a whisper-NAME-ct2 folder, and downloaded into the user's folder when in neither.
    #[arg(long, verbatim_doc_comment)]
    model: Option<String>,
    /// The spoken language: auto (detected for each stretch of speech) or a code
    /// such as en, es, fr, de, pt, it, ja, ko, zh, ru, ar, hi, id, tr, vi, th.
    #[arg(long, default_value = "auto")]
    language: String,
    /// CPU threads to use (default: all).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// One progress line on stderr: redrawn in place on a terminal, a new line each
/// tenth otherwise (logs stay short).
struct ProgressLine {
    terminal: bool,
    last_tenth: i64,
}

impl ProgressLine {
    fn show(&mut self, label: &str, fraction: f64, detail: &str) {
        let percent = (fraction * 100.0).round() as i64;
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r{label}: {percent:3}% {detail}   ");
            let _ = err.flush();
        } else if percent / 10 != self.last_tenth {
            self.last_tenth = percent / 10;
            let _ = writeln!(err, "{label}: {percent}% {detail}");
        }
    }

    fn done(&mut self) {
        if self.terminal {
            let _ = writeln!(std::io::stderr());
        }
        self.last_tenth = -1;
    }
}

/// Runs `clipwright transcribe`.
pub fn run(args: &TranscribeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let Some(format) = Format::from_path(&args.output) else {
        anyhow::bail!(
            "{}: the output must end in .srt, .vtt, .ass or .ssa",
            args.output.display()
        );
    };
    // Check the media can be read and the output written before the model is fetched and
    // the (long) transcription runs, not after it.
    media::probe(&args.media)?;
    if crate::files::same_file(&args.output, &args.media) {
        anyhow::bail!(
            "{}: this is the media file being transcribed; choose another output name",
            args.output.display()
        );
    }
    crate::files::output_target(&args.output)
        .and_then(|t| t.temp_file())
        .with_context(|| {
            format!(
                "{}: cannot write the subtitles there",
                args.output.display()
            )
        })?;
    let language = LanguageChoice::parse(&args.language).with_context(|| {
        format!(
            "unknown language '{}': use auto or a code such as en, es, fr",
            args.language
        )
    })?;
    let line = Arc::new(Mutex::new(ProgressLine {
        terminal: std::io::stderr().is_terminal(),
        last_tenth: -1,
    }));

    let mut on_model = |p: ModelProgress| {
        let Ok(mut line) = line.lock() else { return };
        match p {
            ModelProgress::Converting { from } => {
                eprintln!(
                    "converting the CTranslate2 model in {} to ggml (once)",
                    from.display()
                );
            }
            ModelProgress::Downloading { done, total } => {
                let detail = format!("{} of {} MB", done / 1_000_000, total / 1_000_000);
                line.show(
                    "downloading model",
                    done as f64 / total.max(1) as f64,
                    &detail,
                );
            }
        }
    };
    let spec = match &args.model {
        Some(m) => m.clone(),
        None => std::env::var("CLIPWRIGHT_WHISPER_MODEL").unwrap_or_else(|_| "base".to_owned()),
    };
    let model = resolve_model(&spec, None, Some(&mut on_model))?;
    if let Ok(mut l) = line.lock() {
        if l.last_tenth >= 0 {
            l.done();
        }
    }

    let samples = media::decode_pcm_mono_16k(&args.media, None)?;
    let engine = WhisperEngine::load(&model)?;
    let options = TranscribeOptions {
        language,
        threads: args.threads,
        ..TranscribeOptions::default()
    };
    let progress_line = Arc::clone(&line);
    let progress = Arc::new(move |p: Progress| {
        if let Ok(mut l) = progress_line.lock() {
            let detail = format!(
                "({:.1} s of {:.1} s)",
                p.done_ms as f64 / 1000.0,
                p.total_ms as f64 / 1000.0
            );
            l.show("transcribing", p.fraction(), &detail);
        }
    });
    let cancel = Arc::new(AtomicBool::new(false));
    let transcript = engine
        .transcribe(&samples, &options, Some(progress), &cancel)
        .with_context(|| format!("{}", args.media.display()))?;
    if let Ok(mut l) = line.lock() {
        l.done();
    }

    let doc = transcript.to_doc(format);
    subtitles::write_file(&args.output, &doc)?;
    let languages = transcript.languages().join(", ");
    eprintln!(
        "wrote {} cues to {} ({}; language: {}) in {:.1} s",
        doc.events.len(),
        args.output.display(),
        format,
        if languages.is_empty() {
            "no speech heard"
        } else {
            &languages
        },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
