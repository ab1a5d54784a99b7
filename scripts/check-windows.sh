#!/usr/bin/env bash
# Type-checks the Windows build (the scap capture backend, WASAPI sound through cpal, the
# global hotkey, everything behind cfg(windows)) from Linux, with clippy's lints, without
# building or linking a Windows program:
#
#   scripts/check-windows.sh [--install] [extra cargo clippy arguments]
#
# What it takes, and why each piece is enough for a check:
# - the Rust standard library for x86_64-pc-windows-gnu (`rustup target add`);
# - MinGW-w64 C compilers (Debian: gcc-mingw-w64-x86-64, g++-mingw-w64-x86-64) for the
#   few dependencies that compile C for the target (ring, the Windows resource file);
# - FFmpeg's headers: ffmpeg-sys-next only reads them (bindgen and a feature probe that
#   runs on the host), so the Linux development headers serve through FFMPEG_DIR — FFmpeg's
#   C API is the same on both systems;
# - DOCS_RS=1, which makes whisper-rs-sys generate its bindings but skip compiling
#   whisper.cpp with CMake (not needed when nothing is linked; Debian 12's MinGW headers
#   are also too old for its Windows thread code).
# --install adds the missing target and packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu

if [[ "${1:-}" == "--install" ]]; then
    shift
    rustup target add "$target"
    if ! command -v x86_64-w64-mingw32-gcc-posix >/dev/null; then
        sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd=sudo
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
            gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64
    fi
fi
if ! rustup target list --installed | grep -qx "$target"; then
    echo "check-windows: the $target standard library is missing; run: $0 --install" >&2
    exit 1
fi
if ! command -v x86_64-w64-mingw32-gcc-posix >/dev/null; then
    echo "check-windows: the MinGW-w64 compilers are missing; run: $0 --install" >&2
    exit 1
fi
includedir=$(pkg-config --variable=includedir libavcodec 2>/dev/null || true)
if [[ -z "$includedir" || ! -f "$includedir/libavcodec/avcodec.h" ]]; then
    echo "check-windows: FFmpeg's headers are missing (Debian: libavcodec-dev and friends;" \
        "scripts/install-deps.sh installs them)" >&2
    exit 1
fi

# A folder shaped like an FFmpeg install (include/libav*/) made of links to the headers.
target_dir="${CARGO_TARGET_DIR:-target}"
ffmpeg_dir="$target_dir/ffmpeg-headers-for-$target"
mkdir -p "$ffmpeg_dir/include" "$ffmpeg_dir/lib"
for lib in libavutil libavcodec libavformat libavdevice libavfilter libswscale libswresample; do
    ln -sfn "$includedir/$lib" "$ffmpeg_dir/include/$lib"
done

export FFMPEG_DIR
FFMPEG_DIR=$(cd "$ffmpeg_dir" && pwd)
export DOCS_RS=1
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc-posix
export CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++-posix
cargo clippy --target "$target" --all-targets "$@" -- -D warnings
echo "check-windows: the Windows build type-checks and passes clippy"
