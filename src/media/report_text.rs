//! The human-readable form of a [`ProbeReport`], shared by `clipwright probe` and the app.

use std::fmt;

use super::probe::{format_us, ProbeReport, StreamKind, StreamReport};

impl fmt::Display for ProbeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "File:       {}", self.path.display())?;
        writeln!(
            f,
            "Container:  {} ({})",
            self.container_long, self.container
        )?;
        writeln!(f, "Duration:   {}", self.duration_text())?;
        write!(f, "Size:       {}", human_bytes(self.size_bytes))?;
        if let Some(rate) = self.bit_rate {
            write!(f, ", {}", human_bit_rate(rate))?;
        }
        for stream in &self.streams {
            write!(f, "\n{}", StreamLine(stream))?;
        }
        Ok(())
    }
}

/// One stream as a line of text.
pub struct StreamLine<'a>(pub &'a StreamReport);

impl fmt::Display for StreamLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let kind = match s.kind {
            StreamKind::Video => "video",
            StreamKind::Audio => "audio",
            StreamKind::Subtitle => "subtitle",
            StreamKind::Data => "data",
            StreamKind::Attachment => "attachment",
            StreamKind::Unknown => "unknown",
        };
        write!(f, "Stream #{}: {kind}, {}", s.index, s.codec)?;
        if let Some(v) = &s.video {
            write!(
                f,
                ", {}x{}, {} ({}-bit, {} range), {} fps (average {} fps)",
                v.width,
                v.height,
                v.pixel_format,
                v.bit_depth,
                v.color_range,
                fps_text(v.frame_rate),
                fps_text(v.avg_frame_rate)
            )?;
            if v.variable_frame_rate {
                write!(f, ", variable frame rate")?;
                if let (Some(min), Some(max)) = (v.min_frame_interval_us, v.max_frame_interval_us) {
                    write!(
                        f,
                        " (frame gaps {:.1}–{:.1} ms)",
                        min as f64 / 1000.0,
                        max as f64 / 1000.0
                    )?;
                }
            }
            if v.rotation != 0 {
                write!(
                    f,
                    ", rotated {}° (shown as {}x{})",
                    v.rotation, v.display_width, v.display_height
                )?;
            }
        }
        if let Some(a) = &s.audio {
            write!(
                f,
                ", {} Hz, {} channel{}, {} ({}-bit)",
                a.sample_rate,
                a.channels,
                if a.channels == 1 { "" } else { "s" },
                a.sample_format,
                a.bit_depth
            )?;
        }
        if let Some(d) = s.duration_us {
            write!(f, ", {}", format_us(d))?;
        }
        if let Some(lang) = &s.language {
            if lang != "und" {
                write!(f, ", language {lang}")?;
            }
        }
        Ok(())
    }
}

/// `[30000, 1001]` → `29.97`; `[30, 1]` → `30`.
pub fn fps_text(rate: [i32; 2]) -> String {
    if rate[1] == 0 || rate[0] == 0 {
        return "unknown".to_owned();
    }
    if rate[0] % rate[1] == 0 {
        return (rate[0] / rate[1]).to_string();
    }
    let value = f64::from(rate[0]) / f64::from(rate[1]);
    format!("{value:.3}")
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

/// Bytes in B, KB, MB or GB (powers of 1000, as file managers show them).
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{:.1} KB", b / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", b / 1e6),
        _ => format!("{:.2} GB", b / 1e9),
    }
}

fn human_bit_rate(bits: i64) -> String {
    let b = bits as f64;
    if bits >= 1_000_000 {
        format!("{:.2} Mb/s", b / 1e6)
    } else {
        format!("{:.0} kb/s", b / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntsc_rate_prints_with_decimals_and_whole_rates_without() {
        assert_eq!(fps_text([30000, 1001]), "29.97");
        assert_eq!(fps_text([30, 1]), "30");
        assert_eq!(fps_text([0, 0]), "unknown");
    }

    #[test]
    fn sizes_print_in_decimal_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}
