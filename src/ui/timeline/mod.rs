//! The timeline panel: the ruler, tracks, clips, markers and playhead as drawn
//! (`view`), what the pointer and keys do to them (`input`), what a clip shows inside its
//! box (`clips`, from the thumbnails and waveforms `clip_media` makes on workers),
//! subtitle cues drawn and dragged like clips (`cues`), and the marker list and renaming
//! (`markers`).

pub(super) mod clip_media;
pub(super) mod clips;
pub(super) mod cues;
pub(super) mod input;
pub(super) mod markers;
pub(super) mod view;
