//! Animated GIF export with a palette made from the clip: it matches the `ffmpeg` CLI's
//! `palettegen` + `paletteuse` of the same frames, and beats the fixed-palette GIF.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::mpsc::sync_channel;

use clipwright::export::{quick_project, ExportStage, Progress, QuickOptions};
use clipwright::media::{Container, EncodeSettings, OutputFile, PaletteMode, VideoDecoder};
use clipwright::timeline::Time;
use common::fixture;

/// Every frame of `path` as RGBA (each frame as stored, none dropped or repeated).
fn frames(path: &Path, (w, h): (usize, usize)) -> Vec<Vec<u8>> {
    let args: [&std::ffi::OsStr; 4] = [
        "-i".as_ref(),
        path.as_os_str(),
        "-fps_mode".as_ref(),
        "passthrough".as_ref(),
    ];
    common::ffmpeg_raw_rgba(&args, (w as u32, h as u32))
}

/// The CLI's GIF of `input` with the video filter `vf` (none: the encoder's own palette).
fn cli_gif(input: &Path, vf: Option<&str>, out: &Path) {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(input);
    match vf {
        Some(vf) => cmd.args(["-vf", vf]),
        None => cmd.args(["-pix_fmt", "rgb8"]),
    };
    assert!(cmd.arg(out).status().unwrap().success());
}

/// Mean over frames of the PSNR (R, G, B) between two same-sized frame lists, in dB.
fn mean_psnr(a: &[Vec<u8>], b: &[Vec<u8>]) -> f64 {
    assert_eq!(a.len(), b.len());
    let per_frame = a.iter().zip(b).map(|(x, y)| common::psnr_rgba(x, y));
    per_frame.sum::<f64>() / a.len() as f64
}

/// Checks the GIF `ours` of `source` (frames of `size`) against the CLI's: one frame per
/// source frame, at least `min_vs_reference` dB (mean PSNR) from the CLI's GIF made with
/// the `palette` graph, and at least `min_gain` dB closer to the source than the CLI's
/// GIF with its fixed palette.
fn check_against_cli(
    ours: &Path,
    source: &Path,
    size: (usize, usize),
    palette: PaletteMode,
    (min_vs_reference, min_gain): (f64, f64),
) {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.gif");
    cli_gif(source, Some(palette.graph()), &reference);
    let fixed = dir.path().join("fixed.gif");
    cli_gif(source, None, &fixed);
    let src = frames(source, size);
    let ours = frames(ours, size);
    assert_eq!(ours.len(), src.len(), "one GIF frame per source frame");
    let vs_reference = mean_psnr(&ours, &frames(&reference, size));
    let ours_vs_src = mean_psnr(&ours, &src);
    let fixed_vs_src = mean_psnr(&frames(&fixed, size), &src);
    eprintln!(
        "GIF PSNR ({palette:?}): ours vs CLI palette {vs_reference:.1} dB; vs source: ours \
         {ours_vs_src:.1} dB, fixed palette {fixed_vs_src:.1} dB"
    );
    assert!(
        vs_reference >= min_vs_reference,
        "{vs_reference:.1} dB from the CLI's GIF"
    );
    assert!(
        ours_vs_src >= fixed_vs_src + min_gain,
        "palette {ours_vs_src:.1} dB vs fixed {fixed_vs_src:.1} dB"
    );
}

#[test]
fn a_gif_gets_the_palette_the_cli_makes_from_the_same_frames() {
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(&common::VIDEO_ONLY);
    let size = (
        common::VIDEO_ONLY.width as usize,
        common::VIDEO_ONLY.height as usize,
    );
    let ours = dir.path().join("ours.gif");
    let project = quick_project(&source, &QuickOptions::default()).unwrap();
    let summary = common::make::export(project, &ours);
    assert_eq!(summary.encoder, "gif");
    check_against_cli(&ours, &source, size, PaletteMode::WholeClip, (30.0, 3.0));
}

#[test]
fn a_gif_of_unknown_length_gets_a_palette_per_picture_and_still_beats_the_fixed_one() {
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(&common::VIDEO_ONLY);
    let (w, h) = (common::VIDEO_ONLY.width, common::VIDEO_ONLY.height);
    let size = (w as usize, h as usize);
    let path = dir.path().join("streamed.gif");
    // No frame count: the whole-clip palette cannot be promised memory, so it streams.
    let settings = EncodeSettings::for_container(Container::Gif, w, h, (30, 1));
    let mut out = OutputFile::create(&path, &settings).unwrap();
    assert_eq!(out.palette_mode(), Some(PaletteMode::PerPicture));
    let mut decoder = VideoDecoder::open(&source).unwrap();
    while let Some(frame) = decoder.next_frame().unwrap() {
        out.push_picture(frame.picture).unwrap();
    }
    out.finish().unwrap();
    check_against_cli(&path, &source, size, PaletteMode::PerPicture, (40.0, 6.0));
}

#[test]
fn a_whole_clip_gif_reports_progress_while_its_pictures_are_encoded_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("progress.gif");
    let project = common::make::opening_of(&common::VIDEO_ONLY, Time::from_millis(500));
    let job = common::make::export_job(project, &out);
    // Room for every report, so none is dropped and the whole sequence can be checked.
    let (tx, rx) = sync_channel(1024);
    let summary = job.run(Some(tx), &common::make::never()).unwrap();
    assert_eq!(summary.frames, 15);
    let reports: Vec<Progress> = rx.try_iter().collect();
    // Each of the 15 frames is counted when drawn and again when encoded.
    assert!(reports.iter().all(|p| p.frames_total == 30), "{reports:?}");
    assert!(
        reports
            .windows(2)
            .all(|w| w[0].frames_done <= w[1].frames_done),
        "progress went back: {reports:?}"
    );
    let drawn: Vec<&Progress> = reports
        .iter()
        .filter(|p| p.stage == ExportStage::Frames)
        .collect();
    assert_eq!(drawn.last().unwrap().frames_done, 15, "{drawn:?}");
    let encoding: Vec<(u64, u64)> = reports
        .iter()
        .filter_map(|p| match p.stage {
            ExportStage::EncodingGif { done, total } => Some((done, total)),
            ExportStage::Frames => None,
        })
        .collect();
    // One report per picture encoded after the last frame, the bar moving with them.
    assert_eq!(encoding, (1..=15).map(|n| (n, 15)).collect::<Vec<_>>());
    let last = reports.last().unwrap();
    assert_eq!((last.frames_done, last.frames_total), (30, 30));
    assert!(out.exists());
}
