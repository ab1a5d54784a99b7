#!/usr/bin/env bash
# Type-checks and lints the macOS per-program sound code (src/capture/process_tap.rs: the
# Core Audio process tap, and the window's owner process from CoreGraphics) from Linux:
#
#   scripts/check-macos-sound.sh [--install]
#
# The whole crate cannot be checked for macOS here: three build scripts of its dependency
# tree need Apple's SDK (see packaging/README.md, "macOS: how far a check gets"). This file
# only needs the objc2 framework bindings, libc and the standard library for the target,
# none of which compile C, so it is checked alone: a small crate made below includes
# process_tap.rs with the real process_tree.rs and sound_chunk.rs by path, beside
# stand-ins for the few crate types they name (the sound-input trait, the capture error,
# the sound chunk; their definitions are repeated below, kept to the same shape). The dependency versions come
# from the project's Cargo.lock.
#
# --install adds the target's standard library first (rustup).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=aarch64-apple-darwin

if [[ "${1:-}" == "--install" ]]; then
    rustup target add "$target"
fi
if ! rustup target list --installed | grep -qx "$target"; then
    echo "check-macos-sound: the $target standard library is missing; run: $0 --install" >&2
    exit 1
fi

crate="${CARGO_TARGET_DIR:-target}/macos-sound-check"
mkdir -p "$crate"
crate=$(cd "$crate" && pwd)
cp Cargo.lock "$crate/Cargo.lock"
cat >"$crate/Cargo.toml" <<'EOF'
[package]
name = "clipwright-macos-sound-check"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[dependencies]
block2 = "0.6"
libc = "0.2"
objc2 = "0.6"
objc2-core-audio = "0.3"
objc2-core-audio-types = "0.3"
objc2-core-foundation = "0.3"
objc2-core-graphics = { version = "0.3", default-features = false, features = ["std", "objc2", "CGWindow"] }
objc2-foundation = { version = "0.3", features = ["NSArray", "NSDictionary", "NSString", "NSUUID", "NSValue"] }
thiserror = "2"
tracing = "0.1"

[workspace]
EOF
cat >"$crate/lib.rs" <<EOF
//! Stand-ins for the crate types process_tap.rs names; the real definitions are in
//! src/capture/sound.rs, src/capture/error.rs, src/media/raw.rs and src/media/grab.rs.
#![allow(dead_code)]

pub mod media {
    #[derive(Clone, Debug)]
    pub struct AudioChunk {
        pub rate: u32,
        pub channels: u16,
        pub samples: Vec<i16>,
    }

    #[derive(Clone, Debug)]
    pub struct TimedChunk {
        pub chunk: AudioChunk,
        pub age_us: i64,
    }
}

pub mod capture {
    #[derive(Debug, thiserror::Error)]
    pub enum CaptureError {
        #[error("{0}")]
        Unsupported(String),
        #[error("sound device \"{device}\": {detail}")]
        SoundDevice { device: String, detail: String },
    }

    pub(crate) mod sound {
        use super::CaptureError;
        use crate::media::TimedChunk;

        pub(crate) trait SoundInput: Send {
            fn rate(&self) -> u32;
            fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError>;
        }
    }

    #[path = "$root/src/capture/sound_chunk.rs"]
    pub(crate) mod sound_chunk;

    #[path = "$root/src/capture/process_tree.rs"]
    pub(crate) mod process_tree;

    #[path = "$root/src/capture/process_tap.rs"]
    pub(crate) mod process_tap;

    /// Everything the crate uses from outside the module.
    pub fn uses(pid: u32) {
        use sound::SoundInput;
        let _ = process_tap::window_pid(pid);
        if let Ok(mut tap) = process_tap::ProcessTap::open(pid) {
            let _ = (tap.rate(), tap.read());
        }
    }
}
EOF

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/macos-sound-check-build"
cd "$crate"
# The project's lints (Cargo.toml [lints]) are not inherited by this crate: name the ones
# that matter for this code.
cargo clippy --target "$target" -- -D warnings \
    -D clippy::unwrap_used -D clippy::expect_used -D clippy::undocumented_unsafe_blocks
echo "check-macos-sound: src/capture/process_tap.rs type-checks and lints for $target"
