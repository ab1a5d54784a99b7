//! One program's sound on macOS 14.4 and later: a Core Audio process tap
//! (`CATapDescription`, `AudioHardwareCreateProcessTap`) of the window's process tree,
//! read through a private aggregate device whose only input is the tap. The tap leaves
//! the program audible (`CATapUnmuted`); nothing else the computer plays is recorded.
//!
//! Core Audio knows programs as "process objects", one per process that has opened sound.
//! The tap lists the process objects of the window's process tree ([`super::process_tree`],
//! read from `libproc` here); a program that opens its sound later (a browser's audio
//! process starting with the stream) is followed by re-listing them now and then and
//! updating the tap's description in place. Until then the tap delivers silence.
//!
//! The aggregate device calls an IO block on Core Audio's own thread; it converts what
//! arrives to 16-bit stereo and hands it over a small bounded channel, stamped with when it
//! was read, like [`super::cpal_sound`].
//!
//! Compiled only on macOS. It cannot run on the Linux test machine, and the whole crate
//! cannot be type-checked for macOS there (build scripts need Apple's SDK); this file is
//! type-checked and linted alone against the Core Audio bindings by
//! `scripts/check-macos-sound.sh`.

// Core Audio and libproc are C interfaces: every call below is FFI, each with its SAFETY.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::{Duration, Instant};

use block2::RcBlock;
use objc2::rc::Retained;
use objc2::runtime::AnyObject;
use objc2::AllocAnyThread;
use objc2_core_audio::{
    kAudioAggregateDeviceIsPrivateKey, kAudioAggregateDeviceNameKey,
    kAudioAggregateDeviceTapAutoStartKey, kAudioAggregateDeviceTapListKey,
    kAudioAggregateDeviceUIDKey, kAudioHardwarePropertyProcessObjectList,
    kAudioObjectPropertyElementMain, kAudioObjectPropertyScopeGlobal, kAudioObjectSystemObject,
    kAudioProcessPropertyPID, kAudioSubTapUIDKey, kAudioTapPropertyDescription,
    kAudioTapPropertyFormat, AudioDeviceCreateIOProcIDWithBlock, AudioDeviceDestroyIOProcID,
    AudioDeviceIOProcID, AudioDeviceStart, AudioDeviceStop, AudioHardwareCreateAggregateDevice,
    AudioHardwareCreateProcessTap, AudioHardwareDestroyAggregateDevice,
    AudioHardwareDestroyProcessTap, AudioObjectGetPropertyData, AudioObjectGetPropertyDataSize,
    AudioObjectID, AudioObjectPropertyAddress, AudioObjectPropertySelector,
    AudioObjectSetPropertyData, CATapDescription, CATapMuteBehavior,
};
use objc2_core_audio_types::{AudioBufferList, AudioStreamBasicDescription, AudioTimeStamp};
use objc2_core_foundation::CFDictionary;
use objc2_foundation::{NSArray, NSDictionary, NSNumber, NSString};

use super::process_tree;
use super::sound::SoundInput;
use super::sound_chunk::{from_f32, hand_over, length, receive, to_stereo, Stamped};
use super::CaptureError;
use crate::media::TimedChunk;

/// Chunks waiting for the sound thread (about a second of 10 ms buffers).
const QUEUE: usize = 100;
/// How long [`SoundInput::read`] waits before reporting that nothing came.
const WAIT: Duration = Duration::from_millis(50);
/// How often the program's process objects are listed again, to follow new ones.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

fn err(pid: u32, detail: impl std::fmt::Display) -> CaptureError {
    CaptureError::SoundDevice {
        device: format!("the sound of process {pid}"),
        detail: detail.to_string(),
    }
}

/// An OSStatus as an error unless it is `noErr`.
fn check(pid: u32, what: &str, status: i32) -> Result<(), CaptureError> {
    if status == 0 {
        Ok(())
    } else {
        Err(err(pid, format!("{what} failed (OSStatus {status})")))
    }
}

fn address(selector: AudioObjectPropertySelector) -> AudioObjectPropertyAddress {
    AudioObjectPropertyAddress {
        mSelector: selector,
        mScope: kAudioObjectPropertyScopeGlobal,
        mElement: kAudioObjectPropertyElementMain,
    }
}

/// Reads a property of `object` made of plain values of type `T` (an array of them);
/// `zero` fills the buffer first.
fn read_property<T: Copy>(
    object: AudioObjectID,
    selector: AudioObjectPropertySelector,
    zero: T,
) -> Result<Vec<T>, i32> {
    let mut addr = address(selector);
    let mut size: u32 = 0;
    // SAFETY: `addr` and `size` are valid for the call; no qualifier is passed.
    let status = unsafe {
        AudioObjectGetPropertyDataSize(
            object,
            NonNull::from(&mut addr),
            0,
            std::ptr::null(),
            NonNull::from(&mut size),
        )
    };
    if status != 0 {
        return Err(status);
    }
    let count = size as usize / std::mem::size_of::<T>();
    let mut out = vec![zero; count];
    if count == 0 {
        return Ok(out);
    }
    // SAFETY: `out` holds `size` bytes of `T`s, which is what the property is made of.
    let status = unsafe {
        AudioObjectGetPropertyData(
            object,
            NonNull::from(&mut addr),
            0,
            std::ptr::null(),
            NonNull::from(&mut size),
            NonNull::new_unchecked(out.as_mut_ptr().cast::<c_void>()),
        )
    };
    if status != 0 {
        return Err(status);
    }
    out.truncate(size as usize / std::mem::size_of::<T>());
    Ok(out)
}

/// The running processes, from `libproc`: id, parent and short name.
fn read_processes() -> Vec<process_tree::Process> {
    // SAFETY: a null buffer asks for the number of processes only.
    let n = unsafe { libc::proc_listallpids(std::ptr::null_mut(), 0) };
    let Ok(n) = usize::try_from(n) else {
        return Vec::new();
    };
    // Room for processes started since.
    let mut pids: Vec<libc::c_int> = vec![0; n + 64];
    let bytes = libc::c_int::try_from(std::mem::size_of_val(pids.as_slice())).unwrap_or(0);
    // SAFETY: `pids` holds `bytes` bytes of `c_int`s.
    let got = unsafe { libc::proc_listallpids(pids.as_mut_ptr().cast::<c_void>(), bytes) };
    pids.truncate(usize::try_from(got).unwrap_or(0));
    pids.into_iter()
        .filter_map(|pid| {
            // SAFETY: `proc_bsdinfo` is plain data; all zeroes is a valid value.
            let mut info: libc::proc_bsdinfo = unsafe { std::mem::zeroed() };
            let size = libc::c_int::try_from(std::mem::size_of::<libc::proc_bsdinfo>()).ok()?;
            // SAFETY: `info` is `size` bytes, the size PROC_PIDTBSDINFO fills.
            let filled = unsafe {
                libc::proc_pidinfo(
                    pid,
                    libc::PROC_PIDTBSDINFO,
                    0,
                    (&mut info as *mut libc::proc_bsdinfo).cast::<c_void>(),
                    size,
                )
            };
            if filled != size {
                return None;
            }
            let name: Vec<u8> = info
                .pbi_comm
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            Some(process_tree::Process {
                pid: u32::try_from(pid).ok()?,
                ppid: info.pbi_ppid,
                name: String::from_utf8_lossy(&name).into_owned(),
            })
        })
        .collect()
}

/// The Core Audio process objects of `pid`'s program (its process tree), sorted.
fn process_objects(pid: u32) -> Result<Vec<AudioObjectID>, CaptureError> {
    let tree = process_tree::tree(pid, &read_processes());
    let all: Vec<AudioObjectID> = read_property(
        kAudioObjectSystemObject as AudioObjectID,
        kAudioHardwarePropertyProcessObjectList,
        0,
    )
    .map_err(|s| {
        err(
            pid,
            format!("listing the programs that play sound (OSStatus {s})"),
        )
    })?;
    let mut ours: Vec<AudioObjectID> = all
        .into_iter()
        .filter(|&object| {
            read_property::<libc::pid_t>(object, kAudioProcessPropertyPID, 0)
                .ok()
                .and_then(|p| p.first().copied())
                .and_then(|p| u32::try_from(p).ok())
                .is_some_and(|p| tree.contains(&p))
        })
        .collect();
    ours.sort_unstable();
    Ok(ours)
}

fn number_array(objects: &[AudioObjectID]) -> Retained<NSArray<NSNumber>> {
    let numbers: Vec<Retained<NSNumber>> = objects
        .iter()
        .map(|&o| NSNumber::numberWithUnsignedInt(o))
        .collect();
    NSArray::from_retained_slice(&numbers)
}

/// The window's owner process for a CoreGraphics window number, where the window server
/// says.
pub(crate) fn window_pid(window: u32) -> Option<u32> {
    use objc2_core_graphics::{kCGWindowOwnerPID, CGWindowListCopyWindowInfo, CGWindowListOption};
    let list = CGWindowListCopyWindowInfo(CGWindowListOption::OptionIncludingWindow, window)?;
    // SAFETY: CFArray and NSArray are toll-free bridged; the list holds dictionaries
    // keyed by strings, as CGWindowListCopyWindowInfo documents.
    let list: &NSArray<NSDictionary<NSString, AnyObject>> = unsafe {
        &*(objc2_core_foundation::CFRetained::as_ptr(&list)
            .as_ptr()
            .cast())
    };
    // SAFETY: kCGWindowOwnerPID is a constant CFString, bridged to NSString.
    let key: &NSString = unsafe { &*(kCGWindowOwnerPID as *const _ as *const NSString) };
    let info = list.firstObject()?;
    let pid = info.objectForKey(key)?.downcast::<NSNumber>().ok()?;
    u32::try_from(pid.intValue()).ok()
}

/// What the IO block needs to convert Core Audio's buffers.
#[derive(Clone, Copy)]
struct Format {
    rate: u32,
    channels: usize,
}

/// The sound of one program, tapped.
pub(crate) struct ProcessTap {
    rx: Receiver<Stamped>,
    pid: u32,
    rate: u32,
    tap: AudioObjectID,
    description: Retained<CATapDescription>,
    objects: Vec<AudioObjectID>,
    device: AudioObjectID,
    io_proc: AudioDeviceIOProcID,
    // Kept alive while Core Audio may call it.
    _block: IoBlock,
    followed_at: Instant,
}

// SAFETY: the Objective-C description is only used from the thread that owns the
// `ProcessTap` (the recording's sound thread); Core Audio objects are plain ids.
unsafe impl Send for ProcessTap {}

impl ProcessTap {
    /// Starts tapping what process `pid` and its tree play; fails (with why) before macOS
    /// 14.4, or without the permission to record system audio.
    pub(crate) fn open(pid: u32) -> Result<ProcessTap, CaptureError> {
        let objects = process_objects(pid)?;
        // SAFETY: the array holds process object ids as NSNumbers, as the method wants.
        let description = unsafe {
            CATapDescription::initStereoMixdownOfProcesses(
                CATapDescription::alloc(),
                &number_array(&objects),
            )
        };
        // SAFETY: plain setters on a description we own.
        unsafe {
            description.setPrivate(true);
            description.setMuteBehavior(CATapMuteBehavior::Unmuted);
        }
        let mut tap: AudioObjectID = 0;
        // SAFETY: `description` is a valid tap description, `tap` receives the id.
        let status = unsafe { AudioHardwareCreateProcessTap(Some(&description), &mut tap) };
        check(
            pid,
            "creating the process tap (macOS 14.4 or later)",
            status,
        )?;
        match Self::with_tap(pid, tap, description, objects) {
            Ok(t) => Ok(t),
            Err(e) => {
                // SAFETY: the tap was created above and nothing uses it now.
                unsafe { AudioHardwareDestroyProcessTap(tap) };
                Err(e)
            }
        }
    }

    fn with_tap(
        pid: u32,
        tap: AudioObjectID,
        description: Retained<CATapDescription>,
        objects: Vec<AudioObjectID>,
    ) -> Result<ProcessTap, CaptureError> {
        let zero = AudioStreamBasicDescription {
            mSampleRate: 0.0,
            mFormatID: 0,
            mFormatFlags: 0,
            mBytesPerPacket: 0,
            mFramesPerPacket: 0,
            mBytesPerFrame: 0,
            mChannelsPerFrame: 0,
            mBitsPerChannel: 0,
            mReserved: 0,
        };
        let format = read_property(tap, kAudioTapPropertyFormat, zero)
            .ok()
            .and_then(|f| f.first().copied())
            .ok_or_else(|| err(pid, "the tap has no sound format"))?;
        let format = Format {
            rate: format.mSampleRate.round() as u32,
            channels: format.mChannelsPerFrame.max(1) as usize,
        };
        // SAFETY: the description's UUID is set at creation.
        let tap_uid = unsafe { description.UUID() }.UUIDString();
        let device = create_aggregate(pid, &tap_uid)?;
        let (tx, rx) = sync_channel(QUEUE);
        let block = io_block(tx, format);
        let mut io_proc: AudioDeviceIOProcID = None;
        // SAFETY: `device` is our aggregate device; the block lives in the returned
        // `ProcessTap` until the IO proc is destroyed in `drop`.
        let status = unsafe {
            AudioDeviceCreateIOProcIDWithBlock(
                NonNull::from(&mut io_proc),
                device,
                None,
                RcBlock::as_ptr(&block),
            )
        };
        let started = check(pid, "adding the tap's reader", status).and_then(|()| {
            // SAFETY: the IO proc was just created on `device`.
            let status = unsafe { AudioDeviceStart(device, io_proc) };
            check(pid, "starting the tap", status)
        });
        if let Err(e) = started {
            // SAFETY: undoing what was made above; nothing else holds it.
            unsafe {
                if io_proc.is_some() {
                    AudioDeviceDestroyIOProcID(device, io_proc);
                }
                AudioHardwareDestroyAggregateDevice(device);
            }
            return Err(e);
        }
        tracing::info!(
            "recording the sound of process {pid} through a process tap ({} sound processes)",
            objects.len()
        );
        Ok(ProcessTap {
            rx,
            pid,
            rate: format.rate,
            tap,
            description,
            objects,
            device,
            io_proc,
            _block: block,
            followed_at: Instant::now(),
        })
    }

    /// Adds the program's process objects that appeared since (a browser's audio process
    /// starts with the first sound) to the tap, in place.
    fn follow(&mut self) {
        let Ok(now) = process_objects(self.pid) else {
            return;
        };
        if now == self.objects {
            return;
        }
        // SAFETY: setting the processes of our own description, then handing Core Audio
        // a pointer to it: the tap copies what it needs.
        let status = unsafe {
            self.description.setProcesses(&number_array(&now));
            let mut addr = address(kAudioTapPropertyDescription);
            let mut pointer: *const CATapDescription = Retained::as_ptr(&self.description);
            AudioObjectSetPropertyData(
                self.tap,
                NonNull::from(&mut addr),
                0,
                std::ptr::null(),
                std::mem::size_of::<*const CATapDescription>() as u32,
                NonNull::from(&mut pointer).cast::<c_void>(),
            )
        };
        if status == 0 {
            tracing::info!(
                "following the sound of process {}: {} sound processes now",
                self.pid,
                now.len()
            );
            self.objects = now;
        } else {
            tracing::warn!("cannot update the process tap (OSStatus {status})");
        }
    }
}

/// A private aggregate device whose only input is the tap `tap_uid`.
fn create_aggregate(pid: u32, tap_uid: &NSString) -> Result<AudioObjectID, CaptureError> {
    let key = |k: &std::ffi::CStr| NSString::from_str(&k.to_string_lossy());
    let sub_tap: Retained<NSDictionary<NSString, AnyObject>> = NSDictionary::from_slices(
        &[&*key(kAudioSubTapUIDKey)],
        &[tap_uid.as_ref() as &AnyObject],
    );
    let taps = NSArray::from_retained_slice(&[sub_tap]);
    let uid = NSString::from_str(&format!("org.clipwright.tap.{}", std::process::id()));
    let name = NSString::from_str("Clipwright window sound");
    let yes = NSNumber::numberWithBool(true);
    let keys = [
        key(kAudioAggregateDeviceUIDKey),
        key(kAudioAggregateDeviceNameKey),
        key(kAudioAggregateDeviceIsPrivateKey),
        key(kAudioAggregateDeviceTapListKey),
        key(kAudioAggregateDeviceTapAutoStartKey),
    ];
    let values: [&AnyObject; 5] = [
        uid.as_ref(),
        name.as_ref(),
        yes.as_ref(),
        taps.as_ref(),
        yes.as_ref(),
    ];
    let keys: Vec<&NSString> = keys.iter().map(|k| &**k).collect();
    let description: Retained<NSDictionary<NSString, AnyObject>> =
        NSDictionary::from_slices(&keys, &values);
    // SAFETY: NSDictionary and CFDictionary are toll-free bridged.
    let cf: &CFDictionary = unsafe { &*(Retained::as_ptr(&description).cast::<CFDictionary>()) };
    let mut device: AudioObjectID = 0;
    // SAFETY: `cf` is a valid aggregate device description; `device` receives the id.
    let status = unsafe { AudioHardwareCreateAggregateDevice(cf, NonNull::from(&mut device)) };
    check(pid, "creating the tap's aggregate device", status)?;
    Ok(device)
}

type IoBlock = RcBlock<
    dyn Fn(
        NonNull<AudioTimeStamp>,
        NonNull<AudioBufferList>,
        NonNull<AudioTimeStamp>,
        NonNull<AudioBufferList>,
        NonNull<AudioTimeStamp>,
    ),
>;

/// The block Core Audio calls with each input buffer: float samples, interleaved.
fn io_block(tx: SyncSender<Stamped>, format: Format) -> IoBlock {
    RcBlock::new(
        move |_now: NonNull<AudioTimeStamp>,
              input: NonNull<AudioBufferList>,
              _input_time: NonNull<AudioTimeStamp>,
              _output: NonNull<AudioBufferList>,
              _output_time: NonNull<AudioTimeStamp>| {
            // SAFETY: Core Audio passes a valid buffer list for the duration of the call;
            // the tap's format is interleaved 32-bit float.
            let floats: &[f32] = unsafe {
                let list = input.as_ref();
                if list.mNumberBuffers == 0 {
                    return;
                }
                let buffer = list.mBuffers[0];
                if buffer.mData.is_null() {
                    return;
                }
                std::slice::from_raw_parts(
                    buffer.mData.cast::<f32>(),
                    buffer.mDataByteSize as usize / std::mem::size_of::<f32>(),
                )
            };
            let frames = floats.len() / format.channels;
            if frames == 0 {
                return;
            }
            // The buffer ends about now: its first sample is that much older. A hung-up
            // sound thread stops the device when the tap is dropped.
            let samples = to_stereo(floats, format.channels, from_f32);
            let _ = hand_over(&tx, format.rate, samples, length(frames, format.rate));
        },
    )
}

impl SoundInput for ProcessTap {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        if self.followed_at.elapsed() >= FOLLOW_EVERY {
            self.followed_at = Instant::now();
            self.follow();
        }
        // Nothing comes while the program is silent; the sound thread pads the gap.
        receive(&self.rx, WAIT).map_err(|_| err(self.pid, "the tap stopped delivering sound"))
    }
}

impl Drop for ProcessTap {
    fn drop(&mut self) {
        // SAFETY: stopping and destroying what `open` made, in reverse order; Core Audio
        // calls the block no more once the IO proc is destroyed.
        unsafe {
            AudioDeviceStop(self.device, self.io_proc);
            AudioDeviceDestroyIOProcID(self.device, self.io_proc);
            AudioHardwareDestroyAggregateDevice(self.device);
            AudioHardwareDestroyProcessTap(self.tap);
        }
    }
}
