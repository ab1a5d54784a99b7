#!/usr/bin/env bash
# Installs what Clipwright needs on Debian 12 / Ubuntu 22.04+ and skips what is already
# there, with pip, which fetches the default speech model from PyPI. `--test` adds the
# tools the test suite drives (a virtual X desktop, the ffmpeg command line for generating
# media, screenshots, speech).
set -euo pipefail

build=(pkg-config clang libclang-dev cmake
       libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libavdevice-dev
       libswscale-dev libswresample-dev libasound2-dev)
gui=(libgl1-mesa-dri libegl1 libgl1 mesa-vulkan-drivers libvulkan1
     libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 fonts-dejavu-core libasound2
     pulseaudio-utils  # pactl: recording one window's sound
     python3-pip)      # pip: the default speech model from PyPI
test=(ffmpeg xvfb openbox xdotool wmctrl imagemagick x11-utils pulseaudio espeak-ng)

wanted=("${build[@]}" "${gui[@]}")
if [[ "${1:-}" == "--test" ]]; then
    wanted+=("${test[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

sudo_cmd=""
if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi

if ((${#missing[@]})); then
    echo "Installing: ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# Rust: the toolchain comes from rustup (distribution packages are too old).
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "Installing Rust with rustup (https://rustup.rs)…"
    dpkg -s curl >/dev/null 2>&1 || { $sudo_cmd apt-get update -qq; $sudo_cmd apt-get install -y -qq curl ca-certificates; }
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
    echo "Rust installed. Open a new shell or run 'source ~/.cargo/env' so 'cargo' is on PATH."
fi
