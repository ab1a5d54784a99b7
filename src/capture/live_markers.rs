//! Live markers: moments named while a recording runs ("goal!"), with an optional
//! pre-roll ("the last 20 s were good"). The recorder keeps them in a small JSON file
//! beside the recording (`NAME.mp4.markers.json`), rewritten atomically after each one,
//! so they survive a crash like the recording does; when the recording lands on the
//! timeline each becomes a marker — a range from `at − pre-roll` to `at` when it has one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CaptureError;
use crate::timeline::{Edit, Marker, Project, Rounding, Time};

/// µs as timeline time.
fn micros(us: i64) -> Time {
    Time::from_secs(1).mul_ratio(us, 1_000_000, Rounding::Nearest)
}

/// A marker dropped while recording, in the recording's own time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveMarker {
    /// When it was dropped, µs into the recording.
    pub at_us: i64,
    /// How much before that the range starts, µs (0: a point).
    #[serde(default)]
    pub pre_roll_us: i64,
    /// Its name.
    pub name: String,
}

impl LiveMarker {
    /// Where its range starts and how long it is, in the recording's time (a pre-roll
    /// reaching before the start is cut there).
    pub fn range(&self) -> (Time, Time) {
        let start_us = (self.at_us - self.pre_roll_us.max(0)).max(0);
        let start = micros(start_us);
        (start, micros(self.at_us.max(start_us)) - start)
    }
}

/// The markers file of the recording at `recording`.
pub fn sidecar_path(recording: &Path) -> PathBuf {
    let mut name = recording.as_os_str().to_owned();
    name.push(".markers.json");
    PathBuf::from(name)
}

/// Writes `markers` beside `recording` (a temporary file renamed over the old one).
pub fn write(recording: &Path, markers: &[LiveMarker]) -> Result<(), CaptureError> {
    let path = sidecar_path(recording);
    let fail = |why: String| CaptureError::Invalid(format!("{}: {why}", path.display()));
    let text = serde_json::to_string_pretty(markers).map_err(|e| fail(e.to_string()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".markers")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| fail(format!("cannot create a file beside it: {e}")))?;
    std::io::Write::write_all(&mut temp, text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| fail(format!("cannot write: {e}")))?;
    temp.persist(&path)
        .map_err(|e| fail(format!("cannot move into place: {}", e.error)))?;
    Ok(())
}

/// The markers saved beside `recording`; none when there is no such file or it cannot
/// be read (which is logged: the recording itself is what matters).
pub fn read(recording: &Path) -> Vec<LiveMarker> {
    let path = sidecar_path(recording);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    serde_json::from_str(&text).unwrap_or_else(|e| {
        tracing::warn!("{}: live markers not read: {e}", path.display());
        Vec::new()
    })
}

/// The edits that put `markers` on the timeline of `project` for a recording placed at
/// `start`, clipped to its `length`.
pub fn marker_edits(
    project: &Project,
    markers: &[LiveMarker],
    start: Time,
    length: Time,
) -> Vec<Edit> {
    let mut next = project.next_marker_id().0;
    markers
        .iter()
        .map(|m| {
            let (from, len) = m.range();
            let from = from.min(length);
            let len = len.min(length - from);
            let mut marker = Marker::point(crate::timeline::MarkerId(next), start + from, &m.name);
            marker.length = len;
            next += 1;
            Edit::AddMarker { marker }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_with_pre_roll_is_a_range_ending_where_it_was_dropped() {
        let m = LiveMarker {
            at_us: 12_000_000,
            pre_roll_us: 5_000_000,
            name: "Goal".into(),
        };
        assert_eq!(m.range(), (Time::from_secs(7), Time::from_secs(5)));
        let early = LiveMarker {
            at_us: 2_000_000,
            pre_roll_us: 5_000_000,
            name: "Early".into(),
        };
        assert_eq!(early.range(), (Time::ZERO, Time::from_secs(2)));
    }

    #[test]
    fn markers_survive_a_round_trip_through_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("rec.mp4");
        assert!(read(&rec).is_empty());
        let marks = vec![LiveMarker {
            at_us: 1,
            pre_roll_us: 0,
            name: "A".into(),
        }];
        write(&rec, &marks).unwrap();
        assert_eq!(read(&rec), marks);
        assert!(sidecar_path(&rec).ends_with("rec.mp4.markers.json"));
    }

    #[test]
    fn markers_land_after_the_clip_start_as_ranges() {
        let project = Project::default();
        let marks = [LiveMarker {
            at_us: 4_000_000,
            pre_roll_us: 2_000_000,
            name: "Goal".into(),
        }];
        let edits = marker_edits(&project, &marks, Time::from_secs(10), Time::from_secs(8));
        let [Edit::AddMarker { marker }] = edits.as_slice() else {
            panic!("{edits:?}");
        };
        assert_eq!(marker.time, Time::from_secs(12));
        assert_eq!(marker.length, Time::from_secs(2));
        assert_eq!(marker.name, "Goal");
    }
}
