//! Pictures of media for the timeline and the media bin: filmstrip thumbnails and audio
//! waveforms, made on worker threads and cached per source file.
//!
//! The UI asks for what it is about to draw and draws whatever is ready (a plain clip
//! colour stands in for the rest). Asking never blocks: requests go to the workers over
//! bounded channels with `try_send`, and a request that does not fit is simply asked again
//! on a later frame. Workers decode through `crate::media`, send results back over a
//! bounded channel (blocking themselves, never the UI, when it is full) and wake the UI.
//!
//! Thumbnails are keyed by file and by a source time rounded down to a *bucket*; bucket
//! lengths are powers of two of a quarter second, picked from the zoom so one thumbnail
//! covers about one tile, and nested, so a thumbnail made at one zoom is reused at the
//! others. A waveform ([`Peaks`]) is computed once per file; a file that grows (a recording
//! going on) has only its new sound read and appended.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

pub(in crate::ui) use crate::media::Peaks;
use crate::media::{MediaError, PixelRect, Quality, ScaleError, Scaler, VideoDecoder};
use crate::timeline::Time;

/// Height in pixels of a decoded thumbnail (drawn scaled to the track height).
const THUMB_HEIGHT: u32 = 72;
/// Thumbnail requests that may wait for the worker; more are asked again later.
const THUMB_QUEUE: usize = 48;
/// Waveform requests that may wait for the worker.
const WAVE_QUEUE: usize = 8;
/// Finished pictures that may wait for the UI before a worker blocks.
const RESULT_QUEUE: usize = 16;
/// Thumbnails kept as textures; the least recently drawn go first.
const MAX_THUMBS: usize = 1500;
/// Open decoders a thumbnail worker keeps (one per file).
const MAX_DECODERS: usize = 6;
/// The shortest thumbnail bucket; the others are this times a power of two.
const BASE_BUCKET: Time = Time::from_millis(250);

/// Which thumbnail: a file and a bucketed source time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ThumbKey {
    path: PathBuf,
    time: Time,
}

enum Thumb {
    /// Asked for; the worker has it.
    Pending,
    /// Drawn this frame number last.
    Ready {
        texture: egui::TextureHandle,
        used: u64,
    },
    /// The file could not give a picture; not asked again.
    Failed,
}

#[derive(Debug)]
enum Wave {
    Pending,
    Ready(Arc<Peaks>),
    Failed,
}

#[derive(Debug)]
struct ThumbJob {
    key: ThumbKey,
    generation: u64,
}

#[derive(Debug)]
struct WaveJob {
    path: PathBuf,
    duration: Time,
    /// The waveform of the file before it grew, to extend.
    grown_from: Option<Arc<Peaks>>,
}

/// Why a clip's thumbnail or waveform could not be made.
#[derive(Debug, thiserror::Error)]
enum ClipMediaError {
    /// The file could not be opened or decoded.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The picture could not be shrunk to a thumbnail.
    #[error(transparent)]
    Scale(#[from] ScaleError),
    /// The video says its pictures have no width or height.
    #[error("the video has no size")]
    NoSize,
    /// The file holds no sound to draw.
    #[error("{} has no sound", path.display())]
    NoSound { path: PathBuf },
}

/// What the workers send back.
enum Done {
    Thumb(ThumbKey, Result<egui::ColorImage, ClipMediaError>),
    /// The view moved on before the worker got to it; ask again if still needed.
    Skipped(ThumbKey),
    Wave(PathBuf, Result<Peaks, ClipMediaError>),
}

/// The cache of thumbnails and waveforms, and the handles of its two workers.
pub(in crate::ui) struct ClipMedia {
    thumb_jobs: SyncSender<ThumbJob>,
    wave_jobs: SyncSender<WaveJob>,
    results: Receiver<Done>,
    /// Bumped whenever the visible span changes; older thumbnail jobs are skipped.
    generation: Arc<AtomicU64>,
    /// Files that grew (a recording still going on): the thumbnail worker opens them
    /// afresh, so it sees their new end.
    grown: Arc<Mutex<HashSet<PathBuf>>>,
    thumbs: HashMap<ThumbKey, Thumb>,
    waves: HashMap<PathBuf, Wave>,
    /// The last waveform of a file that grew, drawn until its new one is made.
    stale_waves: HashMap<PathBuf, Arc<Peaks>>,
    /// The pass whose results were taken in last; also the clock of least-recently-used
    /// eviction.
    frame: u64,
    ctx: egui::Context,
}

impl std::fmt::Debug for ClipMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ClipMedia({} thumbnails, {} waveforms)",
            self.thumbs.len(),
            self.waves.len()
        )
    }
}

impl ClipMedia {
    /// Starts the workers; they end when this is dropped.
    pub(in crate::ui) fn new(ctx: &egui::Context) -> ClipMedia {
        let (thumb_jobs, thumb_rx) = sync_channel::<ThumbJob>(THUMB_QUEUE);
        let (wave_jobs, wave_rx) = sync_channel::<WaveJob>(WAVE_QUEUE);
        let (results_tx, results) = sync_channel(RESULT_QUEUE);
        let generation = Arc::new(AtomicU64::new(0));
        let grown = Arc::new(Mutex::new(HashSet::new()));
        {
            let tx = results_tx.clone();
            let ctx = ctx.clone();
            let generation = Arc::clone(&generation);
            let grown = Arc::clone(&grown);
            crate::ui::app::workers::spawn_worker("thumbnails", move || {
                thumbnail_worker(&thumb_rx, &tx, (&generation, &grown), &ctx);
            });
        }
        {
            let ctx = ctx.clone();
            crate::ui::app::workers::spawn_worker("waveforms", move || {
                while let Ok(job) = wave_rx.recv() {
                    let peaks = waveform(&job);
                    if results_tx.send(Done::Wave(job.path, peaks)).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                }
            });
        }
        ClipMedia {
            thumb_jobs,
            wave_jobs,
            results,
            generation,
            grown,
            thumbs: HashMap::new(),
            waves: HashMap::new(),
            stale_waves: HashMap::new(),
            frame: 0,
            ctx: ctx.clone(),
        }
    }

    /// Takes in what the workers finished, once a frame (later calls in the same frame do
    /// nothing), so whichever of the timeline and the bin draws first gets them.
    pub(in crate::ui) fn begin_frame(&mut self) {
        let pass = self.ctx.cumulative_pass_nr() + 1;
        if pass == self.frame {
            return;
        }
        self.frame = pass;
        while let Ok(done) = self.results.try_recv() {
            match done {
                Done::Thumb(key, Ok(image)) => {
                    let name = format!("thumb {} {}", key.path.display(), key.time.flicks());
                    let texture = self
                        .ctx
                        .load_texture(name, image, egui::TextureOptions::LINEAR);
                    self.thumbs.insert(
                        key,
                        Thumb::Ready {
                            texture,
                            used: self.frame,
                        },
                    );
                }
                Done::Thumb(key, Err(e)) => {
                    tracing::debug!("no thumbnail for {}: {e}", key.path.display());
                    self.thumbs.insert(key, Thumb::Failed);
                }
                Done::Skipped(key) => {
                    self.thumbs.remove(&key);
                }
                Done::Wave(path, Ok(peaks)) => {
                    self.stale_waves.remove(&path);
                    self.waves.insert(path, Wave::Ready(Arc::new(peaks)));
                }
                Done::Wave(path, Err(e)) => {
                    tracing::debug!("no waveform for {}: {e}", path.display());
                    self.waves.insert(path, Wave::Failed);
                }
            }
        }
        if self.thumbs.len() > MAX_THUMBS {
            self.evict();
        }
    }

    /// Says `path` grew (a recording still going on): its waveform is extended to the
    /// new length, pictures it could not give before are asked again, and the thumbnail
    /// worker reads it afresh.
    pub(in crate::ui) fn file_grew(&mut self, path: &Path) {
        if matches!(self.waves.get(path), Some(Wave::Ready(_) | Wave::Failed)) {
            // The old waveform is drawn until the new one is in.
            if let Some(Wave::Ready(peaks)) = self.waves.remove(path) {
                self.stale_waves.insert(path.to_owned(), peaks);
            }
        }
        self.thumbs
            .retain(|k, t| !(k.path == path && matches!(t, Thumb::Failed)));
        self.grown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned());
    }

    /// Says the visible span changed, so thumbnails asked for before are no longer urgent.
    pub(in crate::ui) fn view_changed(&mut self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Forgets the least recently drawn fifth of the thumbnails.
    fn evict(&mut self) {
        let mut used: Vec<u64> = self
            .thumbs
            .values()
            .filter_map(|t| match t {
                Thumb::Ready { used, .. } => Some(*used),
                _ => None,
            })
            .collect();
        used.sort_unstable();
        let Some(&cut) = used.get(used.len() / 5) else {
            return;
        };
        self.thumbs
            .retain(|_, t| !matches!(t, Thumb::Ready { used, .. } if *used <= cut));
    }

    /// The bucket length for thumbnails that each cover `seconds` of source.
    pub(in crate::ui) fn bucket_for(seconds: f64) -> Time {
        let mut bucket = BASE_BUCKET;
        while bucket.as_secs_f64() < seconds && bucket < Time::from_secs(4096) {
            bucket = bucket + bucket;
        }
        bucket
    }

    /// The thumbnail of `path` at source time `time` (rounded down to `bucket`), asking
    /// the worker for it if needed. While it is on its way, a ready thumbnail from a
    /// coarser bucket holding the same time stands in.
    pub(in crate::ui) fn thumbnail(
        &mut self,
        path: &Path,
        time: Time,
        bucket: Time,
    ) -> Option<egui::TextureId> {
        let key = ThumbKey {
            path: path.to_owned(),
            time: round_down(time, bucket),
        };
        match self.thumbs.get_mut(&key) {
            Some(Thumb::Ready { texture, used }) => {
                *used = self.frame;
                return Some(texture.id());
            }
            Some(Thumb::Failed) => return None,
            Some(Thumb::Pending) => {}
            None => {
                let job = ThumbJob {
                    key: key.clone(),
                    generation: self.generation.load(Ordering::Relaxed),
                };
                match self.thumb_jobs.try_send(job) {
                    Ok(()) => {
                        self.thumbs.insert(key, Thumb::Pending);
                    }
                    // Busy: the worker's next result wakes the UI, which asks again.
                    Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
                }
            }
        }
        let mut coarser = bucket;
        for _ in 0..6 {
            coarser = coarser + coarser;
            let key = ThumbKey {
                path: path.to_owned(),
                time: round_down(time, coarser),
            };
            if let Some(Thumb::Ready { texture, used }) = self.thumbs.get_mut(&key) {
                *used = self.frame;
                return Some(texture.id());
            }
        }
        None
    }

    /// The waveform of `path` (whose sound lasts `duration`), asking for it if needed.
    pub(in crate::ui) fn waveform(&mut self, path: &Path, duration: Time) -> Option<Arc<Peaks>> {
        match self.waves.get(path) {
            Some(Wave::Ready(peaks)) => Some(Arc::clone(peaks)),
            Some(Wave::Pending | Wave::Failed) => self.stale_waves.get(path).cloned(),
            None => {
                let job = WaveJob {
                    path: path.to_owned(),
                    duration,
                    grown_from: self.stale_waves.get(path).cloned(),
                };
                if self.wave_jobs.try_send(job).is_ok() {
                    self.waves.insert(path.to_owned(), Wave::Pending);
                }
                self.stale_waves.get(path).cloned()
            }
        }
    }

    /// True while a worker still has a picture to make for this cache.
    pub(in crate::ui) fn busy(&self) -> bool {
        self.thumbs.values().any(|t| matches!(t, Thumb::Pending))
            || self.waves.values().any(|w| matches!(w, Wave::Pending))
    }

    /// Thumbnails ready to draw and waveforms computed, for tests and the status line.
    pub(in crate::ui) fn counts(&self) -> (usize, usize) {
        let thumbs = self
            .thumbs
            .values()
            .filter(|t| matches!(t, Thumb::Ready { .. }))
            .count();
        let waves = self
            .waves
            .values()
            .filter(|w| matches!(w, Wave::Ready(_)))
            .count();
        (thumbs, waves)
    }
}

fn round_down(t: Time, bucket: Time) -> Time {
    let b = bucket.flicks().max(1);
    Time(t.flicks().max(0) / b * b)
}

/// Serves thumbnail jobs in order, skipping those the view has moved on from.
fn thumbnail_worker(
    jobs: &Receiver<ThumbJob>,
    results: &SyncSender<Done>,
    (generation, grown): (&AtomicU64, &Mutex<HashSet<PathBuf>>),
    ctx: &egui::Context,
) {
    let mut decoders: Vec<VideoDecoder> = Vec::new();
    let mut scaler = Scaler::new();
    while let Ok(job) = jobs.recv() {
        {
            let mut grown = grown.lock().unwrap_or_else(PoisonError::into_inner);
            if !grown.is_empty() {
                decoders.retain(|d| !grown.contains(d.path()));
                grown.clear();
            }
        }
        let done = if job.generation < generation.load(Ordering::Relaxed) {
            Done::Skipped(job.key)
        } else {
            let picture = thumbnail(&mut decoders, &mut scaler, &job.key);
            Done::Thumb(job.key, picture)
        };
        if results.send(done).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// Decodes one thumbnail, reusing an open decoder for the file when there is one.
fn thumbnail(
    decoders: &mut Vec<VideoDecoder>,
    scaler: &mut Scaler,
    key: &ThumbKey,
) -> Result<egui::ColorImage, ClipMediaError> {
    let index = match decoders.iter().position(|d| d.path() == key.path) {
        Some(i) => i,
        None => {
            if decoders.len() >= MAX_DECODERS {
                decoders.remove(0);
            }
            decoders.push(VideoDecoder::open(&key.path)?);
            decoders.len() - 1
        }
    };
    let decoder = &mut decoders[index];
    let (w, h) = decoder.display_size();
    if w == 0 || h == 0 {
        return Err(ClipMediaError::NoSize);
    }
    let height = THUMB_HEIGHT.min(h);
    let width = ((u64::from(w) * u64::from(height) / u64::from(h)) as u32).max(1);
    let frame = decoder.frame_at(key.time.flicks())?;
    let rgba = frame.to_rgba(PixelRect::full(w, h), width, height, Quality::Fast, scaler)?;
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        [rgba.width as usize, rgba.height as usize],
        &rgba.data,
    ))
}

/// The waveform a job asks for: the file's whole sound, or the sound it grew by appended
/// to the waveform it had.
fn waveform(job: &WaveJob) -> Result<Peaks, ClipMediaError> {
    let peaks = match &job.grown_from {
        Some(before) => before.extended(&job.path, job.duration)?,
        None => Peaks::read(&job.path, job.duration)?,
    };
    peaks.ok_or_else(|| ClipMediaError::NoSound {
        path: job.path.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_sound_gets_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-media.mp4");
        std::fs::write(&path, b"definitely not a video").unwrap();
        let job = WaveJob {
            path,
            duration: Time::from_secs(1),
            grown_from: None,
        };
        let error = waveform(&job).unwrap_err();
        assert!(error.to_string().contains("not-media.mp4"), "{error}");
    }

    #[test]
    fn thumbnail_buckets_grow_in_powers_of_two_with_the_span() {
        assert_eq!(ClipMedia::bucket_for(0.1), Time::from_millis(250));
        assert_eq!(ClipMedia::bucket_for(0.3), Time::from_millis(500));
        assert_eq!(ClipMedia::bucket_for(3.0), Time::from_secs(4));
        assert_eq!(
            round_down(Time::from_millis(5300), Time::from_secs(2)),
            Time::from_secs(4)
        );
    }
}
