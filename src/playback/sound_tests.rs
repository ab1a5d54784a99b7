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

fn feed_pair(shared: &Arc<Shared>) -> (SyncSender<Block>, DeviceFeed) {
    let (blocks, queue) = sync_channel(QUEUED_BLOCKS);
    (blocks, DeviceFeed::new(queue, Arc::clone(shared)))
}

/// The noise project in a folder of its own, with the export's mix of it and the counters
/// the worker and the device feed report into.
struct Noise {
    dir: tempfile::TempDir,
    project: Project,
    export: Vec<f32>,
    shared: Arc<Shared>,
}

impl Noise {
    fn new() -> Noise {
        let dir = tempfile::tempdir().unwrap();
        let project = noise_project(dir.path());
        let export = export_mix(&project, dir.path());
        let shared = Arc::new(Shared::default());
        Noise {
            dir,
            project,
            export,
            shared,
        }
    }

    /// The worker's feeder of the project from `from` and the device feed it fills.
    fn playing(&self, from: Time) -> Playing {
        let feeder = Feeder::new(
            Arc::new(self.project.clone()),
            self.dir.path().to_owned(),
            from,
        );
        let (blocks, feed) = feed_pair(&self.shared);
        Playing {
            feeder,
            blocks,
            pending: None,
            feed,
        }
    }
}

/// A feeder, the queue it fills (with the block it holds while the queue is full) and the
/// device feed that empties it.
struct Playing {
    feeder: Feeder,
    blocks: SyncSender<Block>,
    pending: Option<Block>,
    feed: DeviceFeed,
}

impl Playing {
    /// Keeps the queue full and lets the device take `frames`, as the worker and the
    /// callback would; returns what the device got and what the callback reported.
    fn device_takes(&mut self, frames: usize) -> (Vec<f32>, Option<(usize, i64, usize)>) {
        loop {
            if self.pending.is_none() {
                self.pending = self.feeder.next_block().unwrap();
            }
            let Some(block) = self.pending.take() else {
                break;
            };
            if let Err(TrySendError::Full(block)) = self.blocks.try_send(block) {
                self.pending = Some(block);
                break;
            }
        }
        let mut out = vec![1.0; frames * MIX_CHANNELS];
        let run = self.feed.fill(&mut out);
        (out, run)
    }

    /// Device buffers of `frames` until `enough` says so of all the device got (which it
    /// returns), each reported as following on from the last (the first at `first`, in
    /// mix frames) and standing for `rate` frames of the timeline.
    fn takes_in_a_row(
        &mut self,
        frames: usize,
        (first, rate): (i64, i64),
        why: &str,
        enough: impl Fn(&[f32]) -> bool,
    ) -> Vec<f32> {
        let mut heard = Vec::new();
        let mut expected_start = first;
        while !enough(&heard) {
            let (out, run) = self.device_takes(frames);
            let span = rate as usize * frames;
            assert_eq!(run, Some((0, expected_start, span)), "{why}");
            expected_start += span as i64;
            heard.extend(out);
        }
        heard
    }
}

#[test]
fn the_samples_fed_to_the_device_from_a_point_are_the_export_mix_of_that_span() {
    let noise = Noise::new();
    let from = Time::from_millis(1300);
    let mut playing = noise.playing(from);

    // Half a second in device buffers of an odd size, so they straddle mix blocks.
    let heard = playing.takes_in_a_row(
        733,
        (to_samples(from), 1),
        "each buffer is whole mix, reported where it sits on the timeline",
        |heard| heard.len() >= 24_000 * MIX_CHANNELS,
    );
    let start = 1300 * 48 * MIX_CHANNELS;
    let span = &noise.export[start..start + heard.len()];
    assert!(span.iter().any(|s| s.abs() > 0.05), "the span holds sound");
    assert_eq!(heard, span);
}

#[test]
fn a_resync_drops_the_queued_sound_and_feeds_the_export_mix_from_the_new_point() {
    let noise = Noise::new();
    let mut playing = noise.playing(Time::from_millis(600));
    for _ in 0..3 {
        playing.device_takes(1000);
    }

    // What the worker does on a resync request, with the queue full of older sound.
    let to = Time::from_millis(2100);
    playing.feeder.seek(to);
    noise
        .shared
        .epoch
        .store(playing.feeder.epoch, Ordering::Release);
    playing.pending = None;

    let heard = playing.takes_in_a_row(500, (to_samples(to), 1), "from the new point", |h| {
        h.len() >= 8 * 500 * MIX_CHANNELS
    });
    let start = 2100 * 48 * MIX_CHANNELS;
    assert_eq!(heard, &noise.export[start..start + heard.len()]);
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
    let noise = Noise::new();
    // The edit: the clip moved 100 ms later.
    let mut moved = noise.project.clone();
    moved.tracks[0].clips[0].start = Time::from_millis(600);
    let export = export_mix(&moved, noise.dir.path());
    let mut playing = noise.playing(Time::from_millis(700));
    for _ in 0..3 {
        // As the device's callback does: take the mix and report it.
        playing.device_takes(0);
        let mut out = vec![0.0; 1000 * MIX_CHANNELS];
        playing.feed.callback(&mut out, Duration::ZERO);
    }
    let given = to_samples(Time::from_millis(700)) + 3000;

    swap_project(&mut playing.feeder, &noise.shared, Arc::new(moved));
    playing.pending = None;

    let heard = playing.takes_in_a_row(500, (given, 1), "no jump, no repeat", |h| {
        h.len() >= 8 * 500 * MIX_CHANNELS
    });
    let start = given as usize * MIX_CHANNELS;
    assert_eq!(heard, &export[start..start + heard.len()]);
}

#[test]
fn shuttling_at_twice_the_speed_feeds_the_export_mix_averaged_in_pairs() {
    let noise = Noise::new();
    let from = Time::from_millis(1000);
    let mut playing = noise.playing(from);
    playing.feeder.rate = 2;
    let heard = playing.takes_in_a_row(
        733,
        (to_samples(from), 2),
        "each frame heard stands for two of the timeline",
        |heard| heard.len() >= 20 * 733 * MIX_CHANNELS,
    );
    let start = 1000 * 48 * MIX_CHANNELS;
    let span = noise.export[start..start + 2 * heard.len()].to_vec();
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

/// `project`'s sound played from `from` on a fake output, at normal speed.
fn start_on_fake(project: Project, dir: &Path, from: Time) -> (FakeOutput, AudioPlayback) {
    let output = FakeOutput::new();
    let playback = AudioPlayback::start_on(
        Arc::new(output.clone()),
        Arc::new(project),
        dir.to_owned(),
        from,
        1,
    );
    (output, playback)
}

#[test]
fn the_mix_from_the_playhead_is_what_the_output_takes() {
    let dir = tempfile::tempdir().unwrap();
    let project = noise_project(dir.path());
    let export = export_mix(&project, dir.path());
    let (output, playback) = start_on_fake(project, dir.path(), Time::from_millis(1000));
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
    let (output, playback) = start_on_fake(project, dir.path(), Time::from_millis(1000));
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
