#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the CLI on generated media, the app through
# egui_kittest, and the real app window under a virtual X desktop (Xvfb + openbox).
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

cargo test --locked "$@"
