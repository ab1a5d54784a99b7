//! The export dialog's estimate of the file's size, from the bit rate of the clips' own
//! files where the media bin has probed them, else from the frame size, rate and quality.

use std::path::Path;

use super::export_dialog::ExportDialog;
use crate::timeline::Project;

/// How big the exported file will likely be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeEstimate {
    /// Bytes.
    pub bytes: u64,
    /// Every clip's own file was known, so the figure follows the content; otherwise
    /// the rest is a rough guess from the frame size, rate and quality alone.
    pub from_content: bool,
}

impl ExportDialog {
    /// The likely size of the file. Each clip whose file the media bin has probed counts
    /// at that file's own picture bit rate, scaled to the export's frame size and quality
    /// (as if the file were made at CRF 23, as recordings are), never above the bound
    /// below; the rest of the timeline counts at about 0.1 bit per pixel at CRF 23 — near
    /// for busy pictures, many times too big for a screen with little motion.
    pub fn estimate(&self, project: &Project, base_dir: &Path) -> SizeEstimate {
        let s = self.settings(project);
        let out_pixels = f64::from(s.size.0) * f64::from(s.size.1);
        let pixels_per_second = out_pixels * s.frame_rate.as_f64();
        // Each 6 CRF steps halve the bits.
        let quality = 2f64.powf((23.0 - f64::from(self.crf)) / 6.0);
        let bound = pixels_per_second * 0.1 * quality;
        let mut seconds = project.duration().as_secs_f64();
        let mut video_bits = 0.0;
        let mut known_seconds = 0.0;
        for track in project
            .tracks
            .iter()
            .filter(|t| t.kind.is_visual() && !t.hidden)
        {
            for clip in &track.clips {
                let Some(source) = clip.source().and_then(|id| project.source(id)) else {
                    continue;
                };
                let Some(video) = &source.info.video else {
                    continue;
                };
                let Some(&rate) = self.source_rates.get(&source.resolved_path(base_dir)) else {
                    continue;
                };
                let (w, h) = video.display_size();
                let scale = (out_pixels / (f64::from(w) * f64::from(h)).max(1.0)).powf(0.75);
                let clip_seconds = clip.duration().as_secs_f64();
                video_bits += (rate * scale * quality).min(bound) * clip_seconds;
                known_seconds += clip_seconds;
            }
        }
        if s.range.is_some() {
            // A part of the timeline: its share of the whole.
            let (from, to) = s.span(project);
            let share = (to - from).as_secs_f64() / seconds.max(1e-9);
            video_bits *= share;
            known_seconds *= share;
            seconds = (to - from).as_secs_f64();
        }
        let unknown = (seconds - known_seconds).max(0.0);
        video_bits += bound * unknown;
        let sound = project.tracks.iter().any(|t| {
            t.kind == crate::timeline::TrackKind::Audio && !t.muted && !t.clips.is_empty()
        });
        let audio = if self.extension() == "gif" || !sound {
            0.0
        } else {
            160_000.0 * seconds
        };
        SizeEstimate {
            bytes: ((video_bits + audio) / 8.0) as u64,
            from_content: unknown < 0.05,
        }
    }
}

/// The estimate as the dialog shows it, saying what it rests on.
pub fn estimate_text(estimate: SizeEstimate) -> String {
    let size = crate::media::human_bytes(estimate.bytes);
    if estimate.from_content {
        format!("about {size} (from the clips' files)")
    } else {
        format!("roughly {size} (a guess: the clips' files are not read yet)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_estimate_says_what_it_rests_on() {
        let size = crate::media::human_bytes(12_800_000);
        let guess = SizeEstimate {
            bytes: 12_800_000,
            from_content: false,
        };
        assert_eq!(
            estimate_text(guess),
            format!("roughly {size} (a guess: the clips' files are not read yet)")
        );
        let known = SizeEstimate {
            from_content: true,
            ..guess
        };
        assert_eq!(
            estimate_text(known),
            format!("about {size} (from the clips' files)")
        );
    }
}
