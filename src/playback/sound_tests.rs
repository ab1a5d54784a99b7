//! Tests of the preview's sound: the mix heard from the playhead, resyncs, edits taken
//! in while playing, and the device feed's accounting.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use super::*;
use crate::playback::FakeOutput;
use crate::timeline::{Canvas, Clip, ClipId, MediaSource, SourceId, Track, TrackId, TrackKind};

/// A project whose sound is 3 s of noise (so any slip shows) placed at 0.5 s, from
/// 0.25 s into its file.
fn noise_project(dir: &Path) -> Project {
    let noise = dir.join("noise.wav");
    let status = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"])
        .args(["-i", "anoisesrc=d=3.5:c=pink:r=48000:a=0.5"])
        .arg(&noise)
        .status()
        .expect("the ffmpeg command line makes test media");
    assert!(status.success());
    let info = crate::media::probe(&noise).unwrap().source_info();
    let mut project = Project::new("noise", Canvas::default());
    project
        .sources
        .push(MediaSource::new(SourceId(1), &noise, info));
    let mut sound = Track::new(TrackId(1), TrackKind::Audio, "sound");
    sound.clips.push(Clip::media(
        ClipId(1),
        SourceId(1),
        Time::from_millis(500),
        Time::from_millis(250),
        Time::from_millis(3250),
    ));
    project.tracks.push(sound);
    project
}

/// The export's mix of the whole project.
fn export_mix(project: &Project, dir: &Path) -> Vec<f32> {
    let mut mixer = Mixer::new(project, dir, project.duration());
    let mut all = Vec::new();
    while let Some(block) = mixer.next_block().unwrap() {
        all.extend(block);
    }
    all
}

/// Keeps the queue full and lets the device take `frames`, as the worker and the
/// callback would; returns what the device got and what the callback reported.
fn device_takes(
    feeder: &mut Feeder,
    blocks: &SyncSender<Block>,
    pending: &mut Option<Block>,
    feed: &mut DeviceFeed,
    frames: usize,
) -> (Vec<f32>, Option<(usize, i64, usize)>) {
    loop {
        if pending.is_none() {
            *pending = feeder.next_block().unwrap();
        }
        let Some(block) = pending.take() else { break };
        if let Err(TrySendError::Full(block)) = blocks.try_send(block) {
            *pending = Some(block);
            break;
        }
    }
    let mut out = vec![1.0; frames * MIX_CHANNELS];
    let run = feed.fill(&mut out);
    (out, run)
}

fn feed_pair(shared: &Arc<Shared>) -> (SyncSender<Block>, DeviceFeed) {
    let (blocks, queue) = sync_channel(QUEUED_BLOCKS);
    (blocks, DeviceFeed::new(queue, Arc::clone(shared)))
}

/// The worker's feeder of `project` from `from`, and the device feed it fills, both
/// reporting into `shared`.
fn feeding(
    project: &Project,
    dir: &Path,
    from: Time,
    shared: &Arc<Shared>,
) -> (Feeder, SyncSender<Block>, DeviceFeed) {
    let feeder = Feeder::new(Arc::new(project.clone()), dir.to_owned(), from);
    let (blocks, feed) = feed_pair(shared);
    (feeder, blocks, feed)
}

#[test]
fn the_samples_fed_to_the_device_from_a_point_are_the_export_mix_of_that_span() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let export = export_mix(&project, dir.path());
    let from = Time::from_millis(1300);
    let shared = Arc::new(Shared::default());
    let (mut feeder, blocks, mut feed) = feeding(&project, dir.path(), from, &shared);
    let mut pending = None;

    // Half a second in device buffers of an odd size, so they straddle mix blocks.
    let mut heard = Vec::new();
    let mut expected_start = to_samples(from);
    while heard.len() < 24_000 * MIX_CHANNELS {
        let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 733);
        assert_eq!(
            run,
            Some((0, expected_start, 733)),
            "each buffer is whole mix, reported where it sits on the timeline"
        );
        expected_start += 733;
        heard.extend(out);
    }
    let start = 1300 * 48 * MIX_CHANNELS;
    let span = &export[start..start + heard.len()];
    assert!(span.iter().any(|s| s.abs() > 0.05), "the span holds sound");
    assert_eq!(heard, span);
}

#[test]
fn a_resync_drops_the_queued_sound_and_feeds_the_export_mix_from_the_new_point() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let export = export_mix(&project, dir.path());
    let shared = Arc::new(Shared::default());
    let (mut feeder, blocks, mut feed) =
        feeding(&project, dir.path(), Time::from_millis(600), &shared);
    let mut pending = None;
    for _ in 0..3 {
        device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 1000);
    }

    // What the worker does on a resync request, with the queue full of older sound.
    let to = Time::from_millis(2100);
    feeder.seek(to);
    shared.epoch.store(feeder.epoch, Ordering::Release);
    pending = None;

    let mut heard = Vec::new();
    for k in 0..8 {
        let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 500);
        assert_eq!(run, Some((0, to_samples(to) + k * 500, 500)));
        heard.extend(out);
    }
    let start = 2100 * 48 * MIX_CHANNELS;
    assert_eq!(heard, &export[start..start + heard.len()]);
}

#[test]
fn a_late_block_is_heard_as_silence_and_not_counted_as_mix() {
    let shared = Arc::new(Shared::default());
    let (blocks, mut feed) = feed_pair(&shared);
    blocks
        .try_send(Block {
            epoch: 0,
            start: 4800,
            rate: 1,
            samples: vec![0.5; 100 * MIX_CHANNELS],
        })
        .unwrap();
    let mut out = vec![1.0; 300 * MIX_CHANNELS];
    assert_eq!(feed.fill(&mut out), Some((0, 4800, 100)));
    assert!(out[..200].iter().all(|&s| s == 0.5));
    assert!(
        out[200..].iter().all(|&s| s == 0.0),
        "silence after the mix"
    );
    assert_eq!(feed.fill(&mut out), None, "nothing queued: all silence");
    assert!(out.iter().all(|&s| s == 0.0));
    assert_eq!(shared.late.load(Ordering::Relaxed), 200 + 300);

    // After a jump, the wait for the new position's first block is not lateness.
    shared.epoch.store(1, Ordering::Release);
    feed.fill(&mut out);
    assert_eq!(shared.late.load(Ordering::Relaxed), 500);
}

#[test]
fn a_project_without_sound_leaves_the_device_alone() {
    let project = Arc::new(Project::new("quiet", Canvas::default()));
    let playback = AudioPlayback::start(project, PathBuf::from("."), Time::ZERO);
    let started = Instant::now();
    while playback.sound(0.0) != Sound::Absent {
        assert!(started.elapsed() < Duration::from_secs(5), "never settled");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        playback.error(),
        None,
        "nothing went wrong: there is nothing to hear"
    );
}

#[test]
fn an_edit_while_playing_is_heard_from_the_first_sample_the_device_has_not_been_given() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    // The edit: the clip moved 100 ms later.
    let mut moved = project.clone();
    moved.tracks[0].clips[0].start = Time::from_millis(600);
    let export = export_mix(&moved, dir.path());
    let shared = Arc::new(Shared::default());
    let (mut feeder, blocks, mut feed) =
        feeding(&project, dir.path(), Time::from_millis(700), &shared);
    let mut pending = None;
    for _ in 0..3 {
        // As the device's callback does: take the mix and report it.
        device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 0);
        let mut out = vec![0.0; 1000 * MIX_CHANNELS];
        feed.callback(&mut out, Duration::ZERO);
    }
    let given = to_samples(Time::from_millis(700)) + 3000;

    swap_project(&mut feeder, &shared, Arc::new(moved));
    pending = None;

    let mut heard = Vec::new();
    for k in 0..8 {
        let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 500);
        assert_eq!(run, Some((0, given + k * 500, 500)), "no jump, no repeat");
        heard.extend(out);
    }
    let start = given as usize * MIX_CHANNELS;
    assert_eq!(heard, &export[start..start + heard.len()]);
}

#[test]
fn shuttling_at_twice_the_speed_feeds_the_export_mix_averaged_in_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let export = export_mix(&project, dir.path());
    let from = Time::from_millis(1000);
    let shared = Arc::new(Shared::default());
    let (mut feeder, blocks, mut feed) = feeding(&project, dir.path(), from, &shared);
    feeder.rate = 2;
    let mut pending = None;
    let mut heard = Vec::new();
    let mut expected_start = to_samples(from);
    for _ in 0..20 {
        let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 733);
        assert_eq!(
            run,
            Some((0, expected_start, 2 * 733)),
            "each frame heard stands for two of the timeline"
        );
        expected_start += 2 * 733;
        heard.extend(out);
    }
    let start = 1000 * 48 * MIX_CHANNELS;
    let span = export[start..start + 2 * heard.len()].to_vec();
    let want = decimate(span, 2);
    let worst = heard
        .iter()
        .zip(&want)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(worst < 1e-6, "differs by {worst}");
    assert_eq!(heard.len(), want.len());
}

#[test]
fn decimating_averages_each_channel_over_the_group() {
    let samples = vec![1.0, 10.0, 3.0, 30.0, 5.0, 50.0, 7.0, 70.0, 9.0, 90.0];
    assert_eq!(decimate(samples.clone(), 2), vec![2.0, 20.0, 6.0, 60.0]);
    assert_eq!(decimate(samples.clone(), 1), samples);
}

/// How many frames of `want` (interleaved stereo) `taken` holds in order, from the start:
/// a fake output is also given silence wherever a block came late (a loaded machine), so a
/// silent frame that is not the next one wanted is passed over; any other difference ends
/// the count.
fn frames_in_order(taken: &[f32], want: &[f32]) -> usize {
    let want: Vec<&[f32]> = want.chunks_exact(MIX_CHANNELS).collect();
    let mut matched = 0;
    for frame in taken.chunks_exact(MIX_CHANNELS) {
        if want.get(matched) == Some(&frame) {
            matched += 1;
        } else if frame.iter().any(|&s| s != 0.0) {
            break;
        }
    }
    matched
}

#[test]
fn the_mix_from_the_playhead_is_what_the_output_takes() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let export = export_mix(&project, dir.path());
    let output = FakeOutput::new();
    let playback = AudioPlayback::start_on(
        Arc::new(output.clone()),
        Arc::new(project),
        dir.path().to_owned(),
        Time::from_millis(1000),
        1,
    );
    // A second of the export's mix from the playhead at 1 s, sample for sample.
    let second = MIX_RATE as usize * MIX_CHANNELS;
    let want = &export[second..2 * second];
    let frames = MIX_RATE as usize;
    // (Waiting ends early once the output has taken far more than that.)
    output.wait_until(Duration::from_secs(10), |t| {
        frames_in_order(t, want) == frames || t.len() > 4 * second
    });
    assert_eq!(playback.error(), None);
    let heard = frames_in_order(&output.taken(), want);
    assert_eq!(heard, frames, "frames of the mix taken in order");
}

#[test]
fn the_sound_on_an_output_leads_the_picture() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let output = FakeOutput::new();
    let mut playback = SoundPlayback::start_on(
        Arc::new(output.clone()),
        Arc::new(project),
        dir.path().to_owned(),
        Time::from_millis(1000),
        0.0,
        1,
    );
    let started = Instant::now();
    // One step of the picture for each buffer the output takes, until the sound leads and
    // the picture has moved a tenth of a second on with it.
    let mut position = Time::ZERO;
    while playback.source() != Source::Device || position <= Time::from_millis(1100) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never led: {:?} at {position:?}",
            playback.source()
        );
        let taken = output.taken().len();
        position = playback.position(started.elapsed().as_secs_f64());
        output.wait_until(Duration::from_secs(1), |t| t.len() > taken);
    }
    assert_eq!(playback.error(), None);
}

#[test]
fn muting_while_playing_silences_what_the_output_takes_next() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let mut muted = project.clone();
    muted.tracks[0].muted = true;
    let output = FakeOutput::new();
    let playback = AudioPlayback::start_on(
        Arc::new(output.clone()),
        Arc::new(project),
        dir.path().to_owned(),
        Time::from_millis(1000),
        1,
    );
    let tenth = MIX_RATE as usize / 10 * MIX_CHANNELS;
    let noise = |t: &[f32]| t.iter().filter(|&&s| s != 0.0).count();
    assert!(output.wait_until(Duration::from_secs(10), |t| noise(t) >= tenth));
    playback.replace_project(Arc::new(muted));
    let edited = output.taken().len();
    // Taken in within a tenth of a second, heard from the next buffer on: half a second
    // later all is quiet, for a good while.
    let later = edited + 8 * tenth;
    assert!(output.wait_until(Duration::from_secs(10), |t| t.len() >= later));
    let taken = output.taken();
    assert!(
        taken[edited + 5 * tenth..].iter().all(|&s| s == 0.0),
        "silence after the mute"
    );
    assert_eq!(playback.error(), None);
}

#[test]
fn without_an_output_the_sound_says_why_once_and_the_picture_keeps_the_wall_clock() {
    let dir = tempfile::tempdir().unwrap();
    let project = Arc::new(noise_project(dir.path()));
    let output = Arc::new(FakeOutput::missing("no sound card"));
    let mut playback =
        SoundPlayback::start_on(output, project, dir.path().to_owned(), Time::ZERO, 0.0, 1);
    let started = Instant::now();
    let error = loop {
        assert!(started.elapsed() < Duration::from_secs(10), "never said");
        if let Some(e) = playback.error() {
            break e;
        }
        std::thread::yield_now();
    };
    assert_eq!(error, "no audio output device (no sound card)");
    assert_eq!(playback.error(), None, "said once");
    // The picture goes on by the wall clock from where it was started.
    let first = playback.position(0.25);
    assert!(matches!(playback.source(), Source::Wall { .. }));
    assert_eq!(playback.position(0.75) - first, Time::from_millis(500));
}
