//! Recording one window's sound on Linux: the streams of the window's program (its process
//! tree, [`super::process_tree`]) are moved to a sink of our own, whose monitor is
//! recorded, and that sink is looped back to where the streams played, so the person still
//! hears them. Streams the program opens later are followed ([`Routing::follow`]).
//!
//! Everything changed is undone when the recording ends ([`Routing::restore`], also on
//! drop). So that a killed recorder does not leave the person's sound re-routed, every
//! change is first written to a small state file in the runtime folder; the next start of
//! the program ([`recover`]) undoes what a dead recorder left.
//!
//! The sound server is reached through [`PulseControl`] (`pactl` for real, a fake in the
//! tests), so the routing itself is tested without a server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::pactl::{PulseControl, RouteError};
use super::process_tree::{self, Process};

/// Loopback latency: short, so the person hears the window about as before.
const LOOPBACK_LATENCY_MS: u32 = 40;
/// The start of the names of our sinks, `clipwright_window_<our pid>`.
const SINK_PREFIX: &str = "clipwright_window_";

/// What a recording changed, as written to its state file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct State {
    /// The recorder's process.
    pub(crate) owner: u32,
    /// Our sink's name.
    pub(crate) sink: String,
    /// The default sink when we started.
    pub(crate) default_sink: String,
    /// Modules we loaded (null sink first, then the loopback).
    pub(crate) modules: Vec<u32>,
    /// Streams we moved, and the sink each played into before.
    pub(crate) moved: BTreeMap<u32, String>,
}

/// Lists running processes (real: `/proc`; tests: a fixed table).
pub(crate) type ProcessLister = Box<dyn FnMut() -> Vec<Process> + Send>;

/// One window's sound, re-routed to a sink of our own while a recording runs.
pub(crate) struct Routing<C: PulseControl> {
    control: C,
    state: State,
    state_path: PathBuf,
    pid: u32,
    processes: ProcessLister,
    restored: bool,
}

impl<C: PulseControl> std::fmt::Debug for Routing<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Routing(pid {}, {:?})", self.pid, self.state)
    }
}

/// The state file of recorder process `owner` in `dir`.
fn state_file(dir: &Path, owner: u32) -> PathBuf {
    dir.join(format!("window-sound-{owner}.json"))
}

/// Writes `state` atomically (a temporary file renamed over the old one).
fn write_state(path: &Path, state: &State) -> Result<(), RouteError> {
    let err = |detail: String| RouteError::StateFile {
        path: path.display().to_string(),
        detail,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    let json = serde_json::to_vec_pretty(state).map_err(|e| err(e.to_string()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| err(e.to_string()))?;
    std::io::Write::write_all(&mut tmp, &json).map_err(|e| err(e.to_string()))?;
    tmp.as_file().sync_all().map_err(|e| err(e.to_string()))?;
    tmp.persist(path).map_err(|e| err(e.to_string()))?;
    Ok(())
}

impl<C: PulseControl> Routing<C> {
    /// Makes our sink and its loopback, writing each step to the state file in `dir`
    /// first, and moves the streams `pid`'s program plays now. A failure undoes what was
    /// done.
    pub(crate) fn start(
        control: C,
        pid: u32,
        dir: &Path,
        processes: ProcessLister,
    ) -> Result<Routing<C>, RouteError> {
        let owner = std::process::id();
        let mut routing = Routing {
            control,
            state: State {
                owner,
                sink: format!("{SINK_PREFIX}{owner}"),
                ..State::default()
            },
            state_path: state_file(dir, owner),
            pid,
            processes,
            restored: false,
        };
        match routing.set_up() {
            Ok(()) => Ok(routing),
            Err(e) => {
                if let Err(undo) = routing.restore() {
                    tracing::warn!("could not undo a half-made sound routing: {undo}");
                }
                Err(e)
            }
        }
    }

    fn set_up(&mut self) -> Result<(), RouteError> {
        self.state.default_sink = self.control.default_sink()?;
        // Loop back to where the program plays now (else the default output).
        let tree = process_tree::tree(self.pid, &(self.processes)());
        let back_to = self
            .control
            .sink_inputs()?
            .into_iter()
            .find(|i| i.pid.is_some_and(|p| tree.contains(&p)))
            .map_or_else(|| self.state.default_sink.clone(), |i| i.sink);
        write_state(&self.state_path, &self.state)?;
        let sink = self.state.sink.clone();
        let null = self.control.load_module(
            "module-null-sink",
            &format!("sink_name={sink} sink_properties=device.description=Clipwright-window-sound"),
        )?;
        self.state.modules.push(null);
        write_state(&self.state_path, &self.state)?;
        let looped = self.control.load_module(
            "module-loopback",
            &format!(
                "source={sink}.monitor sink={back_to} latency_msec={LOOPBACK_LATENCY_MS} source_dont_move=true"
            ),
        )?;
        self.state.modules.push(looped);
        write_state(&self.state_path, &self.state)?;
        self.follow()?;
        Ok(())
    }

    /// The source to record: our sink's monitor.
    pub(crate) fn monitor(&self) -> String {
        format!("{}.monitor", self.state.sink)
    }

    /// Moves the program's streams that are not on our sink yet (new ones, or ones the
    /// person moved back) to it; returns how many were moved.
    pub(crate) fn follow(&mut self) -> Result<usize, RouteError> {
        let tree = process_tree::tree(self.pid, &(self.processes)());
        let mut moved = 0;
        for input in self.control.sink_inputs()? {
            let ours = input
                .owner_module
                .is_some_and(|m| self.state.modules.contains(&m));
            let playing = input.pid.is_some_and(|p| tree.contains(&p));
            if ours || !playing || input.sink == self.state.sink {
                continue;
            }
            // Remember where it played before moving it, so a crash can put it back.
            self.state.moved.insert(input.id, input.sink.clone());
            write_state(&self.state_path, &self.state)?;
            self.control.move_sink_input(input.id, &self.state.sink)?;
            tracing::info!(
                "recording the window's sound: stream {} of process {:?} moved from {}",
                input.id,
                input.pid,
                input.sink
            );
            moved += 1;
        }
        Ok(moved)
    }

    /// Puts everything back: moved streams to their sinks, our modules unloaded, the
    /// default sink as it was (if it became ours), the state file removed.
    pub(crate) fn restore(&mut self) -> Result<(), RouteError> {
        if self.restored {
            return Ok(());
        }
        undo(&mut self.control, &self.state)?;
        self.restored = true;
        std::fs::remove_file(&self.state_path).or_else(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Ok(()),
            _ => Err(RouteError::StateFile {
                path: self.state_path.display().to_string(),
                detail: e.to_string(),
            }),
        })
    }
}

impl<C: PulseControl> Drop for Routing<C> {
    fn drop(&mut self) {
        if let Err(e) = self.restore() {
            tracing::warn!("could not restore the sound routing: {e}");
        }
    }
}

/// Undoes what `state` says was changed, as far as the server still holds it. Every step
/// is tried; the first error is returned.
fn undo(control: &mut dyn PulseControl, state: &State) -> Result<(), RouteError> {
    let mut first: Option<RouteError> = None;
    let mut keep = |r: Result<(), RouteError>| {
        if let Err(e) = r {
            first.get_or_insert(e);
        }
    };
    // Before our sink goes (the server then picks a default of its own).
    if !state.default_sink.is_empty() {
        match control.default_sink() {
            Ok(now) if now == state.sink => keep(control.set_default_sink(&state.default_sink)),
            Ok(_) => {}
            Err(e) => keep(Err(e)),
        }
    }
    if !state.moved.is_empty() {
        match control.sink_inputs() {
            Ok(inputs) => {
                let sinks = control.sinks().unwrap_or_default();
                for (id, before) in &state.moved {
                    // Only streams still on our sink: the person may have moved one since.
                    if !inputs.iter().any(|i| i.id == *id && i.sink == state.sink) {
                        continue;
                    }
                    let to = if sinks.contains(before) {
                        before
                    } else {
                        &state.default_sink
                    };
                    keep(control.move_sink_input(*id, to));
                }
            }
            Err(e) => keep(Err(e)),
        }
    }
    // Indices are reused after a server restart: unload only modules that are ours.
    match control.modules() {
        Ok(modules) => {
            for m in modules.iter().rev() {
                let named = m.args.contains(&format!("sink_name={} ", state.sink))
                    || m.args.ends_with(&format!("sink_name={}", state.sink))
                    || m.args.contains(&format!("source={}.monitor", state.sink));
                if named {
                    keep(control.unload_module(m.id));
                }
            }
        }
        Err(e) => keep(Err(e)),
    }
    match first {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Undoes what recorders that are no longer running left in `dir` (a `kill -9` during a
/// recording). Returns how many were cleaned up. Quick when there is nothing: the server
/// is only asked when a state file is found.
pub(crate) fn recover(control: &mut dyn PulseControl, dir: &Path) -> Result<usize, RouteError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let me = std::process::id();
    let mut cleaned = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(owner) = name
            .strip_prefix("window-sound-")
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if owner == me || process_tree::is_running(owner) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| RouteError::StateFile {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        match serde_json::from_str::<State>(&text) {
            Ok(state) => undo(control, &state)?,
            // Half-written by a crash before any change: nothing to undo.
            Err(e) => tracing::warn!("{}: unreadable ({e}); removed", path.display()),
        }
        std::fs::remove_file(&path).map_err(|e| RouteError::StateFile {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        tracing::info!("restored the sound routing a stopped recording (process {owner}) left");
        cleaned += 1;
    }
    Ok(cleaned)
}

/// Where state files live: `$XDG_RUNTIME_DIR/clipwright` (cleared with the session, like
/// the sound server), else the cache folder.
pub(crate) fn state_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d).join("clipwright"),
        _ => directories::ProjectDirs::from("", "", "clipwright").map_or_else(
            || std::env::temp_dir().join("clipwright"),
            |d| d.cache_dir().to_owned(),
        ),
    }
}

#[cfg(test)]
#[path = "window_sound_tests.rs"]
mod tests;
