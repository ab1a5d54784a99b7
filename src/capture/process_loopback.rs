//! One program's sound on Windows: WASAPI process loopback
//! (`AUDIOCLIENT_ACTIVATION_TYPE_PROCESS_LOOPBACK`, including the process tree) of the
//! window's process, through the `wasapi` crate. Windows 10 build 20348 and later; older
//! systems fail to activate it, and the recorder falls back to the whole system sound.
//!
//! The COM client lives on a capture thread of its own, which converts what it reads to
//! 16-bit stereo and hands it over a small bounded channel, stamped with when it was read,
//! like [`super::cpal_sound`]. Nothing is delivered while the program is silent; the sound
//! thread pads the gap.
//!
//! Compiled only on Windows; it cannot run on the Linux test machine (type-checked and
//! linted there by `scripts/check-windows.sh`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::sound::SoundInput;
use super::sound_chunk::{from_f32, hand_over, length, receive, to_stereo, Stamped};
use super::CaptureError;
use crate::media::TimedChunk;

/// Samples per second asked of the loopback (it converts to it).
const RATE: u32 = 48_000;
/// Chunks waiting for the sound thread (about a second of 10 ms packets).
const QUEUE: usize = 100;
/// How long [`SoundInput::read`] waits before reporting that nothing came.
const WAIT: Duration = Duration::from_millis(50);

/// The sound of one process tree.
pub(crate) struct ProcessLoopback {
    rx: Receiver<Stamped>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    pid: u32,
}

fn err(pid: u32, detail: impl std::fmt::Display) -> CaptureError {
    CaptureError::SoundDevice {
        device: format!("the sound of process {pid}"),
        detail: detail.to_string(),
    }
}

impl ProcessLoopback {
    /// Starts capturing what process `pid` and its children play; fails (with why) where
    /// process loopback cannot be activated.
    pub(crate) fn open(pid: u32) -> Result<ProcessLoopback, CaptureError> {
        let (tx, rx) = sync_channel(QUEUE);
        let (ready_tx, ready_rx) = sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("rec-process-sound".into())
            .spawn(move || {
                if let Err(e) = capture(pid, &tx, &ready_tx, &flag) {
                    tracing::warn!("the sound of process {pid} stopped: {e}");
                    let _ = ready_tx.try_send(Err(e));
                }
            })
            .map_err(|e| err(pid, e))?;
        match ready_rx.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(())) => Ok(ProcessLoopback {
                rx,
                stop,
                thread: Some(thread),
                pid,
            }),
            Ok(Err(detail)) => Err(err(pid, detail)),
            Err(_) => {
                stop.store(true, Ordering::Relaxed);
                Err(err(pid, "process loopback did not start within 5 s"))
            }
        }
    }
}

/// Runs on the capture thread until `stop`: activates the loopback, reports readiness,
/// then reads packets as the device signals them.
fn capture(
    pid: u32,
    tx: &SyncSender<Stamped>,
    ready: &SyncSender<Result<(), String>>,
    stop: &AtomicBool,
) -> Result<(), String> {
    let _ = wasapi::initialize_mta();
    let format =
        wasapi::WaveFormat::new(32, 32, &wasapi::SampleType::Float, RATE as usize, 2, None);
    let block = format.get_blockalign() as usize;
    let mut client = wasapi::AudioClient::new_application_loopback_client(pid, true)
        .map_err(|e| e.to_string())?;
    let mode = wasapi::StreamMode::EventsShared {
        autoconvert: true,
        buffer_duration_hns: 0,
    };
    client
        .initialize_client(&format, &wasapi::Direction::Capture, &mode)
        .map_err(|e| e.to_string())?;
    let event = client.set_get_eventhandle().map_err(|e| e.to_string())?;
    let capture = client.get_audiocaptureclient().map_err(|e| e.to_string())?;
    client.start_stream().map_err(|e| e.to_string())?;
    let _ = ready.try_send(Ok(()));
    let mut queue: VecDeque<u8> = VecDeque::new();
    while !stop.load(Ordering::Relaxed) {
        // A silent program signals nothing: wake now and then to see the stop flag.
        if event.wait_for_event(100).is_err() {
            continue;
        }
        if capture
            .get_next_packet_size()
            .map_err(|e| e.to_string())?
            .unwrap_or(0)
            == 0
        {
            continue;
        }
        capture
            .read_from_device_to_deque(&mut queue)
            .map_err(|e| e.to_string())?;
        let whole = queue.len() / block * block;
        let bytes: Vec<u8> = queue.drain(..whole).collect();
        let floats: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let frames = floats.len() / 2;
        // The packet ends about now: its first sample is that much older.
        if hand_over(
            tx,
            RATE,
            to_stereo(&floats, 2, from_f32),
            length(frames, RATE),
        )
        .is_err()
        {
            break;
        }
    }
    client.stop_stream().map_err(|e| e.to_string())?;
    Ok(())
}

impl SoundInput for ProcessLoopback {
    fn rate(&self) -> u32 {
        RATE
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        receive(&self.rx, WAIT).map_err(|_| err(self.pid, "the capture stopped delivering sound"))
    }
}

impl Drop for ProcessLoopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
