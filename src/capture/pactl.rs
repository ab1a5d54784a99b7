//! Talking to the sound server (PulseAudio, or PipeWire's pulse server) about streams and
//! sinks, for recording one window's sound: the [`PulseControl`] trait, and [`Pactl`], the
//! real one, which runs the `pactl` program (from `pulseaudio-utils`) — a plain child
//! process, so no client library is linked and a missing server is a clear error.
//!
//! `pactl`'s text is read in the C locale (`LC_ALL=C`), where its labels are English.

use std::process::Command;

/// What went wrong while re-routing a window's sound.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// `pactl` could not run or the server refused.
    #[error("pactl {command}: {detail}")]
    Pactl { command: String, detail: String },
    /// The file that remembers the re-routing could not be written or read.
    #[error("{path}: {detail}")]
    StateFile { path: String, detail: String },
}

/// One playing stream (a "sink input").
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SinkInput {
    /// The server's index of the stream.
    pub(crate) id: u32,
    /// The name of the sink it plays into.
    pub(crate) sink: String,
    /// The process that plays it (`application.process.id`), when it says.
    pub(crate) pid: Option<u32>,
    /// The module that made it (a loopback's stream), for streams made by modules.
    pub(crate) owner_module: Option<u32>,
}

/// One loaded server module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Module {
    /// Its index.
    pub(crate) id: u32,
    /// e.g. `module-null-sink`.
    pub(crate) name: String,
    /// Its arguments as loaded.
    pub(crate) args: String,
}

/// The few things re-routing a window's sound asks of the sound server.
pub(crate) trait PulseControl: Send {
    /// The name of the default sink.
    fn default_sink(&mut self) -> Result<String, RouteError>;
    /// Makes `sink` the default.
    fn set_default_sink(&mut self, sink: &str) -> Result<(), RouteError>;
    /// The names of the sinks there are.
    fn sinks(&mut self) -> Result<Vec<String>, RouteError>;
    /// Every playing stream.
    fn sink_inputs(&mut self) -> Result<Vec<SinkInput>, RouteError>;
    /// Every loaded module.
    fn modules(&mut self) -> Result<Vec<Module>, RouteError>;
    /// Loads a module and returns its index.
    fn load_module(&mut self, name: &str, args: &str) -> Result<u32, RouteError>;
    /// Unloads module `id`.
    fn unload_module(&mut self, id: u32) -> Result<(), RouteError>;
    /// Moves stream `id` to `sink`.
    fn move_sink_input(&mut self, id: u32, sink: &str) -> Result<(), RouteError>;
}

/// The real server, through the `pactl` program.
#[derive(Debug, Default)]
pub(crate) struct Pactl;

impl Pactl {
    /// Runs `pactl ARGS` and returns what it printed, or why it failed.
    fn run(&self, args: &[&str]) -> Result<String, RouteError> {
        let err = |detail: String| RouteError::Pactl {
            command: args.join(" "),
            detail,
        };
        let out = Command::new("pactl")
            .args(args)
            .env("LC_ALL", "C")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| err(format!("cannot run pactl ({e}); install pulseaudio-utils")))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            return Err(err(if text.is_empty() {
                format!("failed ({})", out.status)
            } else {
                text
            }));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Sink names by index, from `pactl list short sinks`.
    fn sink_names(&self) -> Result<Vec<(u32, String)>, RouteError> {
        Ok(self
            .run(&["list", "short", "sinks"])?
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.trim().parse().ok()?, f.next()?.to_owned()))
            })
            .collect())
    }
}

impl PulseControl for Pactl {
    fn default_sink(&mut self) -> Result<String, RouteError> {
        let info = self.run(&["info"])?;
        info.lines()
            .find_map(|l| l.strip_prefix("Default Sink: "))
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| RouteError::Pactl {
                command: "info".into(),
                detail: "the server names no default sink".into(),
            })
    }

    fn set_default_sink(&mut self, sink: &str) -> Result<(), RouteError> {
        self.run(&["set-default-sink", sink]).map(|_| ())
    }

    fn sinks(&mut self) -> Result<Vec<String>, RouteError> {
        Ok(self.sink_names()?.into_iter().map(|(_, n)| n).collect())
    }

    fn sink_inputs(&mut self) -> Result<Vec<SinkInput>, RouteError> {
        let names = self.sink_names()?;
        let text = self.run(&["list", "sink-inputs"])?;
        Ok(parse_sink_inputs(&text, &names))
    }

    fn modules(&mut self) -> Result<Vec<Module>, RouteError> {
        Ok(self
            .run(&["list", "short", "modules"])?
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some(Module {
                    id: f.next()?.trim().parse().ok()?,
                    name: f.next()?.to_owned(),
                    args: f.next().unwrap_or("").to_owned(),
                })
            })
            .collect())
    }

    fn load_module(&mut self, name: &str, args: &str) -> Result<u32, RouteError> {
        let mut all = vec!["load-module", name];
        all.extend(args.split_whitespace());
        let out = self.run(&all)?;
        out.trim().parse().map_err(|_| RouteError::Pactl {
            command: all.join(" "),
            detail: format!("answered \"{}\", not a module index", out.trim()),
        })
    }

    fn unload_module(&mut self, id: u32) -> Result<(), RouteError> {
        self.run(&["unload-module", &id.to_string()]).map(|_| ())
    }

    fn move_sink_input(&mut self, id: u32, sink: &str) -> Result<(), RouteError> {
        self.run(&["move-sink-input", &id.to_string(), sink])
            .map(|_| ())
    }
}

/// Reads `pactl list sink-inputs` (C locale): blocks headed `Sink Input #N` with
/// `Sink: INDEX`, `Owner Module: N|n/a` and the property `application.process.id = "PID"`.
fn parse_sink_inputs(text: &str, sinks: &[(u32, String)]) -> Vec<SinkInput> {
    let mut out: Vec<SinkInput> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(id) = t.strip_prefix("Sink Input #") {
            if let Ok(id) = id.trim().parse() {
                out.push(SinkInput {
                    id,
                    sink: String::new(),
                    pid: None,
                    owner_module: None,
                });
            }
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        if let Some(v) = t.strip_prefix("Sink: ") {
            let v = v.trim();
            cur.sink = v
                .parse::<u32>()
                .ok()
                .and_then(|i| sinks.iter().find(|(n, _)| *n == i))
                .map_or_else(|| v.to_owned(), |(_, name)| name.clone());
        } else if let Some(v) = t.strip_prefix("Owner Module: ") {
            cur.owner_module = v.trim().parse().ok();
        } else if let Some(v) = t.strip_prefix("application.process.id = ") {
            cur.pid = v.trim().trim_matches('"').parse().ok();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "Sink Input #0\n\tDriver: protocol-native.c\n\tOwner Module: 1\n\
        \tClient: 1\n\tSink: 0\n\tProperties:\n\t\tmedia.name = \"tone\"\n\
        \t\tapplication.process.id = \"5338\"\n\t\tapplication.process.binary = \"ffmpeg\"\n\
        Sink Input #1\n\tDriver: module-loopback.c\n\tOwner Module: 3\n\tClient: n/a\n\
        \tSink: 7\n\tProperties:\n\t\tmedia.name = \"Loopback\"\n";

    #[test]
    fn sink_inputs_are_read_with_their_sink_name_process_and_owner() {
        let sinks = [(0, "rec".to_owned()), (7, "speakers".to_owned())];
        let got = parse_sink_inputs(LISTING, &sinks);
        assert_eq!(
            got,
            vec![
                SinkInput {
                    id: 0,
                    sink: "rec".into(),
                    pid: Some(5338),
                    owner_module: Some(1)
                },
                SinkInput {
                    id: 1,
                    sink: "speakers".into(),
                    pid: None,
                    owner_module: Some(3)
                },
            ]
        );
    }
}
