//! The built-in stickers: Twemoji's emoji graphics (CC-BY 4.0, see
//! `assets/stickers/LICENSE.md`), compiled into the program, each with a name, search
//! words and where on a face it sits when pinned; and their pictures, drawn from SVG by
//! `resvg` at the size they are shown and cached per size for every user in the process.
//!
//! The set is written by `scripts/update-stickers.sh` (`catalog.rs`); nothing is
//! downloaded at run time. This module knows SVG and RGBA bytes only: no FFmpeg, no egui.

mod catalog;

use std::sync::{Arc, Mutex};

use crate::timeline::FaceAnchor;

/// One sticker of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sticker {
    /// Its unique name, lower case with dashes (`top-hat`).
    pub name: &'static str,
    /// Words a search finds it by, besides its name.
    pub words: &'static str,
    /// Where it sits on a face when pinned, unless the person picks another place.
    pub pin: FaceAnchor,
    /// The picture.
    pub svg: &'static str,
}

impl Sticker {
    /// Its name as a person reads it (`top hat`).
    pub fn title(&self) -> String {
        self.name.replace('-', " ")
    }

    /// True when every word of `query` is in its name or starts one of its words
    /// (`glass` finds `sunglasses`).
    pub fn matches(&self, query: &str) -> bool {
        let query = query.to_lowercase();
        query.split_whitespace().all(|q| {
            self.name.contains(q) || self.words.split_whitespace().any(|w| w.starts_with(q))
        })
    }
}

/// Why a sticker could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StickerError {
    /// No sticker of the set has this name.
    #[error("there is no sticker called {name:?}")]
    Unknown { name: String },
    /// Its picture could not be read.
    #[error("sticker {name:?}: its picture is not valid SVG: {message}")]
    BadPicture { name: String, message: String },
    /// The size asked for is empty or too big.
    #[error("sticker {name:?}: cannot draw it {width}x{height} pixels large")]
    BadSize {
        name: String,
        width: u32,
        height: u32,
    },
}

/// Every sticker, in gallery order.
pub fn all() -> &'static [Sticker] {
    catalog::STICKERS
}

/// The sticker called `name`.
pub fn find(name: &str) -> Option<&'static Sticker> {
    catalog::STICKERS.iter().find(|s| s.name == name)
}

/// The stickers matching `query` ([`Sticker::matches`]), every one for an empty query.
pub fn search(query: &str) -> Vec<&'static Sticker> {
    catalog::STICKERS
        .iter()
        .filter(|s| s.matches(query))
        .collect()
}

/// A sticker drawn at one size: straight (not premultiplied) RGBA, red first.
#[derive(Clone, PartialEq, Eq)]
pub struct StickerImage {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for StickerImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StickerImage({}x{})", self.width, self.height)
    }
}

/// The largest side a sticker is drawn at.
pub const MAX_SIDE: u32 = 4096;

/// How many drawn pictures the process keeps (a 256² one is 256 KB).
const CACHE_LEN: usize = 24;

type Entry = (&'static str, (u32, u32), Arc<StickerImage>);

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn cache() -> std::sync::MutexGuard<'static, Vec<Entry>> {
    // A panic elsewhere while holding the lock leaves a list that is still whole.
    CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

fn tree(sticker: &Sticker) -> Result<resvg::usvg::Tree, StickerError> {
    resvg::usvg::Tree::from_str(sticker.svg, &resvg::usvg::Options::default()).map_err(|e| {
        StickerError::BadPicture {
            name: sticker.name.to_owned(),
            message: e.to_string(),
        }
    })
}

fn unknown(name: &str) -> StickerError {
    StickerError::Unknown {
        name: name.to_owned(),
    }
}

/// The picture's own size (its SVG view box), which sets its shape.
pub fn natural_size(name: &str) -> Result<(f64, f64), StickerError> {
    let sticker = find(name).ok_or_else(|| unknown(name))?;
    let size = tree(sticker)?.size();
    Ok((f64::from(size.width()), f64::from(size.height())))
}

/// The sticker `name` drawn `width` × `height` pixels large (stretched to that shape),
/// from the cache when it was drawn at that size lately.
pub fn picture(name: &str, width: u32, height: u32) -> Result<Arc<StickerImage>, StickerError> {
    let sticker = find(name).ok_or_else(|| unknown(name))?;
    if let Some((_, _, hit)) = cache()
        .iter()
        .find(|(n, s, _)| *n == sticker.name && *s == (width, height))
    {
        return Ok(Arc::clone(hit));
    }
    let bad_size = || StickerError::BadSize {
        name: name.to_owned(),
        width,
        height,
    };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(bad_size());
    }
    let tree = tree(sticker)?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).ok_or_else(bad_size)?;
    let size = tree.size();
    let transform = resvg::tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let rgba = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let image = Arc::new(StickerImage {
        width,
        height,
        rgba,
    });
    let mut entries = cache();
    if entries.len() >= CACHE_LEN {
        entries.remove(0);
    }
    entries.push((sticker.name, (width, height), Arc::clone(&image)));
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_has_at_least_seventy_stickers_with_unique_names_that_all_draw() {
        let set = all();
        assert!(set.len() >= 70, "{}", set.len());
        let mut names: Vec<_> = set.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), set.len(), "names are unique");
        for s in set {
            let p = picture(s.name, 24, 24).unwrap();
            let opaque = p.rgba.chunks_exact(4).filter(|px| px[3] > 128).count();
            assert!(opaque > 24 * 24 / 20, "{} draws almost nothing", s.name);
        }
    }

    #[test]
    fn a_sticker_is_drawn_once_per_size_and_its_colours_come_from_its_svg() {
        let a = picture("red-heart", 64, 64).unwrap();
        let b = picture("red-heart", 64, 64).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let centre = &a.rgba[(32 * 64 + 32) * 4..][..4];
        assert!(
            centre[0] > 200 && centre[1] < 80 && centre[3] == 255,
            "{centre:?}"
        );
        let big = picture("red-heart", 128, 128).unwrap();
        assert_eq!((big.width, big.height), (128, 128));
        assert_eq!(natural_size("red-heart").unwrap(), (36.0, 36.0));
    }

    #[test]
    fn search_finds_by_name_and_words_and_refuses_nothing_silently() {
        let hats: Vec<_> = search("hat").iter().map(|s| s.name).collect();
        assert!(
            hats.contains(&"top-hat") && hats.contains(&"crown"),
            "{hats:?}"
        );
        assert!(search("GLASSES").iter().any(|s| s.name == "sunglasses"));
        assert!(search("no such thing").is_empty());
        assert_eq!(search("").len(), all().len());
        assert!(matches!(
            picture("unicorn-x", 8, 8),
            Err(StickerError::Unknown { .. })
        ));
        assert!(matches!(
            picture("unicorn", 0, 8),
            Err(StickerError::BadSize { .. })
        ));
    }
}
