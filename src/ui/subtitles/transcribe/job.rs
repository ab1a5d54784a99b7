//! The worker side of "Transcribe…": what it is asked for, finding and loading the model
//! (or using the one given), reading or mixing the sound, and why it gave no transcript.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::export::{Mixer, BLOCK};
use crate::media::{self, MediaError, MixToPcm, PcmError, MIX_RATE};
use crate::subtitles::transcribe::{
    resolve_model, LanguageChoice, ModelProgress, Progress, ProgressFn, SpeechModel,
    TranscribeError, TranscribeOptions, Transcript, WhisperEngine, SAMPLE_RATE,
};
use crate::timeline::EditError;

/// Why a transcription gave no track.
#[derive(Debug, thiserror::Error)]
pub(super) enum JobError {
    /// The language asked for is not one the model knows.
    #[error("unknown language '{0}': use auto or a code such as en")]
    UnknownLanguage(String),
    /// The model could not be found, fetched or run, or the job was cancelled.
    #[error(transparent)]
    Transcribe(#[from] TranscribeError),
    /// The model failed on the sound of `name` (a file, or "the timeline").
    #[error("{name}: {source}")]
    Heard {
        name: String,
        #[source]
        source: TranscribeError,
    },
    /// The clip's sound could not be read.
    #[error(transparent)]
    Sound(#[from] PcmError),
    /// The timeline's sound could not be mixed.
    #[error(transparent)]
    Mix(#[from] MediaError),
    /// The clip went away while the model listened.
    #[error("the clip was removed while it was being transcribed")]
    ClipRemoved,
    /// The model heard no speech in the clip.
    #[error("no speech was heard in the clip")]
    NoSpeechInClip,
    /// The model heard no speech on the timeline.
    #[error("no speech was heard on the timeline")]
    NoSpeechOnTimeline,
    /// The new track was refused.
    #[error(transparent)]
    Refused(#[from] EditError),
}

/// Reports a stage line and how far it is.
pub(super) type StageFn = Arc<dyn Fn(String, Option<f32>) + Send + Sync>;

/// What the worker needs.
pub(super) struct Request {
    pub(super) model: String,
    /// Used instead of loading `model` when set.
    pub(super) speech: Option<Arc<dyn SpeechModel>>,
    pub(super) language: String,
    pub(super) sound: Sound,
}

/// The model a run uses: one given to the section, or a file loaded once the sound is read.
enum Model {
    Given(Arc<dyn SpeechModel>),
    File(PathBuf),
}

/// Where the sound to transcribe comes from.
pub(super) enum Sound {
    /// The project's mix, from 0:00 to its last clip.
    Timeline {
        project: Box<crate::timeline::Project>,
        base_dir: PathBuf,
    },
    /// Source milliseconds `from_ms..to_ms` of the file at `path`.
    Clip {
        path: PathBuf,
        from_ms: i64,
        to_ms: i64,
    },
}

/// Finds the model, decodes the sound, cuts out the clip's part and transcribes it.
/// Returns the transcript and the source time (ms) it starts at.
pub(super) fn run(
    request: &Request,
    cancel: &Arc<AtomicBool>,
    stage: &StageFn,
) -> Result<(Transcript, i64), JobError> {
    let language = LanguageChoice::parse(&request.language)
        .ok_or_else(|| JobError::UnknownLanguage(request.language.clone()))?;
    stage("Finding the speech model…".to_owned(), None);
    let mut on_model = |p: ModelProgress| match p {
        ModelProgress::Converting { .. } => {
            stage(
                "Converting the model for whisper.cpp (once)…".to_owned(),
                None,
            );
        }
        ModelProgress::Downloading { done, total } => stage(
            format!(
                "Downloading the model: {} of {} MB",
                done / 1_000_000,
                total / 1_000_000
            ),
            Some(done as f32 / total.max(1) as f32),
        ),
    };
    let model = match &request.speech {
        Some(speech) => Model::Given(Arc::clone(speech)),
        None => Model::File(resolve_model(&request.model, None, Some(&mut on_model))?),
    };
    if cancel.load(Ordering::Relaxed) {
        return Err(TranscribeError::Cancelled.into());
    }
    let (samples, from_ms, name) = match &request.sound {
        Sound::Timeline { project, base_dir } => (
            mix_timeline(project, base_dir, cancel, stage)?,
            0,
            "the timeline".to_owned(),
        ),
        Sound::Clip {
            path,
            from_ms,
            to_ms,
        } => {
            stage("Reading the sound…".to_owned(), None);
            let samples = media::decode_pcm_mono_16k(path, Some(cancel.as_ref()))?;
            let at = |ms: i64| {
                usize::try_from(ms.max(0) * i64::from(SAMPLE_RATE) / 1000)
                    .unwrap_or(0)
                    .min(samples.len())
            };
            let (from, to) = (at(*from_ms), at(*to_ms));
            let part = samples.get(from..to.max(from)).unwrap_or_default().to_vec();
            (part, (*from_ms).max(0), path.display().to_string())
        }
    };
    let engine: Arc<dyn SpeechModel> = match model {
        Model::Given(speech) => speech,
        Model::File(path) => {
            stage("Loading the speech model…".to_owned(), None);
            Arc::new(WhisperEngine::load(&path)?)
        }
    };
    let options = TranscribeOptions {
        language,
        ..TranscribeOptions::default()
    };
    let progress: ProgressFn = {
        let stage = Arc::clone(stage);
        Arc::new(move |p: Progress| {
            stage(
                format!(
                    "Transcribing: {:.0} of {:.0} s",
                    p.done_ms as f64 / 1000.0,
                    p.total_ms as f64 / 1000.0
                ),
                Some(p.fraction() as f32),
            );
        })
    };
    let transcript = engine
        .transcribe(&samples, &options, Some(progress), cancel)
        .map_err(|source| JobError::Heard { name, source })?;
    Ok((transcript, from_ms))
}

/// The timeline's mixed sound, mono at the model's rate, reporting how many seconds of it
/// are mixed; stops between blocks when cancelled.
fn mix_timeline(
    project: &crate::timeline::Project,
    base_dir: &std::path::Path,
    cancel: &AtomicBool,
    stage: &StageFn,
) -> Result<Vec<f32>, JobError> {
    let duration = project.clips_duration();
    let total_s = duration.as_secs_f64();
    let mut mixer = Mixer::new(project, base_dir, duration);
    let mut pcm = MixToPcm::new()?;
    let (mut mixed, mut reported) = (0usize, 0usize);
    while let Some(block) = mixer.next_block()? {
        if cancel.load(Ordering::Relaxed) {
            return Err(TranscribeError::Cancelled.into());
        }
        pcm.push(&block)?;
        mixed += block.len() / 2;
        // A line every half second of sound is plenty for the bar.
        if mixed - reported >= MIX_RATE as usize / 2 || mixed < BLOCK + 1 {
            reported = mixed;
            let done_s = mixed as f64 / f64::from(MIX_RATE);
            stage(
                format!("Mixing the timeline's sound: {done_s:.0} of {total_s:.0} s"),
                Some((done_s / total_s.max(0.001)).min(1.0) as f32),
            );
        }
    }
    Ok(pcm.finish())
}
