//! Finding the model to run: a whisper.cpp ggml file the user points to, a
//! CTranslate2 (faster-whisper) model folder — converted to ggml once and cached
//! next to it — or a model known by name, downloaded on first use into the model
//! folder (`~/.cache/clipwright/models` on Linux) from the address documented below
//! and checked against its SHA-256.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::download::{download_verified, sha256_hex};
use super::ggml::{convert_ct2_dir, GGML_MAGIC};
use super::TranscribeError;

/// A whisper.cpp model that can be downloaded by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownModel {
    /// The name a user gives (`--model base`).
    pub name: &'static str,
    /// The file name in the model folder.
    pub file: &'static str,
    /// Where it is downloaded from: whisper.cpp's models on Hugging Face, pinned to a
    /// commit so the bytes behind the address never change.
    pub url: &'static str,
    /// SHA-256 of the file, hex.
    pub sha256: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// Whether it knows languages other than English.
    pub multilingual: bool,
}

/// The models that can be downloaded by name (whisper.cpp's own ggml conversions of
/// OpenAI's multilingual Whisper models).
pub const KNOWN_MODELS: &[KnownModel] = &[
    KnownModel {
        name: "tiny",
        file: "ggml-tiny.bin",
        url: "https://huggingface.co/ggerganov/whisper.cpp/resolve/5359861c739e955e79d9a303bcbc70fb988958b1/ggml-tiny.bin",
        sha256: "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21",
        size: 77_691_713,
        multilingual: true,
    },
    KnownModel {
        name: "base",
        file: "ggml-base.bin",
        url: "https://huggingface.co/ggerganov/whisper.cpp/resolve/5359861c739e955e79d9a303bcbc70fb988958b1/ggml-base.bin",
        sha256: "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe",
        size: 147_951_465,
        multilingual: true,
    },
    KnownModel {
        name: "small",
        file: "ggml-small.bin",
        url: "https://huggingface.co/ggerganov/whisper.cpp/resolve/5359861c739e955e79d9a303bcbc70fb988958b1/ggml-small.bin",
        sha256: "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b",
        size: 487_601_967,
        multilingual: true,
    },
];

/// What [`resolve_model`] is doing, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelProgress {
    /// Converting a CTranslate2 model folder to ggml.
    Converting {
        /// The folder being converted.
        from: PathBuf,
    },
    /// Downloading a known model.
    Downloading {
        /// Bytes received.
        done: u64,
        /// Bytes expected.
        total: u64,
    },
}

/// Where downloaded models are kept: the platform's cache folder for Clipwright,
/// `models` inside it.
pub fn default_model_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "clipwright").map(|d| d.cache_dir().join("models"))
}

/// The ggml file to load for `spec`: a path to a ggml file, a CTranslate2 model folder
/// (or its `model.bin`), or a name from [`KNOWN_MODELS`]. Known models live in
/// `model_dir` (default: [`default_model_dir`]) and are downloaded when missing.
pub fn resolve_model(
    spec: &str,
    model_dir: Option<&Path>,
    progress: Option<&mut dyn FnMut(ModelProgress)>,
) -> Result<PathBuf, TranscribeError> {
    let mut ignore = |_: ModelProgress| {};
    let progress: &mut dyn FnMut(ModelProgress) = match progress {
        Some(p) => p,
        None => &mut ignore,
    };
    let path = Path::new(spec);
    if path.exists() {
        return resolve_path(path, progress);
    }
    let Some(known) = KNOWN_MODELS
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(spec) || m.file == spec)
    else {
        if spec.contains(['/', '\\']) || spec.ends_with(".bin") {
            return Err(TranscribeError::ModelRead {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
        let known: Vec<&str> = KNOWN_MODELS.iter().map(|m| m.name).collect();
        return Err(TranscribeError::UnknownModel {
            name: spec.to_owned(),
            known: known.join(", "),
        });
    };
    let dir = match model_dir {
        Some(d) => d.to_owned(),
        None => default_model_dir().unwrap_or_else(|| PathBuf::from("models")),
    };
    let dest = dir.join(known.file);
    if std::fs::metadata(&dest).is_ok_and(|m| m.len() == known.size) {
        return Ok(dest);
    }
    let total = known.size;
    download_verified(
        known.url,
        known.sha256,
        &dest,
        &mut |done, announced| {
            progress(ModelProgress::Downloading {
                done,
                total: announced.unwrap_or(total),
            })
        },
        None,
    )?;
    Ok(dest)
}

/// A path the user gave: a ggml file as it is, a CTranslate2 model converted.
fn resolve_path(
    path: &Path,
    progress: &mut dyn FnMut(ModelProgress),
) -> Result<PathBuf, TranscribeError> {
    let dir = if path.is_dir() {
        path.to_owned()
    } else {
        match first_u32(path)? {
            GGML_MAGIC => return Ok(path.to_owned()),
            5 | 6 if path.file_name().is_some_and(|n| n == "model.bin") => {
                path.parent().map(Path::to_owned).unwrap_or_default()
            }
            _ => {
                return Err(TranscribeError::ModelFormat {
                    path: path.to_owned(),
                    detail: "neither a whisper.cpp ggml file nor a CTranslate2 model.bin"
                        .to_owned(),
                })
            }
        }
    };
    let model_bin = dir.join("model.bin");
    if !model_bin.is_file() {
        return Err(TranscribeError::ModelFormat {
            path: dir,
            detail:
                "the folder holds no model.bin (a CTranslate2 model) — point to a ggml file instead"
                    .to_owned(),
        });
    }
    let next_to = dir.join("ggml-model.bin");
    if is_fresh(&next_to, &model_bin) {
        return Ok(next_to);
    }
    progress(ModelProgress::Converting { from: dir.clone() });
    match convert_ct2_dir(&dir, &next_to) {
        Ok(()) => Ok(next_to),
        // A read-only folder (a system-wide install): cache the conversion instead.
        Err(TranscribeError::ModelWrite { .. }) => {
            let cache = default_model_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join(format!(
                    "ct2-{}.bin",
                    sha256_hex(dir.to_string_lossy().as_bytes())
                        .get(..16)
                        .unwrap_or("model")
                ));
            if is_fresh(&cache, &model_bin) {
                return Ok(cache);
            }
            if let Some(parent) = cache.parent() {
                std::fs::create_dir_all(parent).map_err(|source| TranscribeError::ModelWrite {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            convert_ct2_dir(&dir, &cache)?;
            Ok(cache)
        }
        Err(e) => Err(e),
    }
}

/// Whether `converted` exists and is newer than `source`.
fn is_fresh(converted: &Path, source: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(converted), modified(source)) {
        (Some(c), Some(s)) => c >= s,
        _ => false,
    }
}

fn first_u32(path: &Path) -> Result<u32, TranscribeError> {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map_err(|source| TranscribeError::ModelRead {
            path: path.to_owned(),
            source,
        })?;
    Ok(u32::from_le_bytes(head))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn known_models_have_pinned_addresses_and_full_hashes() {
        for m in KNOWN_MODELS {
            assert!(m.url.starts_with("https://") && m.url.ends_with(m.file));
            assert_eq!(m.sha256.len(), 64);
            assert!(m.sha256.chars().all(|c| c.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let err = resolve_model("enormous", None, None).unwrap_err();
        assert!(err.to_string().contains("tiny, base, small"), "{err}");
    }

    #[test]
    fn a_file_that_is_no_model_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.bin");
        std::fs::write(&path, b"hello world").unwrap();
        let err = resolve_model(path.to_str().unwrap(), None, None).unwrap_err();
        assert!(err.to_string().contains("notes.bin"), "{err}");
        let err = resolve_model(dir.path().to_str().unwrap(), None, None).unwrap_err();
        assert!(err.to_string().contains("no model.bin"), "{err}");
    }
}
