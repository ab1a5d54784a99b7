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
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");

    // `embed-resource` is a build dependency on Windows hosts only; releases are built on
    // Windows, so host and target agree there.
    #[cfg(windows)]
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources::embed();
    }
}

#[cfg(windows)]
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
        if let Err(e) = embed_resource::compile_for(&rc, ["clipwright"], embed_resource::NONE)
            .manifest_required()
        {
            fail(&format!("cannot compile {}: {e}", rc.display()));
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
