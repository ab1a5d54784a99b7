//! `export --sticker NAME[:ANCHOR]`: a sticker over the whole quick-mode clip, pinned to
//! the face (found now, as the app's "Pin to face" does) or standing free.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context};

use crate::render::sticker_pin::pin_sticker_edit;
use crate::timeline::{apply, Clip, Edit, FaceAnchor, Project, Time, Track, TrackKind};

/// What `--sticker` asks for: the sticker and where it sits (`None`: free).
fn parse(spec: &str) -> anyhow::Result<(&'static crate::stickers::Sticker, Option<FaceAnchor>)> {
    let (name, anchor) = match spec.split_once(':') {
        Some((name, anchor)) => (name.trim(), Some(anchor.trim())),
        None => (spec.trim(), None),
    };
    let Some(sticker) = crate::stickers::find(name) else {
        let like: Vec<_> = crate::stickers::search(name)
            .iter()
            .take(8)
            .map(|s| s.name)
            .collect();
        if like.is_empty() {
            bail!("bad --sticker {spec:?}: there is no sticker called {name:?}");
        }
        bail!(
            "bad --sticker {spec:?}: there is no sticker called {name:?}; did you mean {}?",
            like.join(", ")
        );
    };
    let anchor = match anchor {
        None => Some(sticker.pin),
        Some(a) if a.eq_ignore_ascii_case("free") => None,
        Some(a) => Some(FaceAnchor::from_name(a).with_context(|| {
            format!("bad --sticker {spec:?}: the place is head, eyes, nose, mouth, face or free")
        })?),
    };
    Ok((sticker, anchor))
}

/// Puts the sticker `spec` on a new overlay track over the quick project's whole length
/// and, unless it is free, pins it to the face in the clip under it.
pub(super) fn add_to_quick_project(project: &mut Project, spec: &str) -> anyhow::Result<()> {
    let (sticker, anchor) = parse(spec)?;
    let track = project.next_track_id();
    let id = project.next_clip_id();
    let length = project.clips_duration().max(Time::TICK);
    apply(
        project,
        Edit::AddTrack {
            track: Track::new(track, TrackKind::Overlay, "Stickers"),
            index: project.tracks.len(),
        },
    )?;
    apply(
        project,
        Edit::InsertClip {
            track,
            clip: Clip::sticker(id, sticker.name, Time::ZERO, length),
        },
    )?;
    let Some(anchor) = anchor else {
        return Ok(());
    };
    let never = AtomicBool::new(false);
    let vision = crate::vision::TractVision;
    match pin_sticker_edit(project, id, anchor, Path::new(""), &vision, &never)? {
        Some((edit, track)) => {
            if track.faces_found() == 0 {
                eprintln!("note: no face found under the sticker; it stays in the middle");
            }
            apply(project, edit)?;
        }
        None => eprintln!("note: no video under the sticker to pin it to; it stays in the middle"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sticker_is_named_with_an_optional_place_on_the_face() {
        let (s, a) = parse("top-hat").unwrap();
        assert_eq!((s.name, a), ("top-hat", Some(FaceAnchor::HeadTop)));
        assert_eq!(parse("glasses:mouth").unwrap().1, Some(FaceAnchor::Mouth));
        assert_eq!(parse("glasses:free").unwrap().1, None);
        let e = parse("hat").unwrap_err().to_string();
        assert!(e.contains("top-hat"), "{e}");
        assert!(parse("glasses:ear").is_err());
    }
}
