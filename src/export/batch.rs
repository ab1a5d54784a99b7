//! Several files from one project in one go: each of its outputs (the canvas, "Main", and
//! extra ones such as a 9:16 version), each of its marker ranges (a live marker with
//! pre-roll, "the last 20 s were good"), or each range in each output — and the name of
//! each file, made from where the person asked the files to go.

use std::path::{Path, PathBuf};

use crate::timeline::{OutputId, Project, Time};

/// One file of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchItem {
    /// Where it goes.
    pub path: PathBuf,
    /// The marker range it holds, with the marker's name; `None` for the whole timeline.
    pub range: Option<(String, (Time, Time))>,
    /// The output it draws, with its name; `None` for the one asked for otherwise.
    pub output: Option<(OutputId, String)>,
}

/// The files of a batch writing each marker range of `project` (when `ranges`) in each of
/// its outputs (when `outputs`), ranges first: beside `dest` as `STEM-MARKER-OUTPUT.EXT`
/// when `dest` names a file of a known format, else inside the folder `dest` as
/// `PROJECT-MARKER-OUTPUT.mp4`. Empty when ranges are asked for and there are none.
pub fn batch(project: &Project, dest: &Path, ranges: bool, outputs: bool) -> Vec<BatchItem> {
    let ranges: Vec<Option<(String, (Time, Time))>> = if ranges {
        project.marker_ranges().into_iter().map(Some).collect()
    } else {
        vec![None]
    };
    let outputs: Vec<Option<(OutputId, String)>> = if outputs {
        super::outputs::outputs(project)
            .into_iter()
            .map(Some)
            .collect()
    } else {
        vec![None]
    };
    let mut items = Vec::new();
    for range in &ranges {
        for output in &outputs {
            let parts: Vec<&str> = [
                range.as_ref().map(|r| r.0.as_str()),
                output.as_ref().map(|o| o.1.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            items.push(BatchItem {
                path: named_path(project, dest, &parts),
                range: range.clone(),
                output: output.clone(),
            });
        }
    }
    items
}

/// One file of a batch: beside `dest` as `STEM-PART-PART.EXT` when `dest` names a file of
/// a known format, else inside the folder `dest` as `PROJECT-PART-PART.mp4`.
pub fn named_path(project: &Project, dest: &Path, parts: &[&str]) -> PathBuf {
    let is_file = crate::media::Container::from_path(dest).is_some() && !dest.is_dir();
    let (folder, stem, ext) = if is_file {
        (
            dest.parent().map(Path::to_path_buf).unwrap_or_default(),
            dest.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dest.extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "mp4".to_owned()),
        )
    } else {
        (dest.to_path_buf(), slug(&project.name), "mp4".to_owned())
    };
    let mut file = stem;
    for part in parts {
        file.push('-');
        file.push_str(&slug(part));
    }
    folder.join(format!("{file}.{ext}"))
}

/// A name fit for a file name: letters, digits, `-` and `_`; anything else becomes `-`.
fn slug(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "output".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::outputs::tests::{
        check_outputs_go_into_a_folder_or_beside_a_named_file, two_outputs,
    };
    use crate::timeline::Marker;

    #[test]
    fn all_outputs_go_into_a_folder_or_beside_a_named_file() {
        check_outputs_go_into_a_folder_or_beside_a_named_file(|p, dest| {
            batch(p, dest, false, true)
                .into_iter()
                .map(|item| item.path)
                .collect()
        });
    }

    #[test]
    fn each_marker_range_goes_in_each_output_named_by_both() {
        let mut p = two_outputs();
        for (secs, len, name) in [(1, 2, "Goal"), (5, 0, "just a point"), (8, 3, "Goal")] {
            let mut m = Marker::point(p.next_marker_id(), Time::from_secs(secs), name);
            m.length = Time::from_secs(len);
            p.markers.push(m);
        }
        let items = batch(&p, Path::new("/tmp/hl.mp4"), true, true);
        assert_eq!(
            items.len(),
            4,
            "two ranges (the point is none) in two outputs"
        );
        assert_eq!(
            items[3].path,
            PathBuf::from("/tmp/hl-Goal-2-TikTok-9-16.mp4")
        );
        assert_eq!(
            items[3].range.as_ref().map(|r| r.1),
            Some((Time::from_secs(8), Time::from_secs(11)))
        );
        assert_eq!(items[3].output, Some((OutputId(1), "TikTok 9:16".into())));
        let only_ranges = batch(&p, Path::new("/tmp/hl.mp4"), true, false);
        assert_eq!(only_ranges[0].path, PathBuf::from("/tmp/hl-Goal-1.mp4"));
        assert!(batch(&Project::default(), Path::new("x.mp4"), true, false).is_empty());
    }
}
