#!/usr/bin/env bash
# Installs what Clipwright needs on Debian 12 / Ubuntu 22.04+ and skips what is already
# there. `--test` adds the tools the test suite drives (a virtual X desktop, the ffmpeg
# command line for generating media, screenshots, speech).
set -euo pipefail

build=(pkg-config clang libclang-dev cmake
       libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libavdevice-dev
       libswscale-dev libswresample-dev)
gui=(libgl1-mesa-dri libegl1 libgl1 mesa-vulkan-drivers libvulkan1
     libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 fonts-dejavu-core)
test=(ffmpeg xvfb openbox xdotool wmctrl imagemagick x11-utils pulseaudio espeak-ng)

wanted=("${build[@]}" "${gui[@]}")
if [[ "${1:-}" == "--test" ]]; then
    wanted+=("${test[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if ((${#missing[@]})); then
    echo "Installing: ${missing[*]}"
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
        echo "Rust is installed in ~/.cargo/bin but not on PATH: run 'source ~/.cargo/env' and retry." >&2
    else
        echo "Rust is missing: install it from https://rustup.rs (Clipwright needs Rust 1.95 or newer), then retry." >&2
    fi
    exit 1
fi
