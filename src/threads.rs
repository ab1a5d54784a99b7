//! Background work yields to the person: threads that make proxies, thumbnails, waveforms,
//! transcripts or an export from the app run at a lower priority than the UI thread, the
//! preview and playback, so a click shows at once on a busy machine. The threads such work
//! starts (FFmpeg's encoder and decoder threads, an export's pipeline) inherit it.

/// Lowers the calling thread's priority (nice 10 on Linux, "below normal" on Windows). On
/// other systems, and where the system refuses, the thread keeps its priority (logged).
pub fn lower_this_thread() {
    if let Err(e) = lower() {
        tracing::debug!("a background thread keeps its priority: {e}");
    }
}

/// Starts `job` on a thread named `clipwright-NAME` at background priority.
pub fn spawn_background(
    name: &str,
    job: impl FnOnce() + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("clipwright-{name}"))
        .spawn(move || {
            lower_this_thread();
            job();
        })
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn lower() -> std::io::Result<()> {
    // SAFETY: gettid and setpriority only read their integer arguments. On Linux the nice
    // value belongs to the thread, so this changes this thread alone.
    let result = unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10)
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(windows)]
#[allow(unsafe_code)]
fn lower() -> std::io::Result<()> {
    use windows_sys::Win32::System::Threading::{
        GetCurrentThread, SetThreadPriority, THREAD_PRIORITY_BELOW_NORMAL,
    };
    // SAFETY: GetCurrentThread returns a pseudo-handle for this thread that needs no
    // closing; SetThreadPriority only reads its arguments.
    let ok = unsafe { SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL) };
    if ok != 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
fn lower() -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "thread priorities are left to the system here",
    ))
}

#[cfg(all(test, target_os = "linux"))]
#[allow(clippy::unwrap_used)]
mod tests {
    /// This thread's nice value, read from /proc.
    fn nice_of_this_thread() -> i64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        // Fields after the command name (which may hold spaces) start after its ')'.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[test]
    fn a_background_thread_runs_at_a_lower_priority_than_its_starter() {
        let mine = nice_of_this_thread();
        let theirs = super::spawn_background("test", move || {
            let nice = nice_of_this_thread();
            // A thread it starts inherits the priority.
            let child = std::thread::spawn(nice_of_this_thread).join().unwrap();
            assert_eq!(child, nice);
            assert!(nice > mine.min(9), "nice {nice} after {mine}");
        })
        .unwrap();
        theirs.join().unwrap();
        assert_eq!(
            nice_of_this_thread(),
            mine,
            "the calling thread is unchanged"
        );
    }
}
