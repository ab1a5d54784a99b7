//! Tests for the project file: round trips, clear errors on broken files, version
//! handling, atomic save, autosave recovery, the schema, and a fuzz-style property test
//! that the loader never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::timeline::tests::fixtures::{project, split_clip, temp_path};
use crate::timeline::{apply, ClipId, Edit, Time};

fn text_of(project: &Project) -> String {
    to_json(project, &History::default(), Path::new("t.clipwright")).unwrap()
}

fn parse_str(text: &str) -> Result<ProjectFile, ProjectFileError> {
    parse(text.as_bytes(), Path::new("/projects/show.clipwright"))
}

#[test]
fn saving_and_loading_gives_back_the_same_project_and_history() {
    let (_dir, path) = temp_path("show.clipwright");
    let mut p = project();
    let mut h = History::default();
    h.apply(&mut p, split_clip(ClipId(2), Time::from_secs(15)))
        .unwrap();
    save(&path, &p, &h).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.format_version, FORMAT_VERSION);
    assert_eq!(loaded.project, p);
    assert_eq!(loaded.history, h);
    let (mut q, mut h) = (loaded.project, loaded.history);
    assert!(h.undo(&mut q).unwrap());
    assert_eq!(q, project());
}

#[test]
fn keyframe_values_survive_a_save_bit_for_bit() {
    // Regression: without serde_json's `float_roundtrip` feature, -1.168 read back as
    // -1.1680000000000001, so a project drifted a little on every save.
    let mut p = project();
    apply(
        &mut p,
        Edit::SetKeyframe {
            clip: ClipId(21),
            property: crate::timeline::Property::PositionX,
            time: Time::ZERO,
            value: -1.168,
            interpolation: crate::timeline::Interpolation::Linear,
        },
    )
    .unwrap();
    let loaded = parse_str(&text_of(&p)).unwrap();
    assert_eq!(
        loaded.project, p,
        "enable serde_json's float_roundtrip feature in Cargo.toml"
    );
}

#[test]
fn saving_replaces_the_file_and_leaves_no_temporary_files() {
    let (dir, path) = temp_path("show.clipwright");
    std::fs::write(&path, "old contents").unwrap();
    save(&path, &project(), &History::default()).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("show.clipwright")]);
    assert_eq!(load(&path).unwrap().project, project());
}

#[test]
fn saving_into_a_missing_folder_names_the_file() {
    let err = save(
        Path::new("/nonexistent-dir/x/show.clipwright"),
        &project(),
        &History::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("/nonexistent-dir/x/show.clipwright"),
        "{err}"
    );
}

#[test]
fn garbage_gives_an_error_with_path_line_and_column() {
    let err = parse_str("{\n  \"format_version\": 2,\n  \"project\": nope\n}").unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ProjectFileError::Syntax { line: 3, .. }),
        "{msg}"
    );
    assert!(msg.starts_with("/projects/show.clipwright:3:"), "{msg}");
}

#[test]
fn a_truncated_file_is_an_error_not_a_panic() {
    let text = text_of(&project());
    let err = parse_str(&text[..text.len() / 2]).unwrap_err();
    assert!(matches!(err, ProjectFileError::Syntax { .. }), "{err}");
}

#[test]
fn a_wrongly_typed_value_reports_where_it_is() {
    let text = text_of(&project()).replacen("\"width\": 1920", "\"width\": \"wide\"", 1);
    let err = parse_str(&text).unwrap_err();
    let ProjectFileError::Syntax { line, message, .. } = &err else {
        panic!("{err}")
    };
    assert!(*line > 1 && message.contains("invalid type"), "{err}");
}

#[test]
fn a_file_from_a_newer_version_is_refused() {
    let text = text_of(&project()).replacen("\"format_version\": 2", "\"format_version\": 99", 1);
    let err = parse_str(&text).unwrap_err();
    assert!(
        matches!(err, ProjectFileError::TooNew { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("update Clipwright"));
}

#[test]
fn json_without_a_format_version_is_not_a_project() {
    assert!(matches!(
        parse_str("{\"hello\": 1}"),
        Err(ProjectFileError::NotAProject { .. })
    ));
    assert!(matches!(
        parse_str("[1, 2]"),
        Err(ProjectFileError::Syntax { .. }) | Err(ProjectFileError::NotAProject { .. })
    ));
}

#[test]
fn a_format_version_that_is_not_a_whole_number_from_one_is_named_as_bad() {
    for bad in ["\"2\"", "0", "1.5", "-1", "null"] {
        let err = parse_str(&format!("{{\"format_version\": {bad}}}")).unwrap_err();
        if bad == "null" {
            assert!(matches!(err, ProjectFileError::NotAProject { .. }), "{err}");
            continue;
        }
        assert!(
            matches!(err, ProjectFileError::BadVersion { .. }),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains(bad), "{err}");
    }
}

#[test]
fn a_version_one_file_is_migrated_to_per_output_reframes() {
    let v1 = r#"{
      "format_version": 1,
      "project": {
        "canvas": { "width": 1080, "height": 1920, "frame_rate": { "num": 30, "den": 1 },
                    "background": { "r": 0, "g": 0, "b": 0, "a": 255 } },
        "sources": [{ "id": 1, "path": "rec.mp4", "info": { "duration": 7056000000 } }],
        "tracks": [{ "id": 1, "kind": "video", "clips": [{
          "id": 1, "content": { "type": "media", "source": 1 },
          "start": 0, "source_in": 0, "source_out": 705600000,
          "reframe": { "mode": "fill" }
        }]}]
      }
    }"#;
    let file = parse_str(v1).unwrap();
    assert_eq!(file.format_version, FORMAT_VERSION);
    let clip = file.project.clip(ClipId(1)).unwrap();
    assert_eq!(
        clip.reframes
            .get(&crate::timeline::OutputId::MAIN)
            .map(|r| r.mode),
        Some(crate::timeline::ReframeMode::Fill)
    );
}

#[test]
fn a_file_breaking_the_model_is_refused_with_the_problem() {
    let mut p = project();
    // Overlap two clips behind the edit API's back.
    p.tracks[0].clips[1].start = Time::from_secs(5);
    let err = parse_str(&text_of(&p)).unwrap_err();
    assert!(matches!(err, ProjectFileError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("overlap"), "{err}");
    let zero_rate = text_of(&project()).replacen("\"num\": 30", "\"num\": 0", 1);
    assert!(parse_str(&zero_rate).is_err());
}

#[test]
fn a_newer_autosave_is_offered_for_recovery_until_saved_or_discarded() {
    let (_dir, path) = temp_path("show.clipwright");
    save(&path, &project(), &History::default()).unwrap();
    assert_eq!(find_recovery(&path), None);
    let mut edited = project();
    apply(
        &mut edited,
        Edit::RenameProject {
            name: "Unsaved work".into(),
        },
    )
    .unwrap();
    autosave(&path, &edited, &History::default()).unwrap();
    let recovery = find_recovery(&path).expect("a newer autosave");
    assert_eq!(
        recovery.autosave_path,
        PathBuf::from(format!("{}.autosave", path.display()))
    );
    assert_eq!(recovery.load().unwrap().project.name, "Unsaved work");
    recovery.discard().unwrap();
    assert_eq!(find_recovery(&path), None);
    autosave(&path, &edited, &History::default()).unwrap();
    save(&path, &edited, &History::default()).unwrap();
    assert_eq!(find_recovery(&path), None, "saving removes the autosave");
}

#[test]
fn an_autosave_of_a_never_saved_project_is_offered() {
    let (_dir, path) = temp_path("untitled.clipwright");
    autosave(&path, &project(), &History::default()).unwrap();
    assert!(find_recovery(&path).is_some());
}

#[test]
fn an_autosave_identical_to_the_file_is_not_offered() {
    let (_dir, path) = temp_path("show.clipwright");
    save(&path, &project(), &History::default()).unwrap();
    autosave(&path, &project(), &History::default()).unwrap();
    assert_eq!(find_recovery(&path), None);
}

#[test]
fn the_checked_in_json_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/project.schema.json");
    let fresh = json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "{} is out of date: run `UPDATE_SCHEMA=1 cargo test timeline` and commit it",
        path.display()
    );
}

proptest! {
    #[test]
    fn the_loader_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes, Path::new("fuzz.clipwright"));
    }

    #[test]
    fn the_loader_never_panics_on_a_damaged_project(
        cut in 0usize..20_000,
        edits in prop::collection::vec((0usize..20_000, any::<char>()), 0..8),
    ) {
        let mut text: Vec<char> = text_of(&project()).chars().collect();
        for (at, c) in edits {
            let i = at % text.len().max(1);
            text[i] = c;
        }
        text.truncate(cut.max(1));
        let text: String = text.into_iter().collect();
        if let Ok(file) = parse(text.as_bytes(), Path::new("fuzz.clipwright")) {
            prop_assert_eq!(crate::timeline::validate::validate(&file.project), Ok(()));
            for secs in [0, 3, 12, 27] {
                crate::timeline::tests::properties::evaluate_everything(&file.project, Time::from_secs(secs));
            }
        }
    }

    #[test]
    fn the_loader_never_panics_on_extreme_numbers(n in any::<i64>(), field in 0usize..6) {
        let keys = ["\"start\": 0", "\"source_out\": 7056000000", "\"duration\": 42336000000", "\"time\": 15523200000", "\"width\": 1920", "\"source_in\": 0"];
        let key = keys[field];
        let name = key.split(':').next().unwrap_or_default();
        let text = text_of(&project()).replacen(key, &format!("{name}: {n}"), 1);
        if let Ok(file) = parse(text.as_bytes(), Path::new("fuzz.clipwright")) {
            for t in [0, n / 2, n] {
                crate::timeline::tests::properties::evaluate_everything(&file.project, Time(t));
            }
        }
    }
}

#[test]
fn a_clip_without_effects_is_saved_without_the_field_and_one_with_them_round_trips() {
    let plain = text_of(&project());
    assert!(!plain.contains("\"effects\""));
    // Files written before effects existed load unchanged.
    assert_eq!(parse_str(&plain).unwrap().project, project());
    let mut p = project();
    let effects = crate::timeline::Effects {
        chroma_key: Some(crate::timeline::ChromaKey::green()),
        color: Some(crate::timeline::ColorAdjust {
            brightness: 0.1,
            contrast: 1.2,
            saturation: 0.5,
        }),
        blur: None,
        portrait: None,
    };
    apply(
        &mut p,
        Edit::SetEffects {
            clip: ClipId(2),
            effects,
        },
    )
    .unwrap();
    let text = text_of(&p);
    assert!(text.contains("\"chroma_key\""));
    assert_eq!(parse_str(&text).unwrap().project, p);
}

#[test]
fn a_file_with_an_effect_out_of_range_is_refused_as_damaged() {
    let mut p = project();
    p.tracks[0].clips[1].effects.blur = Some(crate::timeline::Blur { sigma: -1.0 });
    let err = parse_str(&text_of(&p)).unwrap_err().to_string();
    assert!(err.contains("blur sigma"), "{err}");
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_file_mode_and_writes_through_to_a_links_target() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference");
    std::fs::File::create(&reference).unwrap();
    let umasked = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
    let path = dir.path().join("p.clipwright");
    let project = Project::new("p", crate::timeline::Canvas::default());
    save(&path, &project, &History::default()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), umasked, "a new file, not 0600");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.clipwright");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    save(&link, &project, &History::default()).unwrap();
    assert_eq!(mode(&path), 0o640, "mode kept");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn outputs_with_their_names_and_subtitle_areas_are_saved_and_read_back() {
    use crate::timeline::outputs::{add_output, rename_output, set_safe_area};
    use crate::timeline::{OutputId, SafeArea};
    let mut p = project();
    let plain = text_of(&p);
    assert!(
        !plain.contains("main_output"),
        "nothing new in a plain project"
    );
    let (id, add) = add_output(&p, "TikTok", (1080, 1920));
    apply(&mut p, add).unwrap();
    {
        let edit = set_safe_area(&p, id, SafeArea::TikTok).unwrap();
        apply(&mut p, edit).unwrap();
    }
    {
        let edit = rename_output(&p, OutputId::MAIN, "YouTube").unwrap();
        apply(&mut p, edit).unwrap();
    }
    let read = parse_str(&text_of(&p)).unwrap().project;
    assert_eq!(read, p);
    assert_eq!(read.output(id).unwrap().safe_area, SafeArea::TikTok);
    assert_eq!(read.output(OutputId::MAIN).unwrap().name, "YouTube");
}
