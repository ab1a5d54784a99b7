//! The recorder panel: pick a window (with live thumbnails), choose size, frame rate and
//! sound, count down, then Record / Pause / Stop with a running timer, live statistics and
//! level meters. A finished recording is handed to the app, which puts it on the timeline.
//!
//! Listing windows, starting (which waits for the first picture) and stopping (which
//! finishes the file) all run on worker threads; the panel polls their channels.
//!
//! On X11, once the panel has opened, Ctrl+Alt+R starts and stops recording from any
//! window (a global hotkey whose thread only raises a flag and wakes the UI). The
//! "Replay buffer" switch and its Save replay button live in `recorder/replay.rs`, the
//! live markers (Mark, Mark last 20 s, Ctrl+Alt+M) in `recorder/marks.rs`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

mod hotkey;
mod marks;
mod picker;
mod replay;
mod settings;

use crate::capture::{
    AudioSelection, CaptureBackend, CaptureError, Fit, HotkeyGrab, Hotkeys, OutputSize,
    RecordOptions, Recorder, RecordingSummary, SourceSettings, SystemHotkeys, Target, TargetKind,
    TargetSpec, TestPattern,
};
use crate::media::{human_bytes, BgraFrame};
use marks::MarkControls;
use replay::ReplayControls;
pub use settings::{RecorderSettings, Sound, SourceKind};

/// Which backend a listed target belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// The desktop (X11 on Linux, scap on Windows and macOS).
    Desktop,
    /// The built-in moving test pattern.
    Pattern,
}

/// Size of the test pattern source.
const PATTERN_SIZE: (u32, u32) = (1280, 720);
/// Seconds counted down before recording starts.
const COUNTDOWN: f64 = 3.0;

fn backend(kind: Backend) -> Result<Box<dyn CaptureBackend>, CaptureError> {
    match kind {
        Backend::Pattern => Ok(Box::new(TestPattern::new(PATTERN_SIZE.0, PATTERN_SIZE.1))),
        // The app's own display: with none (DISPLAY unset, as under a test harness) there
        // are no windows to list, rather than some other desktop's at `:0`.
        #[cfg(target_os = "linux")]
        Backend::Desktop => match std::env::var("DISPLAY") {
            Ok(display) if !display.is_empty() => {
                Ok(Box::new(crate::capture::X11Backend::new(Some(&display))))
            }
            _ => Err(CaptureError::NoDisplay {
                display: "(DISPLAY is not set)".to_owned(),
                detail: "Clipwright is not running on an X11 desktop".to_owned(),
            }),
        },
        #[cfg(any(windows, target_os = "macos"))]
        Backend::Desktop => {
            crate::capture::ScapBackend::new().map(|b| Box::new(b) as Box<dyn CaptureBackend>)
        }
        #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
        Backend::Desktop => Err(CaptureError::Unsupported(
            "screen capture is not available on this system".to_owned(),
        )),
    }
}

/// One thing that can be recorded, with its picture for the picker.
struct Listed {
    backend: Backend,
    target: Target,
    thumbnail: Option<egui::TextureHandle>,
}

type Listing = Vec<(Backend, Target, Option<BgraFrame>)>;

/// Why nothing could be listed: each backend's reason.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
struct ListError(Vec<CaptureError>);

/// Where a recording is.
enum State {
    Idle,
    CountingDown {
        until: f64,
    },
    Starting(Receiver<Result<(Recorder, Option<String>), CaptureError>>),
    // Boxed: a recorder is large (on Windows, several times the other states).
    Recording {
        recorder: Box<Recorder>,
        paused: bool,
    },
    Stopping(Receiver<Result<RecordingSummary, CaptureError>>),
}

/// The recorder panel's state.
pub struct RecorderPanel {
    /// The window is shown.
    pub open: bool,
    /// Folder new recordings go to.
    pub recordings_dir: PathBuf,
    targets: Vec<Listed>,
    listing: Option<Receiver<Result<Listing, ListError>>>,
    /// Index of the chosen target.
    pub selected: Option<usize>,
    /// The choices (kept between runs by the app).
    pub settings: RecorderSettings,
    state: State,
    /// Why the sound recorded is not the sound chosen (the whole system sound instead of
    /// the window's), shown while recording and after.
    pub sound_notice: Option<String>,
    /// Clipwright's window was minimised for the recording and comes back at its end.
    pub hidden_for_recording: bool,
    /// The last error, shown in the panel.
    pub error: Option<String>,
    /// A finished recording for the app to take.
    pub finished: Option<RecordingSummary>,
    /// Set by the global hotkey's thread; taken by [`RecorderPanel::poll`].
    hotkey_pressed: Arc<AtomicBool>,
    hotkey: Option<HotkeyGrab>,
    /// Where the hotkeys come from: the desktop's, or a test's [`crate::capture::FakeHotkeys`].
    pub hotkeys: Arc<dyn Hotkeys>,
    /// What the hotkey does, or why there is none.
    hotkey_note: Option<String>,
    replay: ReplayControls,
    marks: MarkControls,
    /// The recording being stopped was a replay buffer: it has no file for the timeline.
    stopping_replay: bool,
}

impl RecorderPanel {
    /// A closed panel writing recordings into `recordings_dir`.
    pub fn new(recordings_dir: PathBuf) -> RecorderPanel {
        RecorderPanel {
            open: false,
            recordings_dir,
            targets: Vec::new(),
            listing: None,
            selected: None,
            settings: RecorderSettings::default(),
            state: State::Idle,
            sound_notice: None,
            hidden_for_recording: false,
            error: None,
            finished: None,
            hotkey_pressed: Arc::new(AtomicBool::new(false)),
            hotkey: None,
            hotkeys: Arc::new(SystemHotkeys::default()),
            hotkey_note: None,
            replay: ReplayControls::default(),
            marks: MarkControls::default(),
            stopping_replay: false,
        }
    }

    /// What the hotkey asks: record (after the countdown, if on) when idle, stop when
    /// recording; nothing while starting or stopping.
    fn hotkey_toggle(&mut self, ctx: &egui::Context) {
        match self.state {
            State::Idle if self.settings.countdown => {
                let now = ctx.input(|i| i.time);
                if self.selected.is_some() {
                    self.state = State::CountingDown {
                        until: now + COUNTDOWN,
                    };
                } else {
                    self.error = Some("choose a window to record first".to_owned());
                }
            }
            State::Idle => self.start_now(ctx),
            State::CountingDown { .. } => self.state = State::Idle,
            State::Recording { .. } => self.stop(ctx),
            State::Starting(_) | State::Stopping(_) => {}
        }
    }

    /// Whether a recording is running (or paused).
    pub fn is_recording(&self) -> bool {
        matches!(self.state, State::Recording { .. })
    }

    /// The file of the recording running now, which the app follows as it grows.
    pub fn growing_file(&self) -> Option<PathBuf> {
        match &self.state {
            State::Recording { recorder, .. } => recorder.growing_file().map(PathBuf::from),
            _ => None,
        }
    }

    /// Replays saved since the last call, for the media bin.
    pub fn take_saved_replays(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.replay.saved)
    }

    /// Turns the replay buffer switch on or off.
    pub fn set_replay_buffer(&mut self, on: bool) {
        self.replay.on = on;
    }

    /// Whether the panel is idle (nothing starting, running or finishing).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle)
    }

    /// Titles of the listed targets, in order.
    pub fn target_titles(&self) -> Vec<String> {
        self.targets
            .iter()
            .map(|t| t.target.title.clone())
            .collect()
    }

    /// Turns the countdown before recording on or off.
    pub fn set_countdown(&mut self, on: bool) {
        self.settings.countdown = on;
    }

    /// Lists windows and displays (and the test pattern) with thumbnails, on a worker.
    pub fn refresh(&mut self, ctx: &egui::Context) {
        let (tx, rx) = sync_channel(1);
        let wake = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("clipwright-targets".into())
            .spawn(move || {
                let mut out: Listing = Vec::new();
                let mut errors = Vec::new();
                for kind in [Backend::Desktop, Backend::Pattern] {
                    let listed = backend(kind).and_then(|b| {
                        let targets = b.targets()?;
                        Ok(targets
                            .into_iter()
                            .map(|t| {
                                let thumb = b.thumbnail(&t, 160).ok();
                                (kind, t, thumb)
                            })
                            .collect::<Vec<_>>())
                    });
                    match listed {
                        Ok(list) => out.extend(list),
                        Err(e) => errors.push(e),
                    }
                }
                let result = if out.is_empty() {
                    Err(ListError(errors))
                } else {
                    Ok(out)
                };
                let _ = tx.send(result);
                wake.request_repaint();
            });
        match spawned {
            Ok(_) => self.listing = Some(rx),
            Err(e) => self.error = Some(format!("could not list windows: {e}")),
        }
    }

    fn options(&self, target: &Target) -> RecordOptions {
        let path = crate::capture::fresh_recording_path(
            &self.recordings_dir,
            crate::capture::local_now(),
            "mp4",
        );
        let mut opts = RecordOptions::new(path);
        opts.size = match self.settings.fixed_size() {
            Some((w, h)) => OutputSize::Fixed(w, h),
            None => OutputSize::Source,
        };
        opts.fit = if self.settings.crop {
            Fit::Crop
        } else {
            Fit::Letterbox
        };
        opts.fps = self.settings.fps;
        let window = target.kind == TargetKind::Window;
        // A screen has no window of its own: "this window's sound" is all of it there.
        let (window_sound, system) = match self.settings.sound {
            Sound::Silent => (false, false),
            Sound::ThisWindow => (window, !window),
            Sound::AllSystem => (false, true),
        };
        opts.audio = AudioSelection {
            system: system.then(|| "@DEFAULT_MONITOR@".to_owned()),
            mic: self.settings.mic.then(|| "default".to_owned()),
            window: window_sound,
        };
        opts.window_pid = target.pid;
        self.replay.apply(&mut opts, &self.recordings_dir);
        opts
    }

    /// Starts recording the selected target now (no countdown), on a worker.
    pub fn start_now(&mut self, ctx: &egui::Context) {
        let Some(listed) = self.selected.and_then(|i| self.targets.get(i)) else {
            self.error = Some("choose a window to record first".to_owned());
            return;
        };
        let kind = listed.backend;
        let spec = match listed.target.kind {
            TargetKind::Window => TargetSpec::WindowId(listed.target.id),
            TargetKind::Display => {
                TargetSpec::Display(u32::try_from(listed.target.id).unwrap_or(0))
            }
        };
        let settings = SourceSettings {
            fps: self.settings.fps,
            cursor: self.settings.cursor,
            reacquire: false,
        };
        let mut opts = self.options(&listed.target);
        if let Err(e) = std::fs::create_dir_all(&self.recordings_dir) {
            self.error = Some(format!("{}: {e}", self.recordings_dir.display()));
            return;
        }
        let (tx, rx) = sync_channel(1);
        let wake = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("clipwright-record-start".into())
            .spawn(move || {
                let mut no_sound = None;
                if opts.audio.window || opts.audio.system.is_some() {
                    // Without a sound server, record the picture rather than nothing.
                    if let Err(e) = crate::capture::system_sound_available() {
                        no_sound = Some(format!("Recording without system sound: {e}"));
                        opts.audio.window = false;
                        opts.audio.system = None;
                    }
                }
                let result = backend(kind).and_then(|b| {
                    let source = b.start(&spec, &settings)?;
                    let recorder = Recorder::start(source, &opts)?;
                    let notice = recorder.sound_notice().map(str::to_owned).or(no_sound);
                    Ok((recorder, notice))
                });
                let _ = tx.send(result);
                wake.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.error = None;
                self.sound_notice = None;
                self.state = State::Starting(rx);
                if self.settings.hide_while_recording {
                    // Out of the way of what is recorded, and back when it stops.
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
                    self.hidden_for_recording = true;
                }
            }
            Err(e) => self.error = Some(format!("could not start recording: {e}")),
        }
    }

    /// Stops the recording and finishes the file, on a worker.
    pub fn stop(&mut self, ctx: &egui::Context) {
        let State::Recording { recorder, .. } = std::mem::replace(&mut self.state, State::Idle)
        else {
            return;
        };
        self.stopping_replay = recorder.is_replay();
        let (tx, rx) = sync_channel(1);
        let wake = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("clipwright-record-stop".into())
            .spawn(move || {
                let result = recorder.stop();
                let _ = tx.send(result);
                wake.request_repaint();
            });
        match spawned {
            Ok(_) => self.state = State::Stopping(rx),
            Err(e) => self.error = Some(format!("could not stop the recording: {e}")),
        }
    }

    /// Takes results from the workers and advances the countdown.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if self.hotkey_pressed.swap(false, Ordering::Relaxed) {
            self.hotkey_toggle(ctx);
        }
        let recording = match &self.state {
            State::Recording { recorder, .. } => Some(recorder.as_ref()),
            _ => None,
        };
        self.replay.poll(recording);
        self.marks.poll(recording);
        if let Some(rx) = &self.listing {
            if let Ok(result) = rx.try_recv() {
                self.listing = None;
                match result {
                    Ok(list) => self.set_targets(ctx, list),
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
        }
        let now = ctx.input(|i| i.time);
        let next = match &mut self.state {
            State::CountingDown { until } if now >= *until => {
                self.state = State::Idle;
                self.start_now(ctx);
                None
            }
            State::Starting(rx) => match rx.try_recv() {
                Ok(Ok((recorder, notice))) => {
                    self.sound_notice = notice;
                    Some(State::Recording {
                        recorder: Box::new(recorder),
                        paused: false,
                    })
                }
                Ok(Err(e)) => {
                    self.error = Some(e.to_string());
                    self.come_back(ctx);
                    Some(State::Idle)
                }
                Err(_) => None,
            },
            State::Recording { recorder, .. } if recorder.is_ending() => {
                // The window closed or the disk filled: finish the file now.
                self.stop(ctx);
                None
            }
            State::Stopping(rx) => match rx.try_recv() {
                Ok(Ok(done)) => {
                    if self.stopping_replay {
                        let late = done.replays.iter().map(|r| r.path.clone());
                        self.replay.saved.extend(late);
                    } else {
                        self.finished = Some(done);
                    }
                    // Done: the panel closes and the editor, with the recording, shows.
                    self.open = false;
                    self.come_back(ctx);
                    Some(State::Idle)
                }
                Ok(Err(e)) => {
                    self.error = Some(e.to_string());
                    self.come_back(ctx);
                    Some(State::Idle)
                }
                Err(_) => None,
            },
            _ => None,
        };
        if let Some(state) = next {
            self.state = state;
        }
        if !self.is_idle() || self.listing.is_some() {
            ctx.request_repaint_after(Duration::from_millis(200));
        }
    }

    /// Brings Clipwright's window back if it was minimised for the recording.
    fn come_back(&mut self, ctx: &egui::Context) {
        if std::mem::take(&mut self.hidden_for_recording) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
        }
    }

    /// Draws the panel window.
    pub fn show(&mut self, ctx: &egui::Context) {
        self.poll(ctx);
        let mut open = self.open;
        egui::Window::new("Record")
            .open(&mut open)
            .default_width(520.0)
            .show(ctx, |ui| {
                if self.is_idle() {
                    self.picker(ui, ctx);
                    ui.separator();
                    self.settings.ui(ui);
                    self.replay.switch(ui);
                    ui.separator();
                }
                self.controls(ui, ctx);
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if let Some(notice) = &self.sound_notice {
                    ui.colored_label(ui.visuals().warn_fg_color, notice);
                }
                if let Some(note) = &self.hotkey_note {
                    ui.weak(note);
                }
                for note in [&self.replay.note, &self.marks.note].into_iter().flatten() {
                    ui.weak(note);
                }
            });
        // A running recording keeps the window open.
        self.open = open || !self.is_idle();
    }

    fn controls(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        match &mut self.state {
            State::Idle => {
                let ready = self.selected.is_some();
                let record = egui::Button::new(egui::RichText::new("● Record").size(18.0));
                if ui.add_enabled(ready, record).clicked() {
                    if self.settings.countdown {
                        self.state = State::CountingDown {
                            until: now + COUNTDOWN,
                        };
                    } else {
                        self.start_now(ctx);
                    }
                }
            }
            State::CountingDown { until } => {
                let left = (*until - now).ceil().max(1.0);
                ui.heading(format!("Recording in {left:.0}…"));
                if ui.button("Cancel").clicked() {
                    self.state = State::Idle;
                }
            }
            State::Starting(_) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Starting…");
                });
            }
            State::Recording { recorder, paused } => {
                let s = recorder.stats();
                let secs = s.recorded_us / 1_000_000;
                ui.heading(format!(
                    "{}{:02}:{:02}:{:02}",
                    if *paused { "Paused " } else { "● " },
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60
                ));
                ui.label(format!(
                    "{:.1} fps · {} · {} · {}×{} {}",
                    s.fps_x100 as f64 / 100.0,
                    s.describe_frames(),
                    human_bytes(s.bytes),
                    recorder.size().0,
                    recorder.size().1,
                    recorder.encoder()
                ));
                if let Some(notice) = recorder.notice() {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {notice}"));
                }
                for (i, name) in ["System", "Microphone"].iter().enumerate() {
                    let level = s.audio_peak[i] as f32 / 32767.0;
                    if level > 0.0 {
                        ui.add(egui::ProgressBar::new(level).text(*name));
                    }
                }
                let mut stop = false;
                ui.horizontal(|ui| {
                    let pause_label = if *paused { "Resume" } else { "Pause" };
                    if ui.button(pause_label).clicked() {
                        if *paused {
                            recorder.resume();
                        } else {
                            recorder.pause();
                        }
                        *paused = !*paused;
                    }
                    stop = ui.button("■ Stop").clicked();
                    self.replay.button(ui, recorder);
                    self.marks.buttons(ui, recorder);
                });
                if stop {
                    self.stop(ctx);
                }
            }
            State::Stopping(_) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Finishing the file…");
                });
            }
        }
    }
}
