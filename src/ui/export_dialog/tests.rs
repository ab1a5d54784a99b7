//! The export dialog's suggestions and texts: the folder and the progress bar (the size
//! estimate's are in `export_estimate.rs`).

use super::*;

fn progress(done: u64, total: u64, stage: ExportStage) -> Progress {
    Progress {
        frames_done: done,
        frames_total: total,
        fps: 30.0,
        elapsed: Duration::from_secs(1),
        eta: Duration::from_secs(9),
        stage,
    }
}

#[test]
fn an_export_of_an_unsaved_project_is_suggested_in_the_videos_folder() {
    let videos = tempfile::tempdir().unwrap();
    let project = videos.path().join("talks").join("demo.clipwright");
    assert_eq!(
        default_export_folder(Some(&project), Some(videos.path())),
        videos.path().join("talks"),
        "a saved project exports beside itself"
    );
    assert_eq!(
        default_export_folder(None, Some(videos.path())),
        videos.path()
    );
    let home = directories::UserDirs::new().map(|d| d.home_dir().to_owned());
    let gone = videos.path().join("no such folder");
    if let Some(home) = home {
        assert_eq!(default_export_folder(None, Some(&gone)), home);
    }
}

#[test]
fn the_bar_names_the_gif_encoding_phase() {
    let p = progress(
        130,
        200,
        ExportStage::EncodingGif {
            done: 30,
            total: 100,
        },
    );
    assert_eq!(
        progress_text(&p),
        "Encoding GIF: 30 / 100 pictures · 9 s left"
    );
}

#[test]
fn frames_show_a_share_of_the_whole_export() {
    let p = progress(50, 200, ExportStage::Frames);
    assert_eq!(progress_text(&p), "25 % · 50 frames · 30 fps · 9 s left");
    let unknown = progress(50, 0, ExportStage::Frames);
    assert_eq!(progress_text(&unknown), "50 frames · 30 fps");
}
