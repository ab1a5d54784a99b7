//! Running the `clipwright` command in tests: the binary, a run that must succeed, a quick
//! export of one file, a run with a time limit, and the files a run left in a folder.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

/// The `clipwright` command built for these tests.
pub fn clipwright() -> Command {
    Command::new(env!("CARGO_BIN_EXE_clipwright"))
}

/// Runs `cmd`, failing the test with its error output unless it succeeds; returns that
/// error output (warnings and notes).
pub fn succeeds(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?}: {stderr}");
    stderr
}

/// `clipwright export --quiet --input SRC ARGS… -o OUT`, which must succeed; returns what it
/// said on stderr.
pub fn export_input(src: &Path, args: &[&str], out: &Path) -> String {
    succeeds(
        clipwright()
            .args(["export", "--quiet", "--input"])
            .arg(src)
            .args(args)
            .arg("-o")
            .arg(out),
    )
}

/// Names of the files in `dir`, hidden ones included, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `cmd` with no input and its output captured, failing the test (and killing the
/// command) if it takes longer than `limit`: a hang is a failure, not a stuck suite.
pub fn run_within(cmd: &mut Command, limit: std::time::Duration) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let said = format!("{cmd:?} took longer than {limit:?}");
    let status = super::recording::exit_within(&mut child, limit, &said);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    std::process::Output {
        status,
        stdout,
        stderr,
    }
}
