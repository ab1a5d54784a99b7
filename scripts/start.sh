#!/usr/bin/env bash
# Quick start: install what is missing, build Clipwright in release mode, and open the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# A first install of Rust puts cargo here without changing this shell's PATH.
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release
exec "${CARGO_TARGET_DIR:-target}/release/clipwright" "$@"
