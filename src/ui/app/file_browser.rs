//! The in-app file browser, for desktops where the native dialog cannot open (no
//! desktop portal and no `zenity`): there `rfd` answers every dialog with "cancelled" and
//! a button would do nothing at all.
//!
//! [`FallbackDialogs`] stands in front of the native dialogs. Dialogs are always asked
//! for on a worker thread, which blocks until the person answers; when the native dialog
//! cannot open, that worker hands a [`BrowserRequest`] to the UI over a bounded channel,
//! wakes it, and waits for the answer. The UI shows the request with `egui_file` (a kept
//! crate that follows egui's versions) beside a list of recent folders, and sends the
//! answer back — so every caller (import, projects, export, subtitles, speech models) gets
//! the fallback, and the UI thread never waits.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::OnceLock;

use super::dialogs::{Dialog, FileDialogs};

/// How many recent folders the browser lists.
const RECENT_FOLDERS: usize = 8;

/// What kind of answer a dialog wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowseFor {
    /// An existing file.
    Open,
    /// A file to write, existing or new.
    Save,
    /// A folder.
    Folder,
}

/// One dialog the in-app browser is asked to show.
#[derive(Debug)]
pub struct BrowserRequest {
    /// Open, save or folder.
    pub kind: BrowseFor,
    /// The window's title.
    pub title: String,
    /// The file name suggested when saving.
    pub file_name: Option<String>,
    /// File-name extensions listed (lower case, no dot); empty lists every file.
    pub extensions: Vec<String>,
    /// Where the answer goes; `None` when the person cancels.
    answer: SyncSender<Option<PathBuf>>,
}

/// The worker's end: hands requests to the UI and wakes it.
#[derive(Clone)]
pub struct BrowserHandle {
    requests: SyncSender<BrowserRequest>,
    ctx: egui::Context,
}

impl BrowserHandle {
    /// Asks the UI to browse; blocks this (worker) thread until the person answers. An app
    /// that is closing answers `None`.
    fn ask(
        &self,
        kind: BrowseFor,
        title: &str,
        file_name: Option<&str>,
        extensions: &[&str],
    ) -> Option<PathBuf> {
        let (answer, reply) = sync_channel(1);
        let request = BrowserRequest {
            kind,
            title: title.to_owned(),
            file_name: file_name.map(str::to_owned),
            extensions: extensions.iter().map(|e| e.to_ascii_lowercase()).collect(),
            answer,
        };
        // A full channel (another dialog waiting) blocks this worker, never the UI.
        self.requests.send(request).ok()?;
        self.ctx.request_repaint();
        reply.recv().ok().flatten()
    }
}

/// The file dialogs the app uses: the native ones when they can open, else the in-app
/// browser.
pub struct FallbackDialogs {
    native: Box<dyn FileDialogs>,
    /// Whether the native dialogs open, found out on the first dialog's worker.
    native_opens: OnceLock<bool>,
    browser: BrowserHandle,
}

impl FallbackDialogs {
    /// Native dialogs `native`, falling back to the browser reached through `browser`.
    pub fn new(native: Box<dyn FileDialogs>, browser: BrowserHandle) -> FallbackDialogs {
        FallbackDialogs {
            native,
            native_opens: OnceLock::new(),
            browser,
        }
    }

    /// Whether to use the native dialogs; asked once, on a worker (it may run D-Bus tools).
    fn native(&self) -> bool {
        *self.native_opens.get_or_init(|| {
            let opens = self.native.can_open();
            if !opens {
                tracing::info!(
                    "no native file dialog here (no desktop portal, no zenity): \
                     using the in-app file browser"
                );
            }
            opens
        })
    }
}

impl FileDialogs for FallbackDialogs {
    fn ask(&self, dialog: Dialog<'_>) -> Option<PathBuf> {
        if self.native() {
            return self.native.ask(dialog);
        }
        let look = dialog.look();
        let extensions = look.files.map_or(&[][..], |(_, extensions)| extensions);
        self.browser
            .ask(look.kind, look.title, look.file_name, extensions)
    }
}

/// The UI's end: shows the request in progress and the recent folders.
pub struct FileBrowser {
    requests: Receiver<BrowserRequest>,
    shown: Option<(BrowserRequest, egui_file::FileDialog)>,
    /// Folders files were last picked in, newest first.
    pub recent: Vec<PathBuf>,
    /// Where a browser starts when no folder is recent.
    pub start: PathBuf,
}

/// A connected browser: its worker end and its UI end.
pub fn browser(ctx: &egui::Context) -> (BrowserHandle, FileBrowser) {
    let (requests_tx, requests) = sync_channel(1);
    let start = directories::UserDirs::new()
        .map(|d| d.home_dir().to_owned())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    (
        BrowserHandle {
            requests: requests_tx,
            ctx: ctx.clone(),
        },
        FileBrowser {
            requests,
            shown: None,
            recent: Vec::new(),
            start,
        },
    )
}

impl FileBrowser {
    /// Whether a browser window is showing.
    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// Puts `folder` first among the recent folders.
    pub fn remember(&mut self, folder: &Path) {
        self.recent.retain(|f| f != folder);
        self.recent.insert(0, folder.to_owned());
        self.recent.truncate(RECENT_FOLDERS);
    }

    /// Takes a new request when none is showing, draws the one showing, and sends its
    /// answer once the person picks or cancels.
    pub fn show(&mut self, ctx: &egui::Context) {
        if self.shown.is_none() {
            if let Ok(request) = self.requests.try_recv() {
                let dialog = self.dialog_for(&request);
                self.shown = Some((request, dialog));
            }
        }
        let Some((request, dialog)) = &mut self.shown else {
            return;
        };
        let mut go_to = None;
        egui::Window::new("Recent folders")
            .id(egui::Id::unique("file-browser-recent"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::LEFT_TOP, egui::vec2(8.0, 40.0))
            .show(ctx, |ui| {
                if self.recent.is_empty() {
                    ui.weak("Folders you pick files in are listed here.");
                }
                for folder in &self.recent {
                    if ui
                        .button(super::file_label(folder))
                        .on_hover_text(folder.display().to_string())
                        .clicked()
                    {
                        go_to = Some(folder.clone());
                    }
                }
            });
        if let Some(folder) = go_to {
            dialog.set_path(folder);
        }
        dialog.show(ctx);
        let answer = match dialog.state() {
            egui_file::State::Open => return,
            egui_file::State::Selected => dialog.path().map(|p| with_extension(p, request)),
            egui_file::State::Cancelled | egui_file::State::Closed => None,
        };
        if let Some((request, _)) = self.shown.take() {
            if let Some(folder) = answer.as_deref().and_then(|p| {
                if request.kind == BrowseFor::Folder {
                    Some(p)
                } else {
                    p.parent()
                }
            }) {
                self.remember(folder);
            }
            // The worker may have gone (the app closing); nothing waits for this then.
            let _ = request.answer.send(answer);
        }
    }

    /// An `egui_file` dialog for `request`, starting in the most recent folder.
    fn dialog_for(&self, request: &BrowserRequest) -> egui_file::FileDialog {
        let folder = self.recent.first().unwrap_or(&self.start).clone();
        let mut dialog = match request.kind {
            BrowseFor::Open => egui_file::FileDialog::open_file(),
            BrowseFor::Save => egui_file::FileDialog::save_file(),
            BrowseFor::Folder => egui_file::FileDialog::select_folder(),
        }
        .title(&request.title)
        .id(egui::Id::unique("file-browser"))
        // Centred, clear of the recent folders at the top left.
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .initial_path(folder)
        .show_rename(false)
        .show_new_folder(request.kind != BrowseFor::Open);
        if let Some(name) = &request.file_name {
            dialog = dialog.default_filename(name.clone());
        }
        if request.kind == BrowseFor::Open && !request.extensions.is_empty() {
            let extensions = request.extensions.clone();
            dialog = dialog.show_files_filter(Box::new(move |path: &Path| {
                path.is_dir() || has_extension(path, &extensions)
            }));
        }
        dialog.open();
        dialog
    }
}

/// True when `path` ends in one of `extensions` (lower case, no dot), in any case.
fn has_extension(path: &Path, extensions: &[String]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A saved file keeps the extension the request asks for, as native dialogs do.
fn with_extension(path: &Path, request: &BrowserRequest) -> PathBuf {
    match (request.kind, request.extensions.first()) {
        (BrowseFor::Save, Some(ext)) if !has_extension(path, &request.extensions) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".");
            name.push(ext);
            PathBuf::from(name)
        }
        _ => path.to_owned(),
    }
}

/// Whether a native file dialog can open on this desktop. Windows and macOS always have
/// one. Elsewhere `rfd` asks the desktop portal over D-Bus and then tries `zenity`; with
/// neither it silently answers "cancelled". `CLIPWRIGHT_FILE_DIALOG=builtin` (or `native`)
/// settles it by hand. May run D-Bus tools for up to a second: ask on a worker.
pub fn native_dialogs_can_open() -> bool {
    can_open_with(&|key| std::env::var_os(key))
}

/// [`native_dialogs_can_open`] with the environment read through `env`.
fn can_open_with(env: &dyn Fn(&str) -> Option<OsString>) -> bool {
    match env("CLIPWRIGHT_FILE_DIALOG")
        .as_deref()
        .and_then(|v| v.to_str())
    {
        Some("builtin") => return false,
        Some("native") => return true,
        _ => {}
    }
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    let path = env("PATH");
    let find = |program: &str| find_on_path(path.as_deref(), program);
    if find("zenity").is_some() {
        return true;
    }
    let Some(bus) = env("DBUS_SESSION_BUS_ADDRESS") else {
        return false;
    };
    portal_on_session_bus(&bus, &find)
}

/// `program` as an executable file in a folder of `path`, if there is one.
fn find_on_path(path: Option<&OsStr>, program: &str) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| dir.join(program))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
}

/// Whether the session bus at `bus` has the desktop portal, running or ready to start,
/// asked with `dbus-send` (or `busctl`) found by `find`; with neither tool, the portal is
/// assumed, as `rfd` assumes it.
fn portal_on_session_bus(bus: &OsStr, find: &dyn Fn(&str) -> Option<PathBuf>) -> bool {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let lists = |program: PathBuf, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .output()
            .is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).contains(PORTAL)
            })
    };
    if let Some(dbus_send) = find("dbus-send") {
        return ["ListNames", "ListActivatableNames"].iter().any(|method| {
            lists(
                dbus_send.clone(),
                &[
                    "--session",
                    "--print-reply",
                    "--reply-timeout=500",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    &format!("org.freedesktop.DBus.{method}"),
                ],
            )
        });
    }
    if let Some(busctl) = find("busctl") {
        return lists(
            busctl,
            &[
                "--user",
                "--timeout=1",
                "list",
                "--acquired",
                "--activatable",
            ],
        );
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_file_gets_the_extension_asked_for_unless_it_has_it() {
        let (answer, _reply) = sync_channel(1);
        let request = BrowserRequest {
            kind: BrowseFor::Save,
            title: "Save project".into(),
            file_name: None,
            extensions: vec!["clipwright".into()],
            answer,
        };
        assert_eq!(
            with_extension(Path::new("/tmp/talk"), &request),
            Path::new("/tmp/talk.clipwright")
        );
        assert_eq!(
            with_extension(Path::new("/tmp/talk.CLIPWRIGHT"), &request),
            Path::new("/tmp/talk.CLIPWRIGHT")
        );
    }

    /// An environment of `vars` only.
    fn env_of(vars: &[(&str, &OsStr)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    #[test]
    fn with_no_zenity_and_no_portal_the_native_dialog_is_known_not_to_open() {
        let empty = tempfile::tempdir().unwrap();
        let tools = tempfile::tempdir().unwrap();
        let no_bus = env_of(&[("PATH", empty.path().as_os_str())]);
        assert!(!can_open_with(&no_bus));
        // A session bus without the portal: a private dbus-daemon when there is one,
        // else an address nothing listens at.
        let real_path = std::env::var_os("PATH").unwrap_or_default();
        let mut daemon = find_on_path(Some(&real_path), "dbus-daemon").and_then(|d| {
            std::process::Command::new(d)
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .ok()
        });
        let address = daemon
            .as_mut()
            .and_then(|d| d.stdout.take())
            .and_then(|out| {
                use std::io::BufRead;
                std::io::BufReader::new(out).lines().next()?.ok()
            })
            .unwrap_or_else(|| "unix:path=/nonexistent/bus".to_owned());
        let bus_without_portal = env_of(&[
            ("PATH", &real_path),
            ("DBUS_SESSION_BUS_ADDRESS", OsStr::new(&address)),
        ]);
        let tools_here = find_on_path(Some(&real_path), "dbus-send").is_some()
            || find_on_path(Some(&real_path), "busctl").is_some();
        if find_on_path(Some(&real_path), "zenity").is_none() && tools_here {
            assert!(!can_open_with(&bus_without_portal), "bus at {address}");
        }
        if let Some(mut d) = daemon {
            let _ = d.kill();
            let _ = d.wait();
        }
        // zenity on the path is enough; the setting overrides everything.
        std::fs::write(tools.path().join("zenity"), "#!/bin/sh\n").unwrap();
        let with_zenity = env_of(&[("PATH", tools.path().as_os_str())]);
        assert!(can_open_with(&with_zenity));
        let forced = env_of(&[
            ("PATH", tools.path().as_os_str()),
            ("CLIPWRIGHT_FILE_DIALOG", OsStr::new("builtin")),
        ]);
        assert!(!can_open_with(&forced));
    }

    #[test]
    fn the_recent_folders_keep_the_newest_first_without_repeats() {
        let ctx = egui::Context::default();
        let (_handle, mut browser) = browser(&ctx);
        for i in 0..10 {
            browser.remember(Path::new(&format!("/f{i}")));
        }
        browser.remember(Path::new("/f5"));
        assert_eq!(browser.recent.len(), RECENT_FOLDERS);
        assert_eq!(browser.recent[0], Path::new("/f5"));
        assert_eq!(
            browser
                .recent
                .iter()
                .filter(|f| **f == Path::new("/f5"))
                .count(),
            1
        );
    }
}
