//! The `clipwright` binary: the app with no arguments, a command-line job otherwise.

// On Windows the exe is a GUI program, so opening the app shows no console window; the CLI
// attaches to the terminal it was started from instead (see `cli::attach_parent_console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // Any argument means command-line use (a subcommand, --version, --help or a typo that
    // clap reports), so output must reach the terminal before clap parses anything.
    #[cfg(windows)]
    if std::env::args_os().len() > 1 {
        clipwright::cli::attach_parent_console();
    }
    clipwright::cli::main()
}
