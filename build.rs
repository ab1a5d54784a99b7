//! Records the git commit the binary is built from, for `clipwright --version`, and on
//! Windows embeds the icon and version information into `clipwright.exe`.

fn main() {
    // CLIPWRIGHT_GIT_COMMIT, when set, wins: .ci/run sets it because several clones share
    // one target folder, and there this script's cached output can hold another clone's
    // commit (its .git/HEAD is older than that output). A changed value reruns the script.
    println!("cargo:rerun-if-env-changed=CLIPWRIGHT_GIT_COMMIT");
    let commit = std::env::var("CLIPWRIGHT_GIT_COMMIT")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::process::Command::new("git")
                .args(["rev-parse", "--short=10", "HEAD"])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=CLIPWRIGHT_GIT_COMMIT={commit}");
    // In a git worktree `.git` is a file and HEAD lives in the main clone's .git folder:
    // ask git where. Watch the checked-out branch's own ref file, not the refs/heads folder,
    // whose time changes whenever any branch moves (other worktrees' commits would rebuild
    // this crate). A path that does not exist would rerun this script on every build.
    println!(
        "cargo:rerun-if-changed={}",
        git_path("HEAD").unwrap_or_else(|| ".git/HEAD".to_owned())
    );
    let branch_ref = git(&["symbolic-ref", "-q", "HEAD"])
        .and_then(|name| git_path(&name))
        .filter(|path| std::path::Path::new(path).is_file());
    match branch_ref {
        Some(path) => println!("cargo:rerun-if-changed={path}"),
        None => {
            if let Some(packed) =
                git_path("packed-refs").filter(|p| std::path::Path::new(p).is_file())
            {
                println!("cargo:rerun-if-changed={packed}");
            }
        }
    }

    // `embed-resource` is a build dependency on Windows hosts only; releases are built on
    // Windows, so host and target agree there. A MinGW cross-build from Linux
    // (scripts/build-windows.sh) compiles the same resource script with windres instead.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources::embed();
    }
}

/// `git rev-parse --git-path WHAT`: where this checkout keeps WHAT, if git answers.
fn git_path(what: &str) -> Option<String> {
    git(&["rev-parse", "--git-path", what])
}

/// The trimmed output of `git ARGS`, if it succeeds and prints something.
fn git(args: &[&str]) -> Option<String> {
    let output = std::process::Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

mod windows_resources {
    use std::path::PathBuf;

    /// Writes a resource script with absolute paths (the resource compiler resolves relative
    /// ones against its own working folder) and links it into the `clipwright` binary.
    pub fn embed() {
        let manifest_dir = PathBuf::from(env_or_exit("CARGO_MANIFEST_DIR"));
        let out_dir = PathBuf::from(env_or_exit("OUT_DIR"));
        let icon = manifest_dir
            .join("packaging")
            .join("windows")
            .join("clipwright.ico");
        println!("cargo:rerun-if-changed={}", icon.display());

        let version = env_or_exit("CARGO_PKG_VERSION");
        // VERSIONINFO wants four numbers; "1.2.3-beta.1" becomes 1,2,3,0.
        let mut numbers: Vec<u16> = version
            .split(['.', '-', '+'])
            .take(3)
            .map(|part| part.parse().unwrap_or(0))
            .collect();
        numbers.resize(4, 0);
        let numeric = numbers
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let icon_path = icon.display().to_string().replace('\\', "\\\\");
        let script = format!(
            r#"1 ICON "{icon_path}"

1 VERSIONINFO
FILEVERSION {numeric}
PRODUCTVERSION {numeric}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "Clipwright"
      VALUE "FileDescription", "Clipwright"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "clipwright"
      VALUE "OriginalFilename", "clipwright.exe"
      VALUE "ProductName", "Clipwright"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#
        );
        let rc = out_dir.join("clipwright.rc");
        if let Err(e) = std::fs::write(&rc, script) {
            fail(&format!("cannot write {}: {e}", rc.display()));
        }
        compile(&rc, &out_dir);
    }

    #[cfg(windows)]
    fn compile(rc: &std::path::Path, _out_dir: &std::path::Path) {
        if let Err(e) = embed_resource::compile_for(rc, ["clipwright"], embed_resource::NONE)
            .manifest_required()
        {
            fail(&format!("cannot compile {}: {e}", rc.display()));
        }
    }

    /// Cross-building for Windows: MinGW's windres turns the script into an object file
    /// linked into the `clipwright` binary only. Without windres (a `cargo check` on a
    /// machine with no MinGW) the program builds without its icon, with a warning.
    #[cfg(not(windows))]
    fn compile(rc: &std::path::Path, out_dir: &std::path::Path) {
        if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
            println!("cargo:warning=no resource compiler for this Windows target: no icon");
            return;
        }
        println!("cargo:rerun-if-env-changed=WINDRES");
        let windres = std::env::var("WINDRES").unwrap_or_else(|_| {
            let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
            format!("{arch}-w64-mingw32-windres")
        });
        let object = out_dir.join("clipwright-resources.o");
        let status = std::process::Command::new(&windres)
            .args(["--input-format=rc", "--output-format=coff", "-i"])
            .arg(rc)
            .arg("-o")
            .arg(&object)
            .status();
        match status {
            Ok(s) if s.success() => {
                println!("cargo:rustc-link-arg-bin=clipwright={}", object.display());
            }
            Ok(s) => fail(&format!("{windres} failed on {} ({s})", rc.display())),
            Err(e) => {
                println!("cargo:warning={windres} not found ({e}): clipwright.exe gets no icon")
            }
        }
    }

    fn env_or_exit(name: &str) -> String {
        std::env::var(name).unwrap_or_else(|_| fail(&format!("{name} is not set")))
    }

    fn fail(message: &str) -> ! {
        eprintln!("error: embedding the Windows icon: {message}");
        std::process::exit(1);
    }
}
