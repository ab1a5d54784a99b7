#!/usr/bin/env bash
# Quick start: install what is missing, build Clipwright in release mode, and open the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# A first install of Rust puts cargo here without changing this shell's PATH.
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release
# Whisper base (multilingual) into the user's model folder, so transcription works offline
# from the first run. Without a network it is skipped with a note: the app says what to do.
if ! scripts/fetch-test-models.sh --base-only >/dev/null; then
    echo "start: the speech model could not be installed now; Transcribe will say how to get it" >&2
fi
exec "${CARGO_TARGET_DIR:-target}/release/clipwright" "$@"
