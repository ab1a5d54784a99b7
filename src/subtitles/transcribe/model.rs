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
/// (or its `model.bin`), or a name from [`KNOWN_MODELS`]. A known model is looked for in
/// the folders of [`model_search_path`] — its ggml file or a `whisper-NAME-ct2` folder —
/// and downloaded into the first of them when it is in none.
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
    let folders = model_search_path(model_dir);
    for (i, dir) in folders.iter().enumerate() {
        match installed(known, dir) {
            Some(Installed::Ggml(file)) => return Ok(file),
            // Only the first folder is the user's own to write a conversion into.
            Some(Installed::Ct2(folder)) => return convert_ct2(&folder, i == 0, progress),
            None => {}
        }
    }
    let dest = folders
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("models"))
        .join(known.file);
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
    )
    .map_err(|e| TranscribeError::ModelMissing {
        name: known.name.to_owned(),
        file: known.file.to_owned(),
        looked_in: folders
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        source: Box::new(e),
    })?;
    Ok(dest)
}

/// The folders a model known by name is looked for in, in order: `model_dir` if given;
/// otherwise the user's model folder ([`default_model_dir`], where downloads go), then the
/// folder installed with Clipwright ([`package_model_dir`]).
pub fn model_search_path(model_dir: Option<&Path>) -> Vec<PathBuf> {
    match model_dir {
        Some(d) => vec![d.to_owned()],
        None => default_model_dir()
            .into_iter()
            .chain(package_model_dir())
            .collect(),
    }
}

/// The models folder installed with the program: `share/clipwright/models` beside the
/// `bin` folder holding it on Linux (`/usr/share/clipwright/models` for the package),
/// `models` beside `clipwright.exe` on Windows, `Resources/models` in the macOS bundle.
pub fn package_model_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?;
    if cfg!(windows) {
        Some(bin.join("models"))
    } else if cfg!(target_os = "macos") {
        Some(bin.parent()?.join("Resources").join("models"))
    } else {
        Some(
            bin.parent()?
                .join("share")
                .join("clipwright")
                .join("models"),
        )
    }
}

/// A model found installed in a folder.
enum Installed {
    /// whisper.cpp's own file, complete.
    Ggml(PathBuf),
    /// A CTranslate2 folder (`whisper-NAME-ct2`, as the PyPI wheels ship it), converted
    /// to ggml on first use.
    Ct2(PathBuf),
}

/// `known` as installed in `dir`, if it is.
fn installed(known: &KnownModel, dir: &Path) -> Option<Installed> {
    let ggml = dir.join(known.file);
    if std::fs::metadata(&ggml).is_ok_and(|m| m.len() == known.size) {
        return Some(Installed::Ggml(ggml));
    }
    let ct2 = dir.join(format!("whisper-{}-ct2", known.name));
    ct2.join("model.bin")
        .is_file()
        .then_some(Installed::Ct2(ct2))
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
    convert_ct2(&dir, true, progress)
}

/// The ggml conversion of the CTranslate2 model folder `dir`, made once: next to it when
/// `in_place` and the folder is writable, in the user's model folder otherwise (a folder
/// installed with the program is never written to).
fn convert_ct2(
    dir: &Path,
    in_place: bool,
    progress: &mut dyn FnMut(ModelProgress),
) -> Result<PathBuf, TranscribeError> {
    let model_bin = dir.join("model.bin");
    let next_to = dir.join("ggml-model.bin");
    if in_place && is_fresh(&next_to, &model_bin) {
        return Ok(next_to);
    }
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
    progress(ModelProgress::Converting {
        from: dir.to_owned(),
    });
    if in_place {
        match convert_ct2_dir(dir, &next_to) {
            // A read-only folder (a system-wide install): cache the conversion instead.
            Err(TranscribeError::ModelWrite { .. }) => {}
            done => return done.map(|()| next_to),
        }
    }
    if let Some(parent) = cache.parent() {
        std::fs::create_dir_all(parent).map_err(|source| TranscribeError::ModelWrite {
            path: parent.to_owned(),
            source,
        })?;
    }
    convert_ct2_dir(dir, &cache)?;
    Ok(cache)
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

    /// A stand-in CTranslate2 folder: only its `model.bin` name matters to the search.
    fn ct2_folder(dir: &Path, name: &str) -> PathBuf {
        let folder = dir.join(format!("whisper-{name}-ct2"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("model.bin"), b"x").unwrap();
        folder
    }

    #[test]
    fn a_known_model_is_found_in_the_first_folder_that_has_it() {
        let (user, package) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let base = KNOWN_MODELS.iter().find(|m| m.name == "base").unwrap();
        assert!(installed(base, user.path()).is_none());
        let in_package = ct2_folder(package.path(), "base");
        assert!(
            matches!(installed(base, package.path()), Some(Installed::Ct2(f)) if f == in_package)
        );
        // A complete ggml file wins over a CTranslate2 folder; a cut-off one does not count.
        let ggml = user.path().join(base.file);
        std::fs::write(&ggml, b"partial").unwrap();
        assert!(installed(base, user.path()).is_none());
        std::fs::File::create(&ggml)
            .unwrap()
            .set_len(base.size)
            .unwrap();
        assert!(matches!(installed(base, user.path()), Some(Installed::Ggml(f)) if f == ggml));
    }

    #[test]
    fn the_search_path_is_the_given_folder_or_the_user_then_the_package_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            model_search_path(Some(dir.path())),
            vec![dir.path().to_owned()]
        );
        let path = model_search_path(None);
        assert_eq!(path.first().cloned(), default_model_dir());
        let package = package_model_dir().unwrap();
        assert_eq!(path.last(), Some(&package));
        assert!(
            package.ends_with("share/clipwright/models"),
            "{}",
            package.display()
        );
    }

    #[test]
    fn a_model_in_no_folder_and_not_downloadable_says_where_it_looked_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        // A folder that is a file: the download cannot even start, offline or not.
        let blocked = dir.path().join("not-a-folder");
        std::fs::write(&blocked, b"").unwrap();
        let err = resolve_model("base", Some(&blocked), None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("not-a-folder"), "{text}");
        assert!(text.contains("Put ggml-base.bin in"), "{text}");
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
