//! A file's sound as min/max peaks, for drawing its waveform: min/max over both channels
//! every [`PEAK_BUCKET`], plus coarser levels (each halving the one below) so drawing costs
//! the same at any zoom. A file still being recorded is read once and then extended by
//! what was appended: only the sound after the last whole bucket is read again.

use std::path::Path;

use super::{AudioRange, AudioReader, MediaError, MIX_RATE};
use crate::timeline::Time;

/// Length of a waveform's finest bucket.
pub const PEAK_BUCKET: Time = Time::from_millis(10);

/// How many buckets before the new sound an extension reads again, for the decoder to
/// settle (a tenth of a second: several AAC frames).
const PREROLL_BUCKETS: usize = 10;

/// Min/max of a file's sound per [`PEAK_BUCKET`], and coarser levels: level `k` holds one
/// pair per `2^k` buckets.
#[derive(Debug, Default, Clone)]
pub struct Peaks {
    levels: Vec<Vec<[f32; 2]>>,
    /// How many of the finest buckets are whole (the last may have been cut by the end).
    whole: usize,
}

impl Peaks {
    /// Builds the coarser levels from the finest one.
    fn from_finest(finest: Vec<[f32; 2]>, whole: usize) -> Peaks {
        let mut levels = vec![finest];
        while let Some(last) = levels.last().filter(|l| l.len() > 1) {
            let next = last
                .chunks(2)
                .map(|pair| {
                    pair.iter().fold([f32::MAX, f32::MIN], |acc, p| {
                        [acc[0].min(p[0]), acc[1].max(p[1])]
                    })
                })
                .collect();
            levels.push(next);
        }
        Peaks { levels, whole }
    }

    /// Reads the sound of `path` up to `duration`; `None` when it has none. Streams in
    /// small chunks, so a long file costs only its peaks in memory.
    pub fn read(path: &Path, duration: Time) -> Result<Option<Peaks>, MediaError> {
        let mut finest = Vec::new();
        let Some(whole) = read_peaks(path, 0, duration, &mut finest)? else {
            return Ok(None);
        };
        Ok(Some(Peaks::from_finest(finest, whole)))
    }

    /// These peaks of `path`, which has grown to `duration`: the sound from the last
    /// whole bucket on is read and appended. `None` when the file has no sound.
    pub fn extended(&self, path: &Path, duration: Time) -> Result<Option<Peaks>, MediaError> {
        let mut finest = self.levels.first().cloned().unwrap_or_default();
        finest.truncate(self.whole);
        // A decoder started in the middle of compressed sound makes its first frames
        // quiet (the overlap they need is missing): start earlier, keep what is known.
        let from = self.whole.saturating_sub(PREROLL_BUCKETS);
        let mut read = Vec::new();
        let Some(whole) = read_peaks(path, from, duration, &mut read)? else {
            return Ok(None);
        };
        let known = self.whole - from;
        finest.extend(read.into_iter().skip(known));
        Ok(Some(Peaks::from_finest(finest, from + whole)))
    }

    /// How many finest buckets these peaks hold.
    pub fn buckets(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// The lowest and highest sample between source times `from` and `to`, if the
    /// waveform covers any of it. Walks up the levels taking whole entries where they fit
    /// (as a segment tree does), so it is exact and costs a few steps at any zoom.
    pub fn range(&self, from: Time, to: Time) -> Option<[f32; 2]> {
        let (from, to) = if to < from { (to, from) } else { (from, to) };
        let bucket = PEAK_BUCKET.flicks();
        let finest = self.levels.first()?;
        let mut lo = usize::try_from(from.flicks() / bucket).ok()?;
        let mut hi = usize::try_from(to.flicks() / bucket)
            .ok()?
            .saturating_add(1)
            .min(finest.len());
        let mut found: Option<[f32; 2]> = None;
        let mut take = |p: [f32; 2]| {
            found = Some(found.map_or(p, |f| [f[0].min(p[0]), f[1].max(p[1])]));
        };
        for entries in &self.levels {
            if lo >= hi {
                break;
            }
            if lo % 2 == 1 {
                take(*entries.get(lo)?);
                lo += 1;
            }
            if hi % 2 == 1 && lo < hi {
                hi -= 1;
                take(*entries.get(hi)?);
            }
            lo /= 2;
            hi /= 2;
        }
        found
    }
}

/// Reads the sound of `path` from bucket `first` up to `duration` in the mix format (so
/// as loud as the export plays it: mono spreads over both channels at −3 dB) and appends
/// its peaks to `finest`. Returns how many whole buckets it appended, or `None` when the
/// file has no sound.
fn read_peaks(
    path: &Path,
    first: usize,
    duration: Time,
    finest: &mut Vec<[f32; 2]>,
) -> Result<Option<usize>, MediaError> {
    let start = PEAK_BUCKET.flicks() * i64::try_from(first).unwrap_or(i64::MAX);
    let range = AudioRange {
        start,
        end: duration.flicks().max(start + 1),
        speed_micro: 1_000_000,
        keep_pitch: true,
        reverse: false,
    };
    let Some(mut reader) = AudioReader::open(path, range)? else {
        return Ok(None);
    };
    let per_bucket = (MIX_RATE as usize / 100).max(1);
    let mut buffer = vec![0.0f32; per_bucket * 2 * 50];
    let mut current = [f32::MAX, f32::MIN];
    let (mut filled, mut whole) = (0, 0);
    loop {
        let frames = reader.read(&mut buffer)?;
        if frames == 0 {
            break;
        }
        for pair in buffer[..frames * 2].chunks_exact(2) {
            let (low, high) = (pair[0].min(pair[1]), pair[0].max(pair[1]));
            current = [current[0].min(low), current[1].max(high)];
            filled += 1;
            if filled == per_bucket {
                finest.push(current);
                whole += 1;
                current = [f32::MAX, f32::MIN];
                filled = 0;
            }
        }
    }
    if filled > 0 {
        finest.push(current);
    }
    Ok(Some(whole))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn peaks_over_a_span_cover_every_bucket_in_it() {
        let finest: Vec<[f32; 2]> = (0..1000)
            .map(|i| {
                let v = if i == 637 { 0.9 } else { 0.1 };
                [-v, v]
            })
            .collect();
        let peaks = Peaks::from_finest(finest, 1000);
        let at = |ms| Time::from_millis(ms);
        // 6.37 s holds the loud bucket; any span reaching it must show it.
        assert_eq!(peaks.range(at(6000), at(7000)), Some([-0.9, 0.9]));
        assert_eq!(peaks.range(at(0), at(9990)), Some([-0.9, 0.9]));
        assert_eq!(peaks.range(at(6370), at(6370)), Some([-0.9, 0.9]));
        assert_eq!(peaks.range(at(6380), at(9000)), Some([-0.1, 0.1]));
        assert_eq!(
            peaks.range(at(7000), at(6000)),
            Some([-0.9, 0.9]),
            "either order"
        );
        assert_eq!(peaks.range(at(20_000), at(30_000)), None, "past the end");
    }

    /// One second of silence then one second of a 440 Hz tone at half scale, made by the
    /// `ffmpeg` tool into `dir`.
    fn silence_then_tone(dir: &Path) -> PathBuf {
        let path = dir.join("silence_then_tone.m4a");
        let status = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
            .arg("aevalsrc=0.5*sin(2*PI*440*t)*gte(t\\,1):s=48000:d=2")
            .args(["-c:a", "aac", "-b:a", "128k"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        path
    }

    #[test]
    fn a_waveform_shows_silence_flat_and_the_tone_at_its_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = silence_then_tone(dir.path());
        let peaks = Peaks::read(&path, Time::from_secs(2)).unwrap().unwrap();
        let quiet = peaks
            .range(Time::from_millis(100), Time::from_millis(900))
            .unwrap();
        assert!(quiet[0] > -0.02 && quiet[1] < 0.02, "silence: {quiet:?}");
        // The mix spreads mono over two channels at -3 dB: 0.5 becomes 0.354.
        let loud = peaks
            .range(Time::from_millis(1100), Time::from_millis(1900))
            .unwrap();
        assert!((0.33..0.38).contains(&loud[1]), "tone top: {loud:?}");
        assert!((-0.38..-0.33).contains(&loud[0]), "tone bottom: {loud:?}");
    }

    #[test]
    fn a_waveform_extended_as_its_file_grows_is_the_one_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = silence_then_tone(dir.path());
        let whole = Peaks::read(&path, Time::from_secs(2)).unwrap().unwrap();
        // As if the file had been 1.234 s long at the first look, then 1.5 s, then 2 s.
        let first = Peaks::read(&path, Time::from_millis(1234))
            .unwrap()
            .unwrap();
        assert_eq!(first.buckets(), 124, "the last one cut short");
        let grown = first
            .extended(&path, Time::from_millis(1500))
            .unwrap()
            .unwrap();
        let grown = grown.extended(&path, Time::from_secs(2)).unwrap().unwrap();
        assert_eq!(grown.buckets(), whole.buckets());
        for ms in (0..2000).step_by(10) {
            let (from, to) = (Time::from_millis(ms), Time::from_millis(ms + 9));
            let (a, b) = (
                grown.range(from, to).unwrap(),
                whole.range(from, to).unwrap(),
            );
            let off = (a[0] - b[0]).abs().max((a[1] - b[1]).abs());
            assert!(off < 1e-3, "at {ms} ms: extended {a:?}, whole {b:?}");
        }
    }
}
