//! The routing of one window's sound against a fake sound server that behaves like
//! PulseAudio where it matters: a null sink's streams fall back to the default sink when
//! it is unloaded, and a loopback plays a stream of its own.

use std::sync::{Arc, Mutex};

use super::*;
use crate::capture::pactl::{Module, SinkInput};

#[derive(Debug, Default)]
struct Server {
    default: String,
    sinks: Vec<String>,
    inputs: Vec<SinkInput>,
    modules: Vec<Module>,
    next_id: u32,
    /// Commands that fail, by name (`load-module-loopback`, `move`…).
    failing: Vec<&'static str>,
    /// Requests made through [`PulseControl`].
    asked: usize,
}

/// A fake server shared between the test and the routing.
#[derive(Clone, Debug, Default)]
struct Fake(Arc<Mutex<Server>>);

fn refused(what: &str) -> RouteError {
    RouteError::Pactl {
        command: what.into(),
        detail: "refused".into(),
    }
}

impl Fake {
    fn new() -> Fake {
        let fake = Fake::default();
        {
            let mut s = fake.0.lock().unwrap();
            s.default = "speakers".into();
            s.sinks = vec!["speakers".into(), "headphones".into()];
            s.next_id = 50;
        }
        fake
    }

    fn play(&self, id: u32, pid: u32, sink: &str) {
        self.0.lock().unwrap().inputs.push(SinkInput {
            id,
            sink: sink.into(),
            pid: Some(pid),
            owner_module: None,
        });
    }

    fn sink_of(&self, id: u32) -> Option<String> {
        let s = self.0.lock().unwrap();
        s.inputs.iter().find(|i| i.id == id).map(|i| i.sink.clone())
    }

    fn fail(&self, what: &'static str) {
        self.0.lock().unwrap().failing.push(what);
    }

    fn server(&self) -> std::sync::MutexGuard<'_, Server> {
        self.0.lock().unwrap()
    }

    /// The server, counting a request to it.
    fn ask(&self) -> std::sync::MutexGuard<'_, Server> {
        let mut s = self.0.lock().unwrap();
        s.asked += 1;
        s
    }
}

impl PulseControl for Fake {
    fn default_sink(&mut self) -> Result<String, RouteError> {
        Ok(self.ask().default.clone())
    }

    fn set_default_sink(&mut self, sink: &str) -> Result<(), RouteError> {
        self.ask().default = sink.into();
        Ok(())
    }

    fn sinks(&mut self) -> Result<Vec<String>, RouteError> {
        Ok(self.ask().sinks.clone())
    }

    fn sink_inputs(&mut self) -> Result<Vec<SinkInput>, RouteError> {
        Ok(self.ask().inputs.clone())
    }

    fn modules(&mut self) -> Result<Vec<Module>, RouteError> {
        Ok(self.ask().modules.clone())
    }

    fn load_module(&mut self, name: &str, args: &str) -> Result<u32, RouteError> {
        let mut s = self.ask();
        if s.failing.iter().any(|f| name.ends_with(f)) {
            return Err(refused(name));
        }
        s.next_id += 1;
        let id = s.next_id;
        s.modules.push(Module {
            id,
            name: name.into(),
            args: args.into(),
        });
        let arg = |key: &str| {
            args.split_whitespace()
                .find_map(|a| a.strip_prefix(key))
                .map(str::to_owned)
        };
        if name == "module-null-sink" {
            let sink = arg("sink_name=").unwrap_or_default();
            s.sinks.push(sink);
        } else if name == "module-loopback" {
            let sink = arg("sink=").unwrap_or_default();
            s.inputs.push(SinkInput {
                id: 900 + id,
                sink,
                pid: None,
                owner_module: Some(id),
            });
        }
        Ok(id)
    }

    fn unload_module(&mut self, id: u32) -> Result<(), RouteError> {
        let mut s = self.ask();
        let Some(at) = s.modules.iter().position(|m| m.id == id) else {
            return Err(refused("unload-module"));
        };
        let m = s.modules.remove(at);
        s.inputs.retain(|i| i.owner_module != Some(id));
        if let Some(sink) = m.args.strip_prefix("sink_name=") {
            let sink = sink.split_whitespace().next().unwrap_or("").to_owned();
            s.sinks.retain(|n| *n != sink);
            if s.default == sink {
                s.default = s.sinks.first().cloned().unwrap_or_default();
            }
            let fallback = s.default.clone();
            for i in s.inputs.iter_mut().filter(|i| i.sink == sink) {
                i.sink = fallback.clone();
            }
        }
        Ok(())
    }

    fn move_sink_input(&mut self, id: u32, sink: &str) -> Result<(), RouteError> {
        let mut s = self.ask();
        if s.failing.contains(&"move") || !s.sinks.iter().any(|n| n == sink) {
            return Err(refused("move-sink-input"));
        }
        match s.inputs.iter_mut().find(|i| i.id == id) {
            Some(i) => {
                i.sink = sink.into();
                Ok(())
            }
            None => Err(refused("move-sink-input")),
        }
    }
}

/// A browser (100, 101 its window's process, 102 its sound process) and a music player.
fn processes() -> ProcessLister {
    Box::new(|| {
        [
            (1, 0, "init"),
            (10, 1, "bash"),
            (100, 10, "browser"),
            (101, 100, "browser"),
            (102, 100, "browser"),
            (200, 10, "music"),
        ]
        .into_iter()
        .map(|(pid, ppid, name)| Process {
            pid,
            ppid,
            name: name.into(),
        })
        .collect()
    })
}

/// A fake server playing `streams` (id, process, sink), and a folder for the state file.
fn playing(streams: &[(u32, u32, &str)]) -> (Fake, tempfile::TempDir) {
    let fake = Fake::new();
    for &(id, pid, sink) in streams {
        fake.play(id, pid, sink);
    }
    (fake, tempfile::tempdir().unwrap())
}

fn our_sink() -> String {
    format!("{SINK_PREFIX}{}", std::process::id())
}

#[test]
fn only_the_windows_program_streams_move_to_our_sink_and_are_heard_through_a_loopback() {
    let (fake, dir) = playing(&[(1, 102, "headphones"), (2, 200, "speakers")]);
    let routing = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap();
    assert_eq!(fake.sink_of(1), Some(our_sink()));
    assert_eq!(fake.sink_of(2).as_deref(), Some("speakers"));
    assert_eq!(routing.monitor(), format!("{}.monitor", our_sink()));
    // Heard where it played before: the loopback goes to the headphones.
    let s = fake.server();
    let looped = s.inputs.iter().find(|i| i.owner_module.is_some()).unwrap();
    assert_eq!(looped.sink, "headphones");
}

#[test]
fn streams_that_start_later_are_followed_and_our_loopback_is_never_moved() {
    let (fake, dir) = playing(&[]);
    let mut routing = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap();
    assert_eq!(routing.follow().unwrap(), 0, "nothing plays yet");
    fake.play(7, 101, "speakers");
    fake.play(8, 200, "speakers");
    assert_eq!(routing.follow().unwrap(), 1);
    assert_eq!(fake.sink_of(7), Some(our_sink()));
    assert_eq!(fake.sink_of(8).as_deref(), Some("speakers"));
    assert_eq!(routing.follow().unwrap(), 0, "already moved");
}

#[test]
fn restoring_puts_each_stream_back_unloads_our_modules_and_removes_the_state_file() {
    let (fake, dir) = playing(&[(1, 102, "headphones"), (3, 101, "speakers")]);
    let mut routing = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    routing.restore().unwrap();
    assert_eq!(fake.sink_of(1).as_deref(), Some("headphones"));
    assert_eq!(fake.sink_of(3).as_deref(), Some("speakers"));
    let s = fake.server();
    assert!(s.modules.is_empty(), "{:?}", s.modules);
    assert_eq!(s.sinks, vec!["speakers", "headphones"]);
    assert_eq!(s.default, "speakers");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn dropping_the_routing_restores_it() {
    let (fake, dir) = playing(&[(1, 101, "headphones")]);
    drop(Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap());
    assert_eq!(fake.sink_of(1).as_deref(), Some("headphones"));
    assert!(fake.server().modules.is_empty());
}

#[test]
fn a_stream_the_person_moved_elsewhere_during_the_recording_stays_where_they_put_it() {
    let (fake, dir) = playing(&[(1, 101, "speakers")]);
    let mut routing = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap();
    let mut by_hand = fake.clone();
    by_hand.move_sink_input(1, "headphones").unwrap();
    routing.restore().unwrap();
    assert_eq!(fake.sink_of(1).as_deref(), Some("headphones"));
}

#[test]
fn a_default_sink_that_became_ours_is_given_back() {
    let (fake, dir) = playing(&[]);
    let mut routing = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap();
    fake.server().default = our_sink(); // e.g. a switch-on-connect module
    routing.restore().unwrap();
    assert_eq!(fake.server().default, "speakers");
}

#[test]
fn a_failing_start_undoes_the_half_made_routing() {
    let fake = Fake::new();
    fake.play(1, 101, "speakers");
    fake.fail("loopback");
    let dir = tempfile::tempdir().unwrap();
    let err = Routing::start(fake.clone(), 101, dir.path(), processes()).unwrap_err();
    assert!(err.to_string().contains("module-loopback"), "{err}");
    let s = fake.server();
    assert!(s.modules.is_empty(), "{:?}", s.modules);
    assert_eq!(s.sinks, vec!["speakers", "headphones"]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// What a recorder killed mid-recording leaves: its modules loaded, a stream moved, and
/// its state file.
fn killed_recorder(fake: &Fake, dir: &Path, owner: u32) {
    let sink = format!("{SINK_PREFIX}{owner}");
    let mut c = fake.clone();
    let null = c
        .load_module("module-null-sink", &format!("sink_name={sink}"))
        .unwrap();
    let looped = c
        .load_module(
            "module-loopback",
            &format!("source={sink}.monitor sink=headphones"),
        )
        .unwrap();
    fake.play(1, 101, "headphones");
    c.move_sink_input(1, &sink).unwrap();
    let state = State {
        owner,
        sink,
        default_sink: "speakers".into(),
        modules: vec![null, looped],
        moved: BTreeMap::from([(1, "headphones".to_owned())]),
    };
    write_state(&state_file(dir, owner), &state).unwrap();
}

/// A process id that is not running: a child that has been waited for.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn the_next_start_undoes_what_a_killed_recorder_left() {
    let (fake, dir) = playing(&[]);
    let owner = dead_pid();
    killed_recorder(&fake, dir.path(), owner);
    let mut c = fake.clone();
    assert_eq!(recover(&mut c, dir.path()).unwrap(), 1);
    assert_eq!(fake.sink_of(1).as_deref(), Some("headphones"));
    let s = fake.server();
    assert!(s.modules.is_empty(), "{:?}", s.modules);
    assert_eq!(s.sinks, vec!["speakers", "headphones"]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_running_recorders_routing_is_left_alone() {
    let (fake, dir) = playing(&[]);
    let mut alive = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    killed_recorder(&fake, dir.path(), alive.id());
    let mut c = fake.clone();
    let cleaned = recover(&mut c, dir.path());
    let _ = alive.kill();
    let _ = alive.wait();
    assert_eq!(cleaned.unwrap(), 0);
    assert_eq!(fake.server().modules.len(), 2);
}

#[test]
fn module_indices_reused_after_a_server_restart_are_not_unloaded() {
    let (fake, dir) = playing(&[]);
    let owner = dead_pid();
    let state = State {
        owner,
        sink: format!("{SINK_PREFIX}{owner}"),
        default_sink: "speakers".into(),
        modules: vec![51],
        moved: BTreeMap::new(),
    };
    write_state(&state_file(dir.path(), owner), &state).unwrap();
    let mut c = fake.clone();
    let someone_elses = c
        .load_module("module-null-sink", "sink_name=other")
        .unwrap();
    assert_eq!(someone_elses, 51);
    assert_eq!(recover(&mut c, dir.path()).unwrap(), 1);
    assert_eq!(fake.server().modules.len(), 1);
}

#[test]
fn with_no_state_file_the_server_is_not_asked() {
    let (fake, dir) = playing(&[]);
    std::fs::write(dir.path().join("unrelated.json"), "{}").unwrap();
    let mut c = fake.clone();
    assert_eq!(recover(&mut c, dir.path()).unwrap(), 0);
    assert_eq!(recover(&mut c, &dir.path().join("missing")).unwrap(), 0);
    assert_eq!(fake.server().asked, 0);
}
