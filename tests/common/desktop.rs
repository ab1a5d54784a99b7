//! A real X11 desktop for tests: Xvfb plus the openbox window manager, started on a free
//! display number and stopped when dropped. Window lists and titles need the manager.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// The same start of Xvfb, openbox and PulseAudio as `clipwright bench record --own-desktop`.
#[path = "../../src/cli/bench/desktop.rs"]
#[allow(dead_code)]
mod harness;

/// Fails the test: the desktop could not start, for want of `what` it says.
fn needs(what: &anyhow::Error) -> ! {
    panic!("{what:#}: desktop tests need Xvfb, openbox and pulseaudio")
}

/// A running virtual desktop.
pub struct Desktop {
    xvfb: Child,
    wm: Child,
    /// e.g. `:99`.
    pub display: String,
    /// A private runtime folder (mode 700) for programs that want `XDG_RUNTIME_DIR`.
    pub runtime_dir: tempfile::TempDir,
}

impl Desktop {
    /// Starts Xvfb (1280×800, 24-bit) on a display number it picks itself, and openbox.
    pub fn start() -> Desktop {
        let (mut xvfb, display) = harness::start_xvfb(1280, 800).unwrap_or_else(|e| needs(&e));
        let runtime_dir = tempfile::Builder::new()
            .prefix("clipwright-xdg-")
            .tempdir()
            .unwrap();
        let wm = harness::start_openbox(&display, Duration::from_secs(60)).unwrap_or_else(|e| {
            let _ = xvfb.kill();
            let _ = xvfb.wait();
            needs(&e)
        });
        Desktop {
            xvfb,
            wm,
            display,
            runtime_dir,
        }
    }

    /// A command that runs on this desktop.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env("XDG_RUNTIME_DIR", self.runtime_dir.path())
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    /// The `clipwright` command built for these tests, to run on this desktop.
    pub fn clipwright(&self) -> Command {
        self.command(env!("CARGO_BIN_EXE_clipwright"))
    }

    /// Polls `done` until it holds, failing the test after `timeout`.
    pub fn wait_for(&self, timeout: Duration, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(start.elapsed() < timeout, "timed out after {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Window ids whose title matches the regular expression `pattern`.
    pub fn find_windows(&self, pattern: &str) -> Vec<String> {
        let out = self
            .command("xdotool")
            .args(["search", "--onlyvisible", "--name", pattern])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Runs `xdotool` with `args` on this desktop, failing the test if it fails.
    pub fn xdotool(&self, args: &[&str]) {
        let status = self.command("xdotool").args(args).status().unwrap();
        assert!(status.success(), "xdotool {args:?}");
    }

    /// Takes a screenshot into `path` and returns it decoded.
    pub fn screenshot_rgb(&self, path: &Path) -> image::RgbImage {
        self.screenshot(path);
        image::open(path).unwrap().to_rgb8()
    }

    /// Saves a screenshot of the whole screen to `path` (PNG).
    pub fn screenshot(&self, path: &Path) {
        let status = self
            .command("import")
            .args(["-window", "root"])
            .arg(path)
            .status()
            .expect("imagemagick's import must be installed for screenshots");
        assert!(status.success());
    }

    /// Waits up to 60 s for `app` to show a window whose title matches `pattern`, and
    /// returns its id; fails the test if the app exits first.
    pub fn wait_for_app_window(&self, app: &mut Child, pattern: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(status) = app.try_wait().unwrap() {
                panic!("the app exited early with {status}");
            }
            if let Some(id) = self.find_windows(pattern).into_iter().next() {
                return id;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no window appeared"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Asks the window manager to close windows titled `title`, as a person clicking ×.
    pub fn close_window(&self, title: &str) {
        let status = self.command("wmctrl").args(["-c", title]).status().unwrap();
        assert!(status.success());
    }
}

/// A program a test started (on the desktop or not), killed when dropped: also when the
/// test fails half way.
pub struct App(pub Child);

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A PulseAudio server with one null sink called `rec` (so `rec.monitor` hears whatever
/// is played into it), private to one desktop's runtime folder; killed when dropped.
pub struct Pulse {
    runtime_dir: PathBuf,
}

impl Pulse {
    /// Plays a sine tone of `hz` for `seconds` into the `rec` sink, in the background.
    pub fn play_tone(&self, hz: u32, seconds: u32) -> App {
        let child = Command::new("ffmpeg")
            .env("XDG_RUNTIME_DIR", &self.runtime_dir)
            .args([
                "-hide_banner",
                "-loglevel",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
            ])
            .arg(format!("sine=frequency={hz}:duration={seconds}"))
            .args(["-f", "pulse", "-device", "rec", "tone"])
            .stdin(Stdio::null())
            .spawn()
            .expect("ffmpeg plays into pulse");
        App(child)
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = Command::new("pulseaudio")
            .env("XDG_RUNTIME_DIR", &self.runtime_dir)
            .arg("--kill")
            .status();
    }
}

impl Desktop {
    /// Opens an ffplay window titled `title` showing the lavfi source `lavfi` (e.g.
    /// `testsrc2=size=640x360:rate=30`), and waits until the window manager lists it.
    pub fn ffplay(&self, lavfi: &str, title: &str) -> App {
        self.spawn_ffplay(lavfi, title, "dummy", &["-left", "40", "-top", "40"])
    }

    /// Like [`Desktop::ffplay`], a window with no frame with its top-left corner at
    /// (`left`, `top`).
    pub fn ffplay_at(&self, lavfi: &str, title: &str, left: i32, top: i32) -> App {
        let (left, top) = (left.to_string(), top.to_string());
        let place = ["-noborder", "-left", &left, "-top", &top];
        self.spawn_ffplay(lavfi, title, "dummy", &place)
    }

    /// Like [`Desktop::ffplay`], for a lavfi graph with a picture (`[out0]`) and a sound
    /// (`[out1]`) that ffplay plays in step into this desktop's PulseAudio.
    pub fn ffplay_with_sound(&self, graph: &str, title: &str) -> App {
        self.spawn_ffplay(graph, title, "pulseaudio", &["-left", "40", "-top", "40"])
    }

    /// Starts ffplay on `lavfi` with SDL's `audio_driver`, its window placed by the ffplay
    /// options `place`, and waits for that window.
    fn spawn_ffplay(&self, lavfi: &str, title: &str, audio_driver: &str, place: &[&str]) -> App {
        let child = self
            .command("ffplay")
            .env("SDL_AUDIODRIVER", audio_driver)
            .args(["-loglevel", "quiet", "-f", "lavfi", "-i", lavfi])
            .args(["-window_title", title])
            .args(place)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ffplay must be installed for desktop tests");
        let app = App(child);
        self.wait_for(Duration::from_secs(60), || {
            !self.find_windows(&format!("^{title}$")).is_empty()
        });
        app
    }

    /// Starts a desktop with PulseAudio, whose `rec` sink plays a sine tone of `hz` for
    /// `seconds` (see [`Pulse::play_tone`]).
    pub fn start_with_tone(hz: u32, seconds: u32) -> (Desktop, Pulse, App) {
        let desktop = Desktop::start();
        let pulse = desktop.pulse();
        let tone = pulse.play_tone(hz, seconds);
        (desktop, pulse, tone)
    }

    /// Starts PulseAudio for programs on this desktop (same `XDG_RUNTIME_DIR`).
    pub fn pulse(&self) -> Pulse {
        // Made first, so that a server that does not answer is stopped as the test fails.
        let pulse = Pulse {
            runtime_dir: self.runtime_dir.path().to_owned(),
        };
        harness::start_pulseaudio(self.runtime_dir.path()).unwrap_or_else(|e| needs(&e));
        pulse
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.wm.kill();
        let _ = self.xvfb.kill();
        let _ = self.wm.wait();
        let _ = self.xvfb.wait();
    }
}

/// Fails the test unless no folder on `PATH` holds zenity: the app's file dialogs must
/// fall back to its own browser.
pub fn assert_no_zenity() {
    let path: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    assert!(
        path.iter().all(|d| !d.join("zenity").exists()),
        "this test needs a desktop without zenity"
    );
}

/// Share of `image`'s pixels within 60 of `rgb` on every channel.
pub fn share_of(image: &image::RgbImage, rgb: [u8; 3]) -> f64 {
    let near = image
        .pixels()
        .filter(|p| p.0.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) < 60))
        .count();
    near as f64 / f64::from(image.width() * image.height())
}

/// The box `(left, top, right, bottom)`, inclusive, around the pixels of `image` in
/// `rows` that are within 12 of `rgb` on every channel (a flat-coloured widget), if any.
pub fn bounds_of(
    image: &image::RgbImage,
    rgb: [u8; 3],
    rows: std::ops::Range<u32>,
) -> Option<(u32, u32, u32, u32)> {
    let mut found: Option<(u32, u32, u32, u32)> = None;
    for (x, y, p) in image.enumerate_pixels() {
        if !rows.contains(&y) || !p.0.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) < 12) {
            continue;
        }
        found = Some(match found {
            None => (x, y, x, y),
            Some((l, t, r, b)) => (l.min(x), t.min(y), r.max(x), b.max(y)),
        });
    }
    found
}

/// Folder where tests leave screenshots for people to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
