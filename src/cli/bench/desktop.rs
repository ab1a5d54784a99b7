//! Where the recording benchmark runs: the current X display and PulseAudio server, or a
//! private one it starts itself (`--own-desktop`): Xvfb, the openbox window manager
//! (window lists need one) and PulseAudio with a null sink whose monitor hears what is
//! played. Everything started here is stopped when the [`Desktop`] is dropped.
//!
//! The desktop tests (`tests/common/desktop.rs`) start the same trio with the functions
//! here ([`start_xvfb`], [`start_openbox`], [`start_pulseaudio`]), which that file takes in
//! as a module of its own: theirs fail the test on any problem, this one returns an error
//! a person can act on.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Starts Xvfb (`width` × `height`, 24-bit) on a display number it picks itself; returns
/// it and its display (e.g. `:99`).
pub(super) fn start_xvfb(width: u32, height: u32) -> anyhow::Result<(Child, String)> {
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0"])
        .arg(format!("{width}x{height}x24"))
        .args(["-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start Xvfb (apt package xvfb)")?;
    let mut line = String::new();
    if let Some(out) = xvfb.stdout.take() {
        // An error leaves `line` empty, which is refused below.
        let _ = BufReader::new(out).read_line(&mut line);
    }
    let display = format!(":{}", line.trim());
    if display.len() < 2 {
        let _ = xvfb.kill();
        let _ = xvfb.wait();
        bail!("Xvfb did not report its display");
    }
    Ok((xvfb, display))
}

/// Starts the openbox window manager on `display` and waits, `timeout` at the most, until
/// it manages the screen.
pub(super) fn start_openbox(display: &str, timeout: Duration) -> anyhow::Result<Child> {
    let on_display = |program: &str| {
        let mut c = Command::new(program);
        c.env("DISPLAY", display).env_remove("WAYLAND_DISPLAY");
        c
    };
    let mut wm = on_display("openbox")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start openbox (a window manager is needed for window lists)")?;
    // openbox is ready once it owns the _NET_SUPPORTING_WM_CHECK window.
    let ready = wait_until("the window manager", timeout, || {
        on_display("xprop")
            .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("window id"))
    });
    if ready.is_err() {
        let _ = wm.kill();
        let _ = wm.wait();
    }
    ready.map(|()| wm)
}

/// Starts a PulseAudio daemon private to `runtime_dir` (its `XDG_RUNTIME_DIR`) with one
/// null sink `rec`, the default, whose monitor `rec.monitor` hears what is played into it;
/// waits until it answers. `pulseaudio --kill` with the same folder stops it.
pub(super) fn start_pulseaudio(runtime_dir: &Path) -> anyhow::Result<()> {
    let status = Command::new("pulseaudio")
        .env("XDG_RUNTIME_DIR", runtime_dir)
        .args([
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-null-sink sink_name=rec",
            "--load=module-native-protocol-unix",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("cannot start pulseaudio")?;
    if !status.success() {
        bail!("pulseaudio did not start");
    }
    wait_until("PulseAudio", Duration::from_secs(10), || {
        Command::new("pactl")
            .env("XDG_RUNTIME_DIR", runtime_dir)
            .arg("info")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("Default Sink: rec"))
    })
}

/// Polls `ready` every 200 ms until it holds; an error naming `what` after `timeout`.
fn wait_until(
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() > timeout {
            bail!("{what} was not ready after {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// A display and a sound server to run programs on.
pub(super) struct Desktop {
    /// e.g. `:0`.
    pub(super) display: String,
    /// The PulseAudio source that hears what programs on this desktop play.
    pub(super) monitor: String,
    /// Set for a private desktop: its PulseAudio lives under this runtime folder.
    runtime_dir: Option<tempfile::TempDir>,
    children: Vec<Child>,
    /// How many of `children` are the desktop itself (Xvfb, openbox).
    own_children: usize,
}

impl Desktop {
    /// The desktop this program runs on: `$DISPLAY` and the default sink's monitor.
    pub(super) fn current() -> anyhow::Result<Desktop> {
        let display = std::env::var("DISPLAY")
            .ok()
            .filter(|d| !d.is_empty())
            .context("no $DISPLAY: run on an X11 desktop, or pass --own-desktop")?;
        Ok(Desktop {
            display,
            monitor: "@DEFAULT_MONITOR@".into(),
            runtime_dir: None,
            children: Vec::new(),
            own_children: 0,
        })
    }

    /// Starts Xvfb (`width` × `height`), openbox and PulseAudio with a null sink `rec`.
    pub(super) fn start_own(width: u32, height: u32) -> anyhow::Result<Desktop> {
        let (xvfb, display) = start_xvfb(width, height)?;
        let runtime_dir = tempfile::Builder::new()
            .prefix("clipwright-bench-")
            .tempdir()
            .context("cannot make a runtime folder")?;
        let mut desktop = Desktop {
            display,
            monitor: "rec.monitor".into(),
            runtime_dir: Some(runtime_dir),
            children: vec![xvfb],
            own_children: 1,
        };
        let wm = start_openbox(&desktop.display, Duration::from_secs(20))?;
        desktop.children.push(wm);
        desktop.own_children = desktop.children.len();
        if let Some(dir) = &desktop.runtime_dir {
            start_pulseaudio(dir.path())?;
        }
        Ok(desktop)
    }

    /// A command that runs on this desktop and plays into its sound server.
    pub(super) fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY");
        if let Some(dir) = &self.runtime_dir {
            c.env("XDG_RUNTIME_DIR", dir.path());
        }
        c
    }

    /// Starts a program on this desktop; it is stopped with the desktop.
    pub(super) fn spawn(&mut self, mut cmd: Command) -> anyhow::Result<()> {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
        self.children.push(child);
        Ok(())
    }

    /// Stops the program started last with [`Desktop::spawn`] (never the desktop's own).
    pub(super) fn stop_newest(&mut self) {
        if self.children.len() > self.own_children {
            if let Some(mut child) = self.children.pop() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        if self.runtime_dir.is_some() {
            let _ = self
                .command("pulseaudio")
                .arg("--kill")
                .stderr(Stdio::null())
                .status();
        }
        // Programs on the desktop first, the X server last.
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
