//! Running the `clipwright` command in tests: the binary, a run that must succeed (or
//! fail), a quick export of one file, a run with a time limit, and the files a run left in
//! a folder.

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

/// Runs `cmd`, failing the test with its error output unless it succeeds; returns its
/// standard output.
pub fn succeeds_with_output(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `cmd`, failing the test if it succeeds; returns its error output.
pub fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{cmd:?} succeeded: {stderr}");
    stderr
}

/// `clipwright export --quiet --input SRC ARGS… -o OUT`, ready to run.
pub fn export_command(src: &Path, args: &[&str], out: &Path) -> Command {
    let mut cmd = clipwright();
    cmd.args(["export", "--quiet", "--input"])
        .arg(src)
        .args(args)
        .arg("-o")
        .arg(out);
    cmd
}

/// [`export_command`], which must succeed; returns what it said on stderr.
pub fn export_input(src: &Path, args: &[&str], out: &Path) -> String {
    succeeds(&mut export_command(src, args, out))
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

/// The permission bits of the file at `path` (e.g. `0o640`).
#[cfg(unix)]
pub fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Checks that a file written through the symbolic link `link` replaced the link's target
/// `target` with the new file (over 1000 bytes) in the target's mode `mode`, and left the
/// link a link.
#[cfg(unix)]
pub fn assert_replaced_through_link(link: &Path, target: &Path, mode: u32) {
    assert!(std::fs::symlink_metadata(link)
        .unwrap()
        .file_type()
        .is_symlink());
    let size = std::fs::metadata(target).unwrap().len();
    assert!(
        size > 1000,
        "the new file replaced the old one: {size} bytes"
    );
    assert_eq!(file_mode(target), mode, "mode kept");
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

/// [`run_within`], failing the test with the command's error output unless it succeeds.
pub fn succeeds_within(cmd: &mut Command, limit: std::time::Duration) -> std::process::Output {
    let out = run_within(cmd, limit);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
