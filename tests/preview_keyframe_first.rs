//! Scrubbing an original before its preview proxy is ready: the preview worker shows the
//! keyframe before the playhead at once, then the exact frame, byte for byte what a fresh
//! compositor draws there; a playhead that moves on while the exact frame is decoded gets
//! its own pictures, and the stale target's exact frame is never shown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clipwright::media::{self, RgbaFrame};
use clipwright::render::preview::{PreviewFrame, PreviewOptions, PreviewWorker};
use clipwright::render::Compositor;
use clipwright::timeline::{Project, Time};

use common::{long_gop_video as source, LONG_GOP as GOP};

const SIZE: (u32, u32) = (640, 360);

/// A project of the source alone, its index built (as after an import).
fn project(path: &Path) -> Arc<Project> {
    let info = media::probe(path).unwrap().source_info();
    media::prepare(path, false);
    assert!(media::wait_prepared(path, Duration::from_secs(120)));
    assert!(media::index_of(path).is_some(), "the index was built");
    Arc::new(Project::from_recording("scrub", path, info))
}

fn frame_time(n: i64) -> Time {
    Time(n * Time::frame_duration(clipwright::timeline::Rational::FPS_30).flicks())
}

/// What a compositor made for this one frame draws at `t`: the reference.
fn reference(project: &Project, dir: &Path, t: Time) -> RgbaFrame {
    Compositor::new(dir).frame_at(project, t, SIZE).unwrap()
}

/// A worker on originals only, showing keyframes first, whose every wake-up waits for the
/// test to take it: each frame delivered is seen before the worker goes on.
fn worker() -> (PreviewWorker, Receiver<()>) {
    let (tx, woke) = sync_channel(0);
    let options = PreviewOptions {
        proxies: false,
        keyframe_first: true,
    };
    let worker = PreviewWorker::start_with(options, move || {
        let _ = tx.send(());
    });
    (worker, woke)
}

/// The next frame the worker delivers.
fn next(worker: &PreviewWorker, woke: &Receiver<()>) -> PreviewFrame {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        woke.recv_timeout(left)
            .expect("the worker delivered a frame");
        if let Some(f) = worker.latest() {
            return f;
        }
    }
}

/// Asks for `t` and waits for its exact frame, returning every frame delivered meanwhile.
fn until_exact(
    worker: &PreviewWorker,
    woke: &Receiver<()>,
    t: Time,
) -> Vec<(Time, bool, RgbaFrame)> {
    let mut seen = Vec::new();
    loop {
        let f = next(worker, woke);
        let (time, exact) = (f.time, f.exact);
        seen.push((time, exact, f.frame.unwrap()));
        if time == t && exact {
            return seen;
        }
    }
}

/// The source in a folder of its own, its project, and a worker that has shown its
/// first frame exactly.
struct Scrub {
    _dir: tempfile::TempDir,
    /// The source file.
    path: PathBuf,
    project: Arc<Project>,
    worker: PreviewWorker,
    woke: Receiver<()>,
    /// The folder the source is in.
    base: PathBuf,
}

fn scrub_from_the_start() -> Scrub {
    let dir = tempfile::tempdir().unwrap();
    let path = source(dir.path());
    let project = project(&path);
    let (worker, woke) = worker();
    let base = dir.path().to_owned();
    let mut scrub = Scrub {
        _dir: dir,
        path,
        project,
        worker,
        woke,
        base,
    };
    scrub.ask(Time::ZERO);
    until_exact(&scrub.worker, &scrub.woke, Time::ZERO);
    scrub
}

impl Scrub {
    /// Asks the worker for the picture at `t`, as the playhead moving there does.
    fn ask(&mut self, t: Time) {
        self.worker
            .request(&self.project, 0, self.base.clone(), t, SIZE);
    }
}

#[test]
fn a_jump_shows_the_keyframe_before_it_at_once_then_the_exact_frame() {
    let mut s = scrub_from_the_start();

    let target = frame_time(GOP + 100);
    s.ask(target);
    let seen = until_exact(&s.worker, &s.woke, target);

    let keyframe = reference(&s.project, &s.base, frame_time(GOP));
    let exact = reference(&s.project, &s.base, target);
    assert!(keyframe.data != exact.data, "the two frames differ");
    assert_eq!(seen.len(), 2, "a stand-in, then the exact frame");
    let (time, was_exact, first) = &seen[0];
    assert_eq!((*time, *was_exact), (target, false));
    assert!(
        first.data == keyframe.data,
        "the stand-in is the keyframe at frame {GOP}"
    );
    assert!(seen[1].2.data == exact.data, "then the exact frame");

    // The same frames as the ffmpeg command line decodes them (by frame number), told
    // apart by their pictures: testsrc2 moves every frame.
    let frame_of = |n: u32| {
        let (w, h, rgba) = common::ffmpeg_rgba(&s.path, n);
        RgbaFrame {
            width: w,
            height: h,
            data: rgba,
        }
    };
    let (ffmpeg_key, ffmpeg_exact) = (frame_of(GOP as u32), frame_of((GOP + 100) as u32));
    let ours = |t: Time| {
        Compositor::new(&s.base)
            .frame_at(&s.project, t, (1280, 720))
            .unwrap()
    };
    let (our_key, our_exact) = (ours(frame_time(GOP)), ours(target));
    assert!(common::psnr(&our_key, &ffmpeg_key) > 35.0);
    assert!(common::psnr(&our_exact, &ffmpeg_exact) > 35.0);
    assert!(common::psnr(&our_key, &ffmpeg_exact) < 30.0);
}

#[test]
fn a_target_passed_while_its_exact_frame_is_decoded_is_dropped_for_the_newest() {
    let mut s = scrub_from_the_start();

    // Late in the second GOP: its exact frame takes some 140 frames of 720p to reach.
    let stale = frame_time(GOP + 140);
    s.ask(stale);
    let first = next(&s.worker, &s.woke);
    assert_eq!(
        (first.time, first.exact),
        (stale, false),
        "its keyframe first"
    );
    // The pointer moves on while that exact frame is decoded.
    std::thread::sleep(Duration::from_millis(30));
    let newest = frame_time(100);
    s.ask(newest);
    let seen = until_exact(&s.worker, &s.woke, newest);

    assert!(
        seen.iter().all(|(t, _, _)| *t == newest),
        "nothing more for the passed target: {:?}",
        seen.iter().map(|(t, e, _)| (*t, *e)).collect::<Vec<_>>()
    );
    assert!(
        s.worker.given_up() >= 1,
        "the exact frame under way was given up"
    );
    let last = &seen.last().unwrap().2;
    assert!(
        last.data == reference(&s.project, &s.base, newest).data,
        "the exact frame where the pointer stopped"
    );
    // The decoder left half-way still gives exact frames, also back in the passed GOP.
    s.ask(stale);
    let seen = until_exact(&s.worker, &s.woke, stale);
    assert!(seen.last().unwrap().2.data == reference(&s.project, &s.base, stale).data);
}

#[test]
fn a_stand_in_is_the_keyframe_and_refining_decodes_on_from_it_without_another_seek() {
    let dir = tempfile::tempdir().unwrap();
    let path = source(dir.path());
    project(&path);
    let frame = media::TICKS_PER_SECOND / 30;
    let target = (GOP + 100) * frame;
    let picture =
        |f: &media::VideoFrame| common::make::rgba(f, (1280, 720), media::Quality::Fast).data;
    let plain = |time: i64| {
        picture(
            media::VideoDecoder::open(&path)
                .unwrap()
                .frame_at(time)
                .unwrap(),
        )
    };

    let mut decoder = media::VideoDecoder::open(&path).unwrap();
    assert!(decoder.has_index());
    let stand_in = decoder.frame_toward(target).unwrap();
    assert_eq!(stand_in.time, GOP * frame, "the keyframe before the target");
    let stand_in = picture(stand_in);
    assert!(!decoder.is_exact());
    assert_eq!(decoder.seeks(), 1);
    assert!(stand_in == plain(GOP * frame));

    let exact = picture(decoder.frame_at(target).unwrap());
    assert!(decoder.is_exact());
    assert_eq!(decoder.seeks(), 1, "refining decodes on from the keyframe");
    assert!(exact == plain(target), "the exact frame, byte for byte");

    // A frame or two on (a slow drag) is decoded exactly at once.
    let next = decoder.frame_toward(target + 2 * frame).unwrap().time;
    assert_eq!(next, target + 2 * frame);
    assert!(decoder.is_exact());
    assert_eq!(decoder.seeks(), 1);
}
