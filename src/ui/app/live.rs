//! Edit while recording: a recording started from the recorder panel lands on the timeline
//! as soon as its first fragment is on disk, where a finished one would land, and grows as
//! more are flushed. A worker looks at the growing file about once a second (less often
//! when that takes long): it probes it once, then reads only the fragments appended since
//! the last look (see [`GrowingProbe`]), and probes it whole again once it has stopped.
//! Each look brings the media bin's entry, the source's length,
//! the clips at its live edge, the seek index and the timeline's pictures up to date, and
//! puts live markers on the timeline once the part they cover is recorded. When the
//! recording stops, one last probe takes in its end: no re-import, no second clip.
//!
//! The source's length stops where the whole fragments end (the fragment still being
//! written is left out until the next look), so nothing ever asks a decoder for a frame
//! past the last whole fragment, whose packets could be cut short; and a decoder opened
//! before the file grew is opened afresh by the compositor once the length changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::workers::{spawn_worker, Message};
use super::{ClipwrightApp, MediaItem};
use crate::capture::live_markers;
use crate::media::{self, GrowingProbe, MediaError, ProbeReport};
use crate::timeline::{Edit, Rounding, SourceId, Time};

/// How often a growing recording is looked at, at the most.
const EVERY: Duration = Duration::from_secs(1);

/// A recording being followed on the timeline.
#[derive(Debug)]
pub(in crate::ui) struct LiveRecording {
    path: PathBuf,
    /// Its source and where its clip starts, once placed.
    placed: Option<(SourceId, Time)>,
    /// A probe is under way.
    probing: bool,
    /// When the next probe may start (the app's clock, seconds).
    next_probe: f64,
    /// Live markers already on the timeline.
    markers_added: usize,
    /// Its clip was undone or its source removed: it is no longer put on the timeline.
    dropped: bool,
    /// The recording stopped: the next probe is the last.
    finishing: bool,
    /// The probe under way started after the recording stopped: it sees the whole file.
    final_probe: bool,
    /// What the looks so far found, while no look is under way.
    follower: Option<Box<GrowingProbe>>,
}

/// What one look at the growing file found.
#[derive(Debug)]
pub(in crate::ui) struct Looked {
    report: ProbeReport,
    /// Where the whole fragments end (µs), when the file ended inside one.
    whole_until_us: Option<i64>,
    /// The state for the next look: only what is appended by then is read.
    follower: Option<Box<GrowingProbe>>,
}

/// Looks at the growing file at `path`: from where `follower` left off, or afresh (and,
/// when `last`, with a whole probe of the finished file).
fn look(
    path: &Path,
    follower: Option<Box<GrowingProbe>>,
    last: bool,
) -> Result<Looked, MediaError> {
    if last {
        let report = media::probe(path)?;
        // Looked at after the probe: what is whole now was whole for it too, and stays
        // so (see `whole_fragments_end_us`).
        let whole_until_us = media::whole_fragments_end_us(path).ok().flatten();
        return Ok(Looked {
            report,
            whole_until_us,
            follower: None,
        });
    }
    let follower = match follower {
        Some(mut follower) => {
            follower.refresh()?;
            follower
        }
        None => Box::new(GrowingProbe::start(path)?),
    };
    Ok(Looked {
        report: follower.report().clone(),
        whole_until_us: follower.whole_fragments_end_us(),
        // Before the first fragment, the header's empty tracks say nothing worth keeping.
        follower: has_frames(follower.report()).then_some(follower),
    })
}

/// Whether a probe of the growing file found pictures or sound: before its first fragment
/// it holds only its header, whose empty video track would pass for a still image.
fn has_frames(report: &ProbeReport) -> bool {
    report.duration_us.is_some_and(|us| us > 0) && report.streams.iter().any(|s| s.packets > 1)
}

impl ClipwrightApp {
    /// The recording followed on the timeline now, if any.
    pub fn live_recording(&self) -> Option<&Path> {
        self.live.as_ref().map(|l| l.path.as_path())
    }

    /// Starts following a recording the panel has begun, probes it when due, and notices
    /// when it stops; call every frame after the recorder panel has been polled.
    pub(super) fn follow_recording(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if self.live.is_none() {
            let Some(path) = self.recorder.growing_file() else {
                return;
            };
            media::set_growing(&path, true);
            if !self.items.iter().any(|m| m.path == path) {
                self.items.push(MediaItem {
                    path: path.clone(),
                    probe: None,
                });
            }
            self.live = Some(LiveRecording {
                path,
                placed: None,
                probing: false,
                next_probe: now,
                markers_added: 0,
                dropped: false,
                finishing: false,
                final_probe: false,
                follower: None,
            });
        }
        let idle = self.recorder.is_idle();
        let Some(live) = self.live.as_mut() else {
            return;
        };
        if idle && !live.finishing {
            // Stopped (finished or failed): what is on disk is the recording.
            live.finishing = true;
            live.next_probe = now;
        }
        if live.probing {
            return;
        }
        if now < live.next_probe {
            ctx.request_repaint_after(Duration::from_secs_f64(live.next_probe - now));
            return;
        }
        live.probing = true;
        live.final_probe = live.finishing;
        let (path, outbox, wake) = (live.path.clone(), self.outbox.clone(), ctx.clone());
        let (follower, last) = (live.follower.take(), live.final_probe);
        spawn_worker("live-probe", move || {
            let started = Instant::now();
            let result = look(&path, follower, last).map_err(Arc::new);
            let _ = outbox.send(Message::LiveProbed(path, result, started.elapsed()));
            wake.request_repaint();
        });
    }

    /// Takes in a probe of the growing recording at `path`.
    pub(super) fn live_probed(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        result: Result<Looked, Arc<MediaError>>,
        took: Duration,
    ) {
        let Some(live) = self.live.as_mut().filter(|l| l.path == path) else {
            return;
        };
        live.probing = false;
        // Once the recording has stopped, the last probe follows at once: no back-off.
        let wait = if live.finishing {
            Duration::ZERO
        } else {
            EVERY.max(took * 3)
        };
        live.next_probe = ctx.input(|i| i.time) + wait.as_secs_f64();
        let finishing = live.final_probe;
        match result {
            Ok(looked) if has_frames(&looked.report) => {
                live.follower = looked.follower;
                let (report, whole_until) = (looked.report, looked.whole_until_us);
                self.take_in_growth(ctx, &path, report, whole_until, finishing);
            }
            // Only the header so far (no fragment yet).
            Ok(_) => {}
            // A fragment half written: the next probe sees it whole.
            Err(e) if !finishing => tracing::debug!("{}: {e}", path.display()),
            Err(e) => self.toast(ctx, e.to_string(), true),
        }
        if finishing {
            self.live = None;
            media::set_growing(&path, false);
            // The finished file gets its index and preview proxy like any import.
            media::prepare(&path, true);
        }
        ctx.request_repaint();
    }

    fn take_in_growth(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        report: ProbeReport,
        whole_until_us: Option<i64>,
        finishing: bool,
    ) {
        let mut info = report.source_info();
        if let Some(us) = whole_until_us {
            // The fragment being written is left out until it is whole.
            let whole = Time::from_secs(1).mul_ratio(us, 1_000_000, Rounding::Floor);
            info.duration = info.duration.min(whole);
        }
        let duration = info.duration;
        if let Some(item) = self.items.iter_mut().find(|m| m.path == path) {
            item.probe = Some(Ok(report));
        }
        let Some(live) = self.live.as_mut() else {
            return;
        };
        match live.placed {
            _ if live.dropped => {}
            None => {
                let at = self
                    .recorder
                    .settings
                    .landing
                    .start(&self.editor.project, self.editor.playhead);
                // The markers dropped so far land with the clip.
                live.markers_added = live_markers::read(path).len();
                match self.editor.add_recording(path, info, at) {
                    Ok(added) => {
                        live.placed = Some((added.source, at));
                        self.timeline
                            .zoom_to_fit(&self.editor, ctx.content_rect().width());
                    }
                    Err(e) => {
                        self.live = None;
                        media::set_growing(path, false);
                        self.toast(ctx, e.to_string(), true);
                        return;
                    }
                }
            }
            Some((source, _)) => match self.editor.grow_source(source, info) {
                Ok(true) => self.timeline.media(ctx).file_grew(path),
                Ok(false) => {}
                // Undone, or removed from the project: it is no longer followed there.
                Err(_) => live.dropped = true,
            },
        }
        media::prepare(path, false);
        self.add_live_markers(path, duration, finishing);
    }

    /// Puts the live markers whose range is recorded by now (all of them once the
    /// recording has stopped) on the timeline, as one undo step.
    fn add_live_markers(&mut self, path: &Path, duration: Time, finishing: bool) {
        let Some(live) = self.live.as_mut() else {
            return;
        };
        let Some((_, at)) = live.placed.filter(|_| !live.dropped) else {
            return;
        };
        let marks = live_markers::read(path);
        let ready: Vec<_> = marks
            .iter()
            .skip(live.markers_added)
            .take_while(|m| finishing || m.range().0 + m.range().1 <= duration)
            .cloned()
            .collect();
        if ready.is_empty() {
            return;
        }
        live.markers_added += ready.len();
        let edits = live_markers::marker_edits(&self.editor.project, &ready, at, duration);
        if let Err(e) = self.editor.apply(Edit::Batch { edits }) {
            tracing::warn!("live markers could not be placed: {e}");
        }
    }
}
