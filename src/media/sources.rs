//! What the process has learnt about each source file: its [`SourceIndex`] and its preview
//! proxy, each made once on a background worker and then shared by every decoder.
//!
//! Importing a file (or a preview opening it) calls [`prepare`]; a worker scans the file's
//! packets for the index while another makes the proxy (see [`super::proxy`]) in the folder
//! given to [`set_proxy_dir`] — no folder, no proxies. Decoders ask [`index_of`] and the
//! preview asks [`proxy_of`]; both answer at once, with `None` until the work is done, so
//! nothing ever waits for it. Entries are keyed by the file's canonical path, size and
//! modification time: a file that changes is prepared afresh.
//!
//! Each worker takes one file at a time from a queue, so importing many files never starts
//! many scans or encodes at once.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use super::index::SourceIndex;
use super::proxy::{make_proxy, proxy_file_name, ProxyOutcome};

/// Where a source's proxy stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ProxyState {
    /// No proxy is made for it: proxies are off, or it is small, a still, or not video.
    None,
    /// Waiting for the proxy worker.
    Queued,
    /// Being made; the fraction done (0 to 1).
    Building(f32),
    /// Ready to decode instead of the original, with its own index (timed as stored).
    Ready(PathBuf, Option<Arc<SourceIndex>>),
    /// Making it failed; the preview decodes the original.
    Failed(String),
}

/// The identity of a file's contents as far as the file system tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl Key {
    fn of(path: &Path) -> Option<Key> {
        let path = std::fs::canonicalize(path).ok()?;
        let meta = std::fs::metadata(&path).ok()?;
        Some(Key {
            len: meta.len(),
            modified: meta.modified().ok(),
            path,
        })
    }
}

#[derive(Debug)]
enum IndexState {
    Queued,
    /// Built; `None` when the file gives no usable index (then seeks work as before).
    Done(Option<Arc<SourceIndex>>),
}

#[derive(Debug, Default)]
struct State {
    indexes: HashMap<Key, IndexState>,
    proxies: HashMap<Key, ProxyState>,
    index_queue: VecDeque<Key>,
    proxy_queue: VecDeque<Key>,
    proxy_dir: Option<PathBuf>,
    indexing_off: bool,
    workers_started: bool,
    /// How long each finished proxy took to make, for the benchmark.
    proxy_times: HashMap<Key, Duration>,
    /// Files still being recorded: indexed as they grow, proxied only once finished.
    growing: HashSet<PathBuf>,
    /// The last index made of each growing file, which the next one extends.
    grown_from: HashMap<PathBuf, Arc<SourceIndex>>,
}

#[derive(Debug, Default)]
struct Store {
    state: Mutex<State>,
    work: Condvar,
    done: Condvar,
}

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(Store::default)
}

/// Turns the building of indexes on or off (on by default); decoders then seek as they do
/// without one. For benchmarks that compare the two.
pub fn set_indexing(on: bool) {
    if let Ok(mut s) = store().state.lock() {
        s.indexing_off = !on;
    }
}

/// Makes proxies in `dir` from now on (`None`: no proxies). Proxies found there from an
/// earlier run are used again when their source has not changed.
///
/// The folder is pruned first, on a thread of its own (see [`super::prune_proxies`]).
pub fn set_proxy_dir(dir: Option<PathBuf>) {
    if let Some(dir) = dir.clone() {
        let prune = move || match super::prune_proxies(
            &dir,
            super::PROXY_BUDGET,
            super::PROXY_MAX_AGE,
            SystemTime::now(),
        ) {
            Ok(p) if p.removed > 0 => tracing::info!(
                "removed {} old preview proxies ({} bytes) from {}",
                p.removed,
                p.freed,
                dir.display()
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!("could not tidy {}: {e}", dir.display()),
        };
        if let Err(e) = std::thread::Builder::new()
            .name("proxy-prune".into())
            .spawn(prune)
        {
            tracing::warn!("could not start tidying the proxy folder: {e}");
        }
    }
    if let Ok(mut s) = store().state.lock() {
        s.proxy_dir = dir;
    }
}

/// Says whether `path` is a file still being recorded. While it is, [`prepare`] indexes
/// each new length of it (extending the index of the one before, which it then drops:
/// see [`SourceIndex::extended`]) but makes no proxy, which
/// would be out of date at once; once it is not, the finished file is prepared as any.
pub fn set_growing(path: &Path, growing: bool) {
    let Ok(path) = std::fs::canonicalize(path) else {
        return;
    };
    if let Ok(mut s) = store().state.lock() {
        if growing {
            s.growing.insert(path);
        } else {
            s.grown_from.remove(&path);
            s.growing.remove(&path);
        }
    }
}

/// Starts building the index of `path` (and its proxy, when `proxy` is true and a proxy
/// folder is set) on the workers, unless that is done or under way. Returns at once.
pub fn prepare(path: &Path, proxy: bool) {
    let Some(key) = Key::of(path) else {
        return;
    };
    let store = store();
    let Ok(mut s) = store.state.lock() else {
        return;
    };
    let mut queued = false;
    let growing = s.growing.contains(&key.path);
    if growing {
        // Only the newest length of a growing file is worth an index.
        s.indexes.retain(|k, _| k.path != key.path || k == &key);
        s.index_queue.retain(|k| k.path != key.path || k == &key);
    }
    if !s.indexing_off && !s.indexes.contains_key(&key) {
        s.indexes.insert(key.clone(), IndexState::Queued);
        s.index_queue.push_back(key.clone());
        queued = true;
    }
    if proxy && !growing && s.proxy_dir.is_some() && !s.proxies.contains_key(&key) {
        s.proxies.insert(key.clone(), ProxyState::Queued);
        s.proxy_queue.push_back(key);
        queued = true;
    }
    if queued {
        if !s.workers_started {
            s.workers_started = true;
            start_workers();
        }
        store.work.notify_all();
    }
}

/// The index of `path`, if it has been built and is usable.
pub fn index_of(path: &Path) -> Option<Arc<SourceIndex>> {
    let key = Key::of(path)?;
    let s = store().state.lock().ok()?;
    if s.indexing_off {
        return None;
    }
    match s.indexes.get(&key) {
        Some(IndexState::Done(ix)) => ix.clone(),
        _ => None,
    }
}

/// Where `path`'s proxy stands.
pub fn proxy_of(path: &Path) -> ProxyState {
    let Some(key) = Key::of(path) else {
        return ProxyState::None;
    };
    let Ok(s) = store().state.lock() else {
        return ProxyState::None;
    };
    s.proxies.get(&key).cloned().unwrap_or(ProxyState::None)
}

/// How long making `path`'s proxy took in this process (`None` if it was not made here).
pub fn proxy_build_time(path: &Path) -> Option<Duration> {
    let key = Key::of(path)?;
    let s = store().state.lock().ok()?;
    s.proxy_times.get(&key).copied()
}

/// Waits until `path`'s index and (if asked for) proxy are no longer in the works, at most
/// `timeout`; true if they finished. For command-line jobs and tests, never the UI.
pub fn wait_prepared(path: &Path, timeout: Duration) -> bool {
    let Some(key) = Key::of(path) else {
        return false;
    };
    let deadline = Instant::now() + timeout;
    let store = store();
    let Ok(mut s) = store.state.lock() else {
        return false;
    };
    loop {
        let index_busy = matches!(s.indexes.get(&key), Some(IndexState::Queued));
        let proxy_busy = matches!(
            s.proxies.get(&key),
            Some(ProxyState::Queued | ProxyState::Building(_))
        );
        if !index_busy && !proxy_busy {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        s = match store.done.wait_timeout(s, deadline - now) {
            Ok((g, _)) => g,
            Err(_) => return false,
        };
    }
}

fn start_workers() {
    let spawn = |name: &str, job: fn()| {
        if let Err(e) = std::thread::Builder::new().name(name.to_owned()).spawn(job) {
            tracing::error!("could not start the {name} worker: {e}");
        }
    };
    spawn("clipwright-index", index_worker);
    spawn("clipwright-proxy", proxy_worker);
}

/// Takes the next key from a queue, waiting for one.
fn next_job(pick: fn(&mut State) -> Option<Key>) -> Option<Key> {
    let store = store();
    let mut s = store.state.lock().ok()?;
    loop {
        if let Some(key) = pick(&mut s) {
            return Some(key);
        }
        s = store.work.wait(s).ok()?;
    }
}

fn index_worker() {
    while let Some(key) = next_job(|s| s.index_queue.pop_front()) {
        // A growing file's last index is extended: only its end is read again.
        let base = store()
            .state
            .lock()
            .ok()
            .and_then(|s| s.grown_from.get(&key.path).cloned());
        let scanned = match &base {
            Some(base) => base.extended(&key.path),
            None => SourceIndex::scan(&key.path),
        };
        let index = match scanned {
            Ok(ix) if ix.is_usable() => Some(Arc::new(ix)),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!("no index: {e}");
                None
            }
        };
        finish(|s| {
            match &index {
                Some(ix) if s.growing.contains(&key.path) => {
                    s.grown_from.insert(key.path.clone(), Arc::clone(ix));
                }
                _ => {}
            }
            s.indexes.insert(key, IndexState::Done(index));
        });
    }
}

fn proxy_worker() {
    // A proxy is worth having, never at the cost of the picture the person looks at.
    crate::threads::lower_this_thread();
    while let Some(key) = next_job(|s| s.proxy_queue.pop_front()) {
        let Some(dir) = store().state.lock().ok().and_then(|s| s.proxy_dir.clone()) else {
            finish(|s| {
                s.proxies.insert(key, ProxyState::None);
            });
            continue;
        };
        let out = dir.join(proxy_file_name(&key.path, key.len, key.modified));
        let started = Instant::now();
        let progress = |done: f32| {
            if let Ok(mut s) = store().state.lock() {
                s.proxies.insert(key.clone(), ProxyState::Building(done));
            }
        };
        let outcome = make_proxy(&key.path, &out, &progress);
        let took = started.elapsed();
        let made = matches!(outcome, Ok(ProxyOutcome::Made));
        let state = match outcome {
            Ok(ProxyOutcome::Made | ProxyOutcome::Reused) => {
                // The proxy's own keyframes, so a scrub in it seeks straight to one.
                let index = SourceIndex::scan_stored(&out)
                    .ok()
                    .filter(SourceIndex::is_usable)
                    .map(Arc::new);
                ProxyState::Ready(out, index)
            }
            Ok(ProxyOutcome::NotNeeded) => ProxyState::None,
            Err(e) => {
                tracing::warn!("no preview proxy: {e}");
                ProxyState::Failed(e.to_string())
            }
        };
        finish(|s| {
            if made {
                s.proxy_times.insert(key.clone(), took);
            }
            s.proxies.insert(key, state);
        });
    }
}

/// Records a finished job and wakes whoever waits for one.
fn finish(record: impl FnOnce(&mut State)) {
    let store = store();
    if let Ok(mut s) = store.state.lock() {
        record(&mut s);
    }
    store.done.notify_all();
}
