//! The error type of speech-to-text: finding, downloading, converting and loading a
//! model, and running it. Every variant names the file or address it concerns, so the
//! one line a user sees says what to fix.

use std::path::PathBuf;

/// What went wrong while preparing a model or transcribing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TranscribeError {
    /// A model file or folder could not be read.
    #[error("cannot read speech model {}: {source}", path.display())]
    ModelRead {
        /// The file that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A model file could not be written (a converted model or a download).
    #[error("cannot write speech model {}: {source}", path.display())]
    ModelWrite {
        /// The file that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not a model we can use, or is damaged.
    #[error("{}: not a usable Whisper model: {detail}", path.display())]
    ModelFormat {
        /// The file in question.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The speech engine refused to load the model.
    #[error("{}: the speech engine could not load this model: {detail}", path.display())]
    ModelLoad {
        /// The model file.
        path: PathBuf,
        /// The engine's reason.
        detail: String,
    },
    /// A model name that is not in [`super::KNOWN_MODELS`].
    #[error("unknown speech model '{name}': use a file path or one of {known}")]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The names we know, comma-separated.
        known: String,
    },
    /// A download failed (no network, HTTP error, cut off).
    #[error("cannot download {url}: {detail}")]
    Download {
        /// The address.
        url: String,
        /// What failed.
        detail: String,
    },
    /// A model known by name is in none of the model folders and could not be downloaded.
    #[error(
        "the speech model '{name}' is not installed (looked in {looked_in}) and could not be \
         downloaded: {source}. Put {file} in the first of those folders, run \
         scripts/fetch-test-models.sh from Clipwright's source to install Whisper base, or \
         choose a model file"
    )]
    ModelMissing {
        /// The name asked for.
        name: String,
        /// The model's file name.
        file: String,
        /// The folders searched, in order.
        looked_in: String,
        /// Why the download failed.
        #[source]
        source: Box<TranscribeError>,
    },
    /// A downloaded file's SHA-256 is not the documented one; it was discarded.
    #[error("download of {url} is corrupt or not the expected file: sha256 {actual}, expected {expected}")]
    Checksum {
        /// The address.
        url: String,
        /// The documented SHA-256 (hex).
        expected: String,
        /// What was received (hex).
        actual: String,
    },
    /// A language the engine does not know.
    #[error("unknown language '{0}': use auto or a code such as en, es, fr, de, ja, zh")]
    UnknownLanguage(String),
    /// A language other than English asked of an English-only model.
    #[error("{}: this model understands English only; pick a multilingual model to transcribe '{language}'", path.display())]
    EnglishOnly {
        /// The model file.
        path: PathBuf,
        /// The language asked for.
        language: String,
    },
    /// The engine failed while transcribing.
    #[error("transcription failed: {0}")]
    Engine(String),
    /// The caller asked to stop.
    #[error("transcription was cancelled")]
    Cancelled,
}
