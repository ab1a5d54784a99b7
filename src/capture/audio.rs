//! A sound track of a recording: reads a capture device, places each chunk at the sample
//! position its capture time says, and encodes it. Stamping by position on the shared
//! clock keeps sound and picture in step: small drift between the device's clock and the
//! recording's is steered away by resampling chunks a sample longer or shorter
//! ([`super::drift`]); only a gap or overlap beyond a few tens of milliseconds (a device
//! that stalled) is fixed at once by padding silence or skipping samples.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::drift::{stretch, Steer};
use super::sound::SoundInput;
use super::stats::{queue, Stats};
use super::CaptureError;
use crate::media::{AudioChunk, AudioEncoder, EncodedPacket};

/// How far a chunk may sit from where its timestamp says before we correct it, in µs.
pub(crate) const TOLERANCE_US: i64 = 40_000;

/// Where a chunk of `frames` sample frames captured at sample position `pos` goes when
/// `written` frames are already in the track: `(silence to add first, frames to skip)`.
/// The first chunk is placed exactly; later ones run on unless they are off by more than
/// `tolerance` frames.
pub(crate) fn align(pos: i64, written: i64, frames: i64, tolerance: i64) -> (i64, i64) {
    let tolerance = if written == 0 { 0 } else { tolerance };
    let diff = pos - written;
    if diff > tolerance {
        (diff, 0)
    } else if diff < -tolerance {
        (0, (-diff).min(frames))
    } else {
        (0, 0)
    }
}

/// One sound track being recorded.
pub(crate) struct AudioTrack {
    pub(crate) input: Box<dyn SoundInput>,
    pub(crate) encoder: AudioEncoder,
    /// 0 for system sound, 1 for the microphone (the slot in the stats).
    pub(crate) slot: usize,
}

pub(crate) struct AudioShared {
    pub(crate) clock: Arc<Clock>,
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) stats: Arc<Stats>,
    /// Recorded length once the picture has ended, in µs (-1 before).
    pub(crate) final_us: Arc<AtomicI64>,
    pub(crate) limit_us: Option<i64>,
}

fn send(
    tx: &SyncSender<EncodedPacket>,
    stats: &Stats,
    packets: Vec<EncodedPacket>,
) -> Result<(), CaptureError> {
    for p in packets {
        queue(&stats.mux_queue, true);
        tx.send(p)
            .map_err(|_| CaptureError::Thread("file writer"))?;
    }
    Ok(())
}

/// Runs the track until the recording stops, then pads it to the picture's length.
pub(crate) fn run(
    mut track: AudioTrack,
    shared: &AudioShared,
    tx: &SyncSender<EncodedPacket>,
) -> Result<(), CaptureError> {
    let stats = &shared.stats;
    let mut rate = i64::from(track.input.rate());
    let mut steer = Steer::new();
    while !shared.stop.load(Ordering::Relaxed) {
        // Nothing came (a loopback device while nothing plays): the next chunk's place
        // pads the gap with silence, and so does the end.
        let Some(timed) = track.input.read()? else {
            continue;
        };
        let captured_at = Instant::now()
            .checked_sub(Duration::from_micros(timed.age_us.unsigned_abs()))
            .unwrap_or_else(Instant::now);
        let Some(t_us) = shared.clock.media_time(captured_at) else {
            continue; // paused
        };
        if shared.clock.is_paused() {
            continue;
        }
        rate = i64::from(timed.chunk.rate);
        let frames = timed.chunk.frames() as i64;
        let pos = t_us * rate / 1_000_000;
        let written = track.encoder.samples_in();
        let (mut pad, skip) = align(pos, written, frames, TOLERANCE_US * rate / 1_000_000);
        let mut take = frames - skip;
        if let Some(limit) = shared.limit_us.map(|l| l * rate / 1_000_000) {
            pad = pad.min(limit - written).max(0);
            take = take.min(limit - written - pad).max(0);
        }
        let placed_at = written + pad - skip;
        shared
            .stats
            .audio_offset_us
            .store((placed_at - pos) * 1_000_000 / rate, Ordering::Relaxed);
        shared.stats.audio_peak[track.slot.min(1)]
            .store(u64::from(timed.chunk.peak()), Ordering::Relaxed);
        let mut chunk = timed.chunk;
        if pad > 0 || skip > 0 {
            steer.reset();
        } else if take == frames {
            let extra = steer.adjust(placed_at - pos, frames, rate);
            if extra != 0 {
                let channels = usize::from(chunk.channels.max(1));
                chunk = AudioChunk {
                    samples: stretch(&chunk.samples, channels, (frames + extra) as usize),
                    ..chunk
                };
                take = frames + extra;
                if let Some(limit) = shared.limit_us.map(|l| l * rate / 1_000_000) {
                    take = take.min(limit - written).max(0);
                }
            }
        }
        if pad > 0 {
            send(tx, stats, track.encoder.push_silence(pad as usize)?)?;
        }
        if take > 0 {
            send(
                tx,
                stats,
                track.encoder.push(&chunk, skip as usize, take as usize)?,
            )?;
        }
    }
    // Wait (briefly) for the picture's final length and end the sound there too.
    let waited = Instant::now();
    let mut end_us = shared.final_us.load(Ordering::Acquire);
    while end_us < 0 && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
        end_us = shared.final_us.load(Ordering::Acquire);
    }
    let target = end_us.max(0) * rate / 1_000_000;
    let short = target - track.encoder.samples_in();
    if short > 0 {
        send(tx, stats, track.encoder.push_silence(short as usize)?)?;
    }
    send(tx, stats, track.encoder.finish()?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::sound::FakeSoundInput;

    #[test]
    fn a_fake_inputs_tone_is_encoded_and_the_track_ends_with_the_picture() {
        let clock = Arc::new(Clock::new());
        clock.start(Instant::now());
        let stop = Arc::new(AtomicBool::new(false));
        let final_us = Arc::new(AtomicI64::new(-1));
        let stats = Arc::new(Stats::new());
        let shared = AudioShared {
            clock,
            stop: Arc::clone(&stop),
            stats: Arc::clone(&stats),
            final_us: Arc::clone(&final_us),
            limit_us: None,
        };
        let track = AudioTrack {
            input: Box::new(FakeSoundInput::tone(440.0)),
            encoder: AudioEncoder::open(48_000, 2, 0).unwrap(),
            slot: 0,
        };
        let (tx, packets) = std::sync::mpsc::sync_channel(4096);
        let worker = std::thread::spawn(move || run(track, &shared, &tx));
        // Some sound arrives: the first packets come out of the encoder.
        let first = packets.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(first.track, 0);
        assert!(
            stats.audio_peak[0].load(Ordering::Relaxed) > 0,
            "the tone's level"
        );
        // The picture ended at 1.5 s: the sound stops and is made exactly as long.
        stop.store(true, Ordering::Relaxed);
        final_us.store(1_500_000, Ordering::Release);
        worker.join().unwrap().unwrap();
        let mut samples = first.packet.duration();
        while let Ok(p) = packets.try_recv() {
            samples += p.packet.duration();
        }
        // In AAC packets of 1024 samples: the encoder's priming and the last, partial
        // packet may add up to two packets' worth.
        assert!(
            (72_000..=72_000 + 2 * 1024).contains(&samples),
            "{samples} samples for 1.5 s"
        );
    }

    #[test]
    fn the_first_chunk_is_placed_exactly_padding_or_trimming() {
        assert_eq!(align(4800, 0, 960, 1920), (4800, 0));
        assert_eq!(align(-100, 0, 960, 1920), (0, 100));
        assert_eq!(align(-5000, 0, 960, 1920), (0, 960));
    }

    #[test]
    fn later_chunks_run_on_within_the_tolerance() {
        assert_eq!(align(10_000 + 500, 10_000, 960, 1920), (0, 0));
        assert_eq!(align(10_000 - 500, 10_000, 960, 1920), (0, 0));
    }

    #[test]
    fn a_gap_beyond_the_tolerance_is_filled_with_silence() {
        assert_eq!(align(20_000, 10_000, 960, 1920), (10_000, 0));
    }

    #[test]
    fn an_overlap_beyond_the_tolerance_is_skipped() {
        assert_eq!(align(7_000, 10_000, 960, 1920), (0, 960));
    }
}
