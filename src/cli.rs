//! The command line: the same jobs as the app, without a window. `clipwright` alone opens
//! the app; `clipwright probe FILE`, `clipwright subtitles convert IN OUT`,
//! `clipwright transcribe MEDIA -o OUT.srt` and the other subcommands run headless.
//!
//! This is an edge of the program, so errors are `anyhow` here and print as one line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{capture, media};

mod bench;
mod export;
mod record;
mod sticker;
mod transcribe;

/// Clipwright: record a window with its sound, edit it on a timeline, export it anywhere.
#[derive(Debug, Parser)]
#[command(
    name = "clipwright",
    about,
    long_about = None,
    disable_version_flag = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Print the version, the git commit and the FFmpeg libraries in use.
    #[arg(short = 'V', long)]
    version: bool,
    /// Projects or media files to open in the app.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show what a media file holds: container, duration, streams, frame rates, rotation.
    Probe {
        /// The file to read.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export a project (or, with --input, one file) to MP4, MOV, MKV, WebM or GIF.
    Export(Box<export::ExportArgs>),
    /// Benchmarks: `bench export` and `bench record` run a reference job through Clipwright
    /// and the ffmpeg CLI side by side.
    Bench {
        #[command(subcommand)]
        what: bench::BenchWhat,
    },
    /// Record a window, a screen or a region (with its sound) to a crash-safe MP4.
    Record(Box<record::RecordArgs>),
    /// Work with subtitle files (SRT, WebVTT, ASS, SSA).
    Subtitles {
        #[command(subcommand)]
        action: SubtitlesCommand,
    },
    /// Turn the speech of a media file into subtitles, with a local Whisper model.
    Transcribe(transcribe::TranscribeArgs),
}

#[derive(Debug, Subcommand)]
enum SubtitlesCommand {
    /// Convert a subtitle file; both formats come from the file extensions
    /// (.srt, .vtt, .ass, .ssa). Problems in the input are printed with their line.
    Convert {
        /// The file to read.
        input: PathBuf,
        /// The file to write.
        output: PathBuf,
    },
}

/// `clipwright 0.1.0 (commit 1a2b3c4d5e) with FFmpeg libavformat 59.27.100`.
pub fn version_line() -> String {
    format!(
        "clipwright {} (commit {}) with FFmpeg {}",
        env!("CARGO_PKG_VERSION"),
        env!("CLIPWRIGHT_GIT_COMMIT"),
        media::ffmpeg_version()
    )
}

/// Runs the program with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse_from(launch_args());
    if cli.version {
        println!("{}", version_line());
        return ExitCode::SUCCESS;
    }
    if matches!(cli.command, None | Some(Command::Record(_))) {
        // A recording killed while it re-routed a window's sound left it so: undo it.
        match capture::restore_left_routing() {
            Ok(0) => {}
            Ok(n) => eprintln!("restored the sound routing {n} stopped recording(s) left"),
            Err(e) => {
                eprintln!("could not restore the sound routing an earlier recording left: {e}")
            }
        }
    }
    let result = match cli.command {
        None => open_app(cli.files),
        Some(Command::Probe { file, json }) => probe(&file, json),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Bench { what }) => bench::run(what),
        Some(Command::Record(args)) => record::run(*args),
        Some(Command::Subtitles {
            action: SubtitlesCommand::Convert { input, output },
        }) => convert_subtitles(&input, &output),
        Some(Command::Transcribe(args)) => transcribe::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clipwright: {}", error_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// One line a person can act on: the chain of causes joined with ": ", leaving out a cause
/// whose text the line already holds (many errors show their cause in their own message),
/// with control characters from file names shown escaped rather than sent to the terminal.
fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    printable(&line)
}

/// `text` with control characters (an escape sequence in a file name) escaped; line
/// breaks stay, as some messages list choices one per line.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Sends the program's own warnings and errors (a worker that could not start, a sound
/// device that failed, a preview proxy that could not be made) to stderr. `CLIPWRIGHT_LOG`
/// takes an `EnvFilter` directive for more, e.g. `CLIPWRIGHT_LOG=clipwright=debug`; other
/// crates' messages stay out unless it names them.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLIPWRIGHT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("clipwright=warn"));
    // Fails only when a subscriber is already set, which then keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not in a log file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// The process arguments, less the `-psn_0_12345` process serial number that macOS may still
/// pass when the app bundle is opened from Finder (first launch of a downloaded app): clap
/// would reject it and the app would not open.
fn launch_args() -> impl Iterator<Item = std::ffi::OsString> {
    std::env::args_os()
        .filter(|arg| !(cfg!(target_os = "macos") && arg.to_string_lossy().starts_with("-psn_")))
}

/// Sends stdout and stderr to the console of the process that started us, if it has one.
///
/// `clipwright.exe` is built for the Windows GUI subsystem so the app opens without a console
/// window; such a process starts with no standard handles, and `println!` would go nowhere.
/// Started from cmd or PowerShell, this attaches to that terminal so CLI output shows there.
/// Started from Explorer there is no parent console, the call fails, and nothing changes.
/// When output is redirected to a file or pipe, the inherited handles already point there
/// and attaching does not replace them.
#[cfg(windows)]
#[allow(unsafe_code)]
pub fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
    // SAFETY: AttachConsole takes a process id by value and touches none of our memory;
    // failure (no parent console, or one already attached) is reported by its return value,
    // which we ignore on purpose: the program works the same without a console.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

/// Opens the app with `files`, after checking they exist: a mistyped command
/// (`clipwright prboe x.mp4`) is refused on the terminal instead of opening a window that
/// complains about a file called "prboe".
fn open_app(files: Vec<PathBuf>) -> anyhow::Result<()> {
    if let Some(missing) = files.iter().find(|f| !f.exists()) {
        anyhow::bail!(
            "{}: no such file, and not a command (see clipwright --help)",
            missing.display()
        );
    }
    crate::ui::run(files).map_err(anyhow::Error::from)
}

fn probe(file: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let report = media::probe(file)?;
    let text = if json {
        serde_json::to_string_pretty(&report)?
    } else {
        // A file name may hold escape sequences; show them, do not send them.
        printable(&report.to_string())
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

fn convert_subtitles(input: &std::path::Path, output: &std::path::Path) -> anyhow::Result<()> {
    let warnings = crate::subtitles::convert(input, output)?;
    let mut err = std::io::stderr().lock();
    for w in &warnings {
        writeln!(err, "{}", printable(&format!("{}: {w}", input.display())))?;
    }
    Ok(())
}
