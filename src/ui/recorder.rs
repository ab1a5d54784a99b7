//! The recorder panel: pick a window (with live thumbnails), choose size, frame rate and
//! sound, count down, then Record / Pause / Stop with a running timer, live statistics and
//! level meters. A finished recording is handed to the app, which puts it on the timeline.
//!
//! Listing windows, starting (which waits for the first picture) and stopping (which
//! finishes the file) all run on worker threads; the panel polls their channels.
//!
//! On X11, once the panel has opened, Ctrl+Alt+R starts and stops recording from any
//! window (a global hotkey whose thread only raises a flag and wakes the UI). The
//! "Replay buffer" switch and its Save replay button live in `recorder_replay.rs`, the
//! live markers (Mark, Mark last 20 s, Ctrl+Alt+M) in `recorder_marks.rs`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

use super::recorder_marks::MarkControls;
use super::recorder_replay::ReplayControls;
use crate::capture::{
    AudioSelection, CaptureBackend, Fit, OutputSize, RecordOptions, Recorder, RecordingSummary,
    SourceSettings, Target, TargetKind, TargetSpec, TestPattern, SIZE_PRESETS,
};
use crate::media::{human_bytes, BgraFrame};

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

fn backend(kind: Backend) -> Result<Box<dyn CaptureBackend>, String> {
    match kind {
        Backend::Pattern => Ok(Box::new(TestPattern::new(PATTERN_SIZE.0, PATTERN_SIZE.1))),
        #[cfg(target_os = "linux")]
        Backend::Desktop => Ok(Box::new(crate::capture::X11Backend::new(None))),
        #[cfg(any(windows, target_os = "macos"))]
        Backend::Desktop => crate::capture::ScapBackend::new()
            .map(|b| Box::new(b) as Box<dyn CaptureBackend>)
            .map_err(|e| e.to_string()),
        #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
        Backend::Desktop => Err("screen capture is not available on this system".to_owned()),
    }
}

/// One thing that can be recorded, with its picture for the picker.
struct Listed {
    backend: Backend,
    target: Target,
    thumbnail: Option<egui::TextureHandle>,
}

type Listing = Vec<(Backend, Target, Option<BgraFrame>)>;

/// Where a recording is.
enum State {
    Idle,
    CountingDown {
        until: f64,
    },
    Starting(Receiver<Result<Recorder, String>>),
    // Boxed: a recorder is large (on Windows, several times the other states).
    Recording {
        recorder: Box<Recorder>,
        paused: bool,
    },
    Stopping(Receiver<Result<RecordingSummary, String>>),
}

/// The recorder panel's state.
pub struct RecorderPanel {
    /// The window is shown.
    pub open: bool,
    /// Folder new recordings go to.
    pub recordings_dir: PathBuf,
    targets: Vec<Listed>,
    listing: Option<Receiver<Result<Listing, String>>>,
    /// Index of the chosen target.
    pub selected: Option<usize>,
    /// 0: the source's size; otherwise 1 + index into [`size_choices`].
    size_choice: usize,
    /// Output frames per second.
    pub fps: u32,
    crop: bool,
    system_audio: bool,
    mic: bool,
    cursor: bool,
    countdown: bool,
    state: State,
    /// The last error, shown in the panel.
    pub error: Option<String>,
    /// A finished recording for the app to take.
    pub finished: Option<RecordingSummary>,
    /// Set by the global hotkey's thread; taken by [`RecorderPanel::poll`].
    hotkey_pressed: Arc<AtomicBool>,
    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    hotkey: Option<crate::capture::GlobalHotkey>,
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
            size_choice: 0,
            fps: 30,
            crop: false,
            system_audio: false,
            mic: false,
            cursor: true,
            countdown: true,
            state: State::Idle,
            error: None,
            finished: None,
            hotkey_pressed: Arc::new(AtomicBool::new(false)),
            #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
            hotkey: None,
            hotkey_note: None,
            replay: ReplayControls::default(),
            marks: MarkControls::default(),
            stopping_replay: false,
        }
    }

    /// Grabs Ctrl+Alt+R (once) so recording can start and stop from any window.
    #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
    pub fn enable_hotkey(&mut self, ctx: &egui::Context) {
        if self.hotkey.is_some() {
            return;
        }
        self.replay.enable_hotkey(ctx);
        self.marks.enable_hotkey(ctx);
        let flag = self.hotkey_pressed.clone();
        let wake = ctx.clone();
        let grabbed =
            crate::capture::GlobalHotkey::grab(None, crate::capture::Hotkey::RECORD, move || {
                flag.store(true, Ordering::Relaxed);
                wake.request_repaint();
            });
        match grabbed {
            Ok(h) => {
                self.hotkey = Some(h);
                self.hotkey_note =
                    Some("Ctrl+Alt+R starts and stops recording from any window".to_owned());
            }
            Err(e) => self.hotkey_note = Some(format!("No Ctrl+Alt+R hotkey: {e}")),
        }
    }

    /// No global hotkey on other systems.
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    pub fn enable_hotkey(&mut self, _ctx: &egui::Context) {}

    /// Whether the global hotkey is held.
    pub fn hotkey_enabled(&self) -> bool {
        #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
        return self.hotkey.is_some();
        #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
        return false;
    }

    /// What the hotkey asks: record (after the countdown, if on) when idle, stop when
    /// recording; nothing while starting or stopping.
    fn hotkey_toggle(&mut self, ctx: &egui::Context) {
        match self.state {
            State::Idle if self.countdown => {
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
        self.countdown = on;
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
                        let targets = b.targets().map_err(|e| e.to_string())?;
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
                    Err(errors.join("; "))
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

    fn options(&self) -> RecordOptions {
        let path = crate::capture::fresh_recording_path(
            &self.recordings_dir,
            crate::capture::local_now(),
            "mp4",
        );
        let mut opts = RecordOptions::new(path);
        opts.size = match self
            .size_choice
            .checked_sub(1)
            .and_then(|i| size_choices().get(i).copied())
        {
            Some((_, w, h)) => OutputSize::Fixed(w, h),
            None => OutputSize::Source,
        };
        opts.fit = if self.crop { Fit::Crop } else { Fit::Letterbox };
        opts.fps = self.fps;
        opts.audio = AudioSelection {
            system: self.system_audio.then(|| "@DEFAULT_MONITOR@".to_owned()),
            mic: self.mic.then(|| "default".to_owned()),
        };
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
            fps: self.fps,
            cursor: self.cursor,
            reacquire: false,
        };
        let opts = self.options();
        if let Err(e) = std::fs::create_dir_all(&self.recordings_dir) {
            self.error = Some(format!("{}: {e}", self.recordings_dir.display()));
            return;
        }
        let (tx, rx) = sync_channel(1);
        let wake = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("clipwright-record-start".into())
            .spawn(move || {
                let result = backend(kind).and_then(|b| {
                    let source = b.start(&spec, &settings).map_err(|e| e.to_string())?;
                    Recorder::start(source, &opts).map_err(|e| e.to_string())
                });
                let _ = tx.send(result);
                wake.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.error = None;
                self.state = State::Starting(rx);
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
                let result = recorder.stop().map_err(|e| e.to_string());
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
                    Err(e) => self.error = Some(e),
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
                Ok(Ok(recorder)) => Some(State::Recording {
                    recorder: Box::new(recorder),
                    paused: false,
                }),
                Ok(Err(e)) => {
                    self.error = Some(e);
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
                    if !self.stopping_replay {
                        self.finished = Some(done);
                    }
                    Some(State::Idle)
                }
                Ok(Err(e)) => {
                    self.error = Some(e);
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

    fn set_targets(&mut self, ctx: &egui::Context, list: Listing) {
        let previous = self
            .selected
            .and_then(|i| self.targets.get(i))
            .map(|t| (t.backend, t.target.id));
        self.targets = list
            .into_iter()
            .enumerate()
            .map(|(i, (backend, target, thumb))| Listed {
                backend,
                thumbnail: thumb.map(|f| {
                    ctx.load_texture(
                        format!("target-{i}"),
                        to_color_image(&f),
                        Default::default(),
                    )
                }),
                target,
            })
            .collect();
        self.selected = previous
            .and_then(|p| {
                self.targets
                    .iter()
                    .position(|t| (t.backend, t.target.id) == p)
            })
            .or_else(|| (!self.targets.is_empty()).then_some(0));
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
                    self.settings_ui(ui);
                    ui.separator();
                }
                self.controls(ui, ctx);
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
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

    fn picker(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        ui.horizontal(|ui| {
            ui.strong("What to record");
            let busy = self.listing.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new("Refresh"))
                .clicked()
            {
                self.refresh(ctx);
            }
            if busy {
                ui.spinner();
            }
        });
        egui::ScrollArea::horizontal()
            .id_salt("targets")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (i, listed) in self.targets.iter().enumerate() {
                        let selected = self.selected == Some(i);
                        let response = ui
                            .vertical(|ui| {
                                ui.set_width(170.0);
                                if let Some(tex) = &listed.thumbnail {
                                    let size = tex.size_vec2();
                                    let scale = (160.0 / size.x.max(size.y)).min(1.0);
                                    ui.image((tex.id(), size * scale));
                                }
                                let label = format!(
                                    "{} ({}×{})",
                                    listed.target.title, listed.target.width, listed.target.height
                                );
                                ui.selectable_label(selected, label)
                                    .on_hover_text(&listed.target.app)
                            })
                            .inner;
                        if response.clicked() {
                            self.selected = Some(i);
                        }
                    }
                });
            });
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("record_settings")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Size");
                let choices = size_choices();
                let name = |i: usize| match i.checked_sub(1).and_then(|j| choices.get(j)) {
                    Some((n, w, h)) => format!("{n} ({w}×{h})"),
                    None => "Same as the window".to_owned(),
                };
                egui::ComboBox::from_id_salt("record_size")
                    .selected_text(name(self.size_choice))
                    .show_ui(ui, |ui| {
                        for i in 0..=choices.len() {
                            ui.selectable_value(&mut self.size_choice, i, name(i));
                        }
                    });
                ui.end_row();
                let fps = ui.label("Frame rate");
                ui.add(egui::Slider::new(&mut self.fps, 15..=120).suffix(" fps"))
                    .labelled_by(fps.id);
                ui.end_row();
                ui.label("Other shapes");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.crop, false, "Letterbox");
                    ui.radio_value(&mut self.crop, true, "Crop to fill");
                });
                ui.end_row();
                ui.label("Sound");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.system_audio, "System sound");
                    ui.checkbox(&mut self.mic, "Microphone");
                });
                ui.end_row();
                ui.label("Options");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.cursor, "Show the pointer");
                    ui.checkbox(&mut self.countdown, "3 s countdown");
                    self.replay.switch(ui);
                });
                ui.end_row();
            });
    }

    fn controls(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        match &mut self.state {
            State::Idle => {
                let ready = self.selected.is_some();
                let record = egui::Button::new(egui::RichText::new("● Record").size(18.0));
                if ui.add_enabled(ready, record).clicked() {
                    if self.countdown {
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
                    "{:.1} fps · {} dropped · {} repeated · {} · {}×{} {}",
                    s.fps_x100 as f64 / 100.0,
                    s.dropped,
                    s.duplicated,
                    human_bytes(s.bytes),
                    recorder.size().0,
                    recorder.size().1,
                    recorder.encoder()
                ));
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

/// A BGRA capture as an egui image.
fn to_color_image(f: &BgraFrame) -> egui::ColorImage {
    let (w, h) = (f.width as usize, f.height as usize);
    let mut rgba = Vec::with_capacity(w * h * 4);
    for row in f.data.chunks(f.stride.max(1)).take(h) {
        for px in row[..(w * 4).min(row.len())].chunks_exact(4) {
            rgba.extend_from_slice(&[px[2], px[1], px[0], 255]);
        }
    }
    rgba.resize(w * h * 4, 0);
    egui::ColorImage::from_rgba_unmultiplied([w, h], &rgba)
}

/// The sizes the Size list offers: each of [`SIZE_PRESETS`] once, by its last name (the
/// presets keep extra names, such as `1080x1920` beside `vertical`, for the command line).
fn size_choices() -> Vec<(&'static str, u32, u32)> {
    let mut out: Vec<(&'static str, u32, u32)> = Vec::new();
    for &(name, w, h) in SIZE_PRESETS {
        match out.iter_mut().find(|c| (c.1, c.2) == (w, h)) {
            Some(seen) => seen.0 = name,
            None => out.push((name, w, h)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_list_offers_each_size_once() {
        let choices = size_choices();
        let mut sizes: Vec<(u32, u32)> = choices.iter().map(|c| (c.1, c.2)).collect();
        sizes.sort_unstable();
        sizes.dedup();
        assert_eq!(sizes.len(), choices.len(), "{choices:?}");
        assert!(choices.contains(&("vertical", 1080, 1920)));
        // Every preset's size is still on offer.
        assert!(SIZE_PRESETS
            .iter()
            .all(|p| choices.iter().any(|c| (c.1, c.2) == (p.1, p.2))));
    }
}
