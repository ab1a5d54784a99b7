//! The `clipwright` binary: the app with no arguments, a command-line job otherwise.

fn main() -> std::process::ExitCode {
    clipwright::cli::main()
}
