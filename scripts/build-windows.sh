#!/usr/bin/env bash
# Builds the Windows program from Linux (Debian 12) and packages it:
#
#   scripts/build-windows.sh [--deps-only] [--no-msi]
#
# 1. cross-builds FFmpeg 5.1 as DLLs with libx264 and libass (and what libass needs:
#    FreeType, FriBidi, HarfBuzz) with MinGW-w64, from Debian's own source packages — the
#    same FFmpeg the Linux build uses, so ffmpeg-sys-next sees the same C API;
# 2. builds and links clipwright.exe (x86_64-pc-windows-gnu) against it, whisper.cpp
#    included;
# 3. gathers the program, every DLL it loads, fonts for burned subtitles and the licences
#    into target/windows/Clipwright/ (checked with objdump: no DLL may be missing);
# 4. makes target/windows/Clipwright-<version>-x86_64.msi with wixl (msitools) from
#    packaging/windows/main.wxs.
#
# Everything slow is cached under ~/.cache/clipwright/windows/ (CLIPWRIGHT_WINDOWS_CACHE):
# each library stage leaves a stamp file and is skipped on the next run, so a second run
# only rebuilds Rust code that changed. Delete a stamp (prefix/.stamps/<name>) to rebuild one
# library. --deps-only stops after FFmpeg. Builds run at the lowest CPU priority (nice 19):
# the build machine is shared.
#
# Needs root (or sudo) once, to install the MinGW, Wine, msitools, meson and nasm packages
# and to add a deb-src entry for Debian's source packages.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
renice -n 19 $$ >/dev/null 2>&1 || true

deps_only=0
make_msi=1
for arg in "$@"; do
    case "$arg" in
        --deps-only) deps_only=1 ;;
        --no-msi) make_msi=0 ;;
        *) echo "build-windows: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

host=x86_64-w64-mingw32
target=x86_64-pc-windows-gnu
cache="${CLIPWRIGHT_WINDOWS_CACHE:-$HOME/.cache/clipwright/windows}"
src="$cache/src"
work="$cache/build"
prefix="$cache/prefix"
stamps="$prefix/.stamps"
jobs=$(nproc)
mkdir -p "$src" "$work" "$prefix" "$stamps"

log() { echo "build-windows: $*" >&2; }
die() { echo "build-windows: error: $*" >&2; exit 1; }

sudo_cmd=""
[[ $(id -u) -ne 0 ]] && sudo_cmd=sudo

# ---------------------------------------------------------------- packages and sources ---
# The posix thread flavour of MinGW throughout: whisper.cpp's C++ uses std::thread and
# std::mutex, which Debian 12's win32-flavoured libstdc++ does not provide; every C++ library
# then shares one libstdc++-6.dll (the posix one, with libwinpthread-1.dll).
install_packages() {
    local need=()
    command -v $host-gcc-posix >/dev/null || need+=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64)
    command -v wine >/dev/null || need+=(wine wine64)
    command -v wixl >/dev/null || need+=(wixl msitools)
    command -v meson >/dev/null || need+=(meson ninja-build)
    command -v nasm >/dev/null || need+=(nasm)
    command -v cmake >/dev/null || need+=(cmake)
    command -v pkg-config >/dev/null || need+=(pkg-config)
    command -v dpkg-source >/dev/null || need+=(dpkg-dev)
    [[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf ]] ||
        need+=(fonts-liberation2)
    [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
    if ((${#need[@]})); then
        log "installing ${need[*]}"
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
            "${need[@]}" >/dev/null
    fi
    if ! rustup target list --installed | grep -qx "$target"; then
        rustup target add "$target"
    fi
}

# Debian's source packages, through a deb-src entry mirroring the deb one.
ensure_deb_src() {
    if apt-cache showsrc ffmpeg 2>/dev/null | grep -q '^Package: ffmpeg'; then
        return
    fi
    log "adding a deb-src entry for Debian's source packages"
    sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
        $sudo_cmd tee /etc/apt/sources.list.d/clipwright-deb-src.sources >/dev/null
    $sudo_cmd apt-get update -qq
}

# fetch PACKAGE UPSTREAM_VERSION_PREFIX: downloads the source package into $src unless its
# upstream tarball is already there. Tries each version apt knows, newest first (a version
# listed in the index can be missing from the mirror).
fetch_source() {
    local pkg=$1 tarball_glob=$2
    if compgen -G "$src/$tarball_glob" >/dev/null; then
        return
    fi
    ensure_deb_src
    local version
    for version in $(apt-cache showsrc "$pkg" | awk '/^Version:/ {print $2}' | sort -rV); do
        log "downloading the $pkg $version source package"
        if (cd "$src" && apt-get source --download-only "$pkg=$version" >/dev/null 2>&1); then
            compgen -G "$src/$tarball_glob" >/dev/null && return
        fi
    done
    die "could not download the $pkg source package (apt-get source $pkg)"
}

# unpack TARBALL_GLOB DIR: a fresh copy of the upstream sources in $work/DIR.
unpack() {
    local tarball dir=$2
    tarball=$(compgen -G "$src/$1" | grep -v '\.asc$' | head -n1)
    rm -rf "${work:?}/$dir" "$work/$dir.tmp"
    mkdir -p "$work/$dir.tmp"
    tar -C "$work/$dir.tmp" -xf "$tarball"
    mv "$work/$dir.tmp"/* "$work/$dir"
    rm -rf "$work/$dir.tmp"
}

# A meson cross file for MinGW-w64 (posix flavour).
cross_file="$work/mingw64.meson"
write_cross_file() {
    cat >"$cross_file" <<EOF
[binaries]
c = '$host-gcc-posix'
cpp = '$host-g++-posix'
ar = '$host-ar'
strip = '$host-strip'
windres = '$host-windres'
pkgconfig = 'pkg-config'

[properties]
pkg_config_libdir = '$prefix/lib/pkgconfig'

[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
EOF
}

# Only libraries from the prefix, never the Linux ones.
export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"

meson_build() { # DIR [meson options...]
    local dir=$1
    shift
    (cd "$work/$dir" &&
        meson setup build --cross-file "$cross_file" --prefix "$prefix" --libdir lib \
            --buildtype release --default-library shared "$@" >"$work/$dir.log" 2>&1 &&
        ninja -C build -j "$jobs" >>"$work/$dir.log" 2>&1 &&
        ninja -C build install >>"$work/$dir.log" 2>&1) ||
        die "$dir failed; see $work/$dir.log"
}

configure_build() { # DIR NAME [configure options...]: ./configure, make, make install
    local dir=$1 name=$2
    shift 2
    (cd "$work/$dir" &&
        ./configure "$@" >"$work/$dir.log" 2>&1 &&
        make -j "$jobs" >>"$work/$dir.log" 2>&1 &&
        make install >>"$work/$dir.log" 2>&1) || die "$name failed; see $work/$dir.log"
}

# stage NAME TARBALL_GLOB [UNPACK_GLOB]: fetches and unpacks the NAME source package and
# runs build_NAME in it, unless the stamp of an earlier run says it is done.
stage() {
    local name=$1 tarball_glob=$2 unpack_glob=${3:-$2}
    [[ ! -f "$stamps/$name" ]] || return 0
    local t0
    t0=$(date +%s)
    fetch_source "$name" "$tarball_glob"
    unpack "$unpack_glob" "$name"
    "build_$name"
    touch "$stamps/$name"
    log "$name done ($(($(date +%s) - t0)) s)"
}

build_x264() {
    configure_build x264 x264 --host=$host --cross-prefix=$host- --prefix="$prefix" \
        --enable-shared --disable-cli --enable-pic --bit-depth=8 --disable-lavf --disable-swscale \
        --disable-ffms --disable-gpac --disable-lsmash
}

build_freetype() {
    meson_build freetype -Dzlib=internal -Dbzip2=disabled -Dpng=disabled \
        -Dharfbuzz=disabled -Dbrotli=disabled -Dtests=disabled
}

build_fribidi() {
    meson_build fribidi -Ddocs=false
}

# libass has needed HarfBuzz since 0.15.
build_harfbuzz() {
    meson_build harfbuzz -Dfreetype=enabled -Dglib=disabled -Dgobject=disabled \
        -Dcairo=disabled -Dchafa=disabled -Dicu=disabled -Dtests=disabled \
        -Dintrospection=disabled -Ddocs=disabled -Dbenchmark=disabled
}

# Fonts come from DirectWrite (the system's fonts) on Windows; no fontconfig.
build_libass() {
    configure_build libass libass --host=$host --prefix="$prefix" CC=$host-gcc-posix \
        --enable-shared --disable-static --disable-fontconfig --enable-directwrite \
        --disable-libunibreak --disable-require-system-font-provider
}

# FFmpeg 5.1 as DLLs. All decoders, demuxers, parsers and filters stay (users import any
# file); only the command-line programs, documentation and debug information are left out.
build_ffmpeg() {
    configure_build ffmpeg FFmpeg --prefix="$prefix" --target-os=mingw32 --arch=x86_64 \
        --cross-prefix=$host- --cc=$host-gcc-posix --cxx=$host-g++-posix \
        --pkg-config=pkg-config --enable-shared --disable-static \
        --enable-gpl --enable-libx264 --enable-libass --enable-libfreetype \
        --enable-libfribidi --disable-programs --disable-doc --disable-debug \
        --extra-version=clipwright
}

t0=$(date +%s)
install_packages
write_cross_file
stage x264 'x264_*.orig.tar.*'
stage freetype 'freetype_*.orig.tar.*' 'freetype_*+dfsg.orig.tar.*'
stage fribidi 'fribidi_*.orig.tar.*'
stage harfbuzz 'harfbuzz_*.orig.tar.*'
stage libass 'libass_*.orig.tar.*'
stage ffmpeg 'ffmpeg_*.orig.tar.xz'
t_deps=$(date +%s)
log "libraries ready in $prefix ($((t_deps - t0)) s)"
if ((deps_only)); then
    exit 0
fi

# --------------------------------------------------------------------- clipwright.exe ---
# A separate target folder: the Windows build never waits on (or locks) the Linux one.
export CARGO_TARGET_DIR="${CLIPWRIGHT_WINDOWS_TARGET_DIR:-$HOME/.cache/clipwright/target-windows}"
export FFMPEG_DIR="$prefix"
# The posix-flavoured compilers and linker: whisper.cpp (C++, std::thread) and the final
# link must use the same libstdc++ (see install_packages).
export CC_x86_64_pc_windows_gnu=$host-gcc-posix
export CXX_x86_64_pc_windows_gnu=$host-g++-posix
export AR_x86_64_pc_windows_gnu=$host-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=$host-gcc-posix
# whisper.cpp: Debian 12's MinGW headers lack the thread power-throttling declarations its
# Windows thread code uses; this header supplies them (whisper-rs-sys hands CMAKE_* variables
# to CMake, and the cmake crate leaves the _RELEASE flags alone outside MSVC).
export CMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG -include $repo/packaging/windows/mingw-compat.h"
# And ggml names its libraries ggml.a on Windows where rustc looks for libggml.a.
export CMAKE_PROJECT_ggml_INCLUDE="$repo/packaging/windows/ggml-lib-prefix.cmake"
# Release, without the line tables the Linux profile keeps (the .exe is stripped anyway).
export CARGO_PROFILE_RELEASE_DEBUG=false
if [[ -z "${CLIPWRIGHT_GIT_COMMIT:-}" ]]; then
    CLIPWRIGHT_GIT_COMMIT=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
    export CLIPWRIGHT_GIT_COMMIT
fi
# ffmpeg-sys-next does not rerun its build script when FFMPEG_DIR changes: if its cached
# output points at another FFmpeg, clean it so the link uses this one.
for output in "$CARGO_TARGET_DIR/$target"/release/build/ffmpeg-sys-next-*/output; do
    if [[ -f "$output" ]] && ! grep -qF "native=$prefix/lib" "$output"; then
        log "ffmpeg-sys-next was built against another FFmpeg; rebuilding it"
        cargo clean --release --target "$target" -p ffmpeg-sys-next
        break
    fi
done
log "building clipwright.exe (cargo build --release --target $target)"
cargo build --locked --release --target "$target" --bin clipwright
t_exe=$(date +%s)
exe="$CARGO_TARGET_DIR/$target/release/clipwright.exe"

# ----------------------------------------------------------------------- the folder ---
out="$repo/target/windows"
stage_dir="$out/Clipwright"
rm -rf "$stage_dir"
mkdir -p "$stage_dir/fonts" "$stage_dir/licences"
$host-strip -o "$stage_dir/clipwright.exe" "$exe"

# Where the DLLs we ship come from: our prefix, then MinGW's (posix) runtime.
gcc_dir=$(dirname "$($host-gcc-posix -print-libgcc-file-name)")
dll_dirs=("$prefix/bin" "$gcc_dir" "/usr/$host/lib")
# A DLL Wine provides is a system DLL (kernel32, user32, d3d11, api-ms-win-*...): Windows
# has it, we do not ship it.
wine_dlls=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows
[[ -d "$wine_dlls" ]] || die "Wine's DLL folder $wine_dlls is missing (apt-get install wine64)"
# System DLLs of Windows 10 that Wine 8.0 does not have: Rust's standard library takes its
# random numbers from bcryptprimitives.dll (ProcessPrng), windows-capture needs
# coremessaging.dll (CreateDispatcherQueueController).
windows10_dlls=(bcryptprimitives.dll coremessaging.dll)
imports() { $host-objdump -p "$1" | sed -n 's/^\s*DLL Name: //p'; }
find_dll() {
    local d
    for d in "${dll_dirs[@]}"; do
        if [[ -f "$d/$1" ]]; then
            echo "$d/$1"
            return
        fi
    done
}
missing=()
queue=("$stage_dir/clipwright.exe")
while ((${#queue[@]})); do
    file=${queue[0]}
    queue=("${queue[@]:1}")
    while read -r name; do
        [[ -n "$name" ]] || continue
        [[ -f "$stage_dir/$name" ]] && continue
        found=$(find_dll "$name")
        if [[ -n "$found" ]]; then
            cp "$found" "$stage_dir/$name"
            queue+=("$stage_dir/$name")
        elif [[ "${name,,}" == api-ms-win-* || "${name,,}" == ext-ms-* ]]; then
            : # an API set: the loader maps it onto a system DLL
        elif [[ " ${windows10_dlls[*]} " == *" ${name,,} "* ]]; then
            : # a Windows 10 system DLL that Wine 8 lacks (windows-smoke.sh stands in for it)
        elif [[ -z "$(find "$wine_dlls" -maxdepth 1 -iname "$name" -print -quit)" ]]; then
            missing+=("$name (needed by $(basename "$file"))")
        fi
    done < <(imports "$file")
done
if ((${#missing[@]})); then
    die "DLLs found nowhere: ${missing[*]}"
fi
for lib in avcodec avformat avutil avdevice avfilter swscale swresample; do
    compgen -G "$stage_dir/$lib-*.dll" >/dev/null || die "$lib-*.dll is not among the DLLs"
done
$host-strip --strip-unneeded "$stage_dir"/*.dll

# Fonts for burned subtitles: libass finds the system's fonts through DirectWrite, and
# Clipwright also hands it this folder (src/media/burn.rs), so the default style's Arial
# (metric-compatible Liberation Sans) and wide Unicode coverage (DejaVu Sans) are there
# even where Windows lacks them (and under Wine, which has neither).
for f in /usr/share/fonts/truetype/liberation2/LiberationSans-{Regular,Bold,Italic,BoldItalic}.ttf \
    /usr/share/fonts/truetype/dejavu/DejaVuSans{,-Bold}.ttf; do
    [[ -f "$f" ]] || die "font $f is missing (apt-get install fonts-liberation2 fonts-dejavu-core)"
    cp "$f" "$stage_dir/fonts/"
done

# Licences of everything in the folder.
lic="$stage_dir/licences"
cat >"$lic/README.txt" <<TXT
Clipwright is distributed under the MIT or Apache-2.0 licence (your choice). This folder
bundles FFmpeg built with libx264 (GPL-2.0-or-later), so the package as a whole is
distributed under the terms of the GNU GPL version 2 or later (FFmpeg-GPL.txt); the source
of every bundled library is the Debian 12 source package of the same name and version:
$(find "$src" -maxdepth 1 -name '*.dsc' -printf '  %f\n' | sed 's/\.dsc$//' | sort)
TXT
cp "$work/ffmpeg/COPYING.GPLv2" "$lic/FFmpeg-GPL.txt"
cp "$work/ffmpeg/LICENSE.md" "$lic/FFmpeg-LICENSE.md"
cp "$work/x264/COPYING" "$lic/x264.txt"
cp "$work/libass/COPYING" "$lic/libass.txt"
cp "$work/fribidi/COPYING" "$lic/fribidi.txt"
cp "$work/harfbuzz/COPYING" "$lic/harfbuzz.txt"
cp "$work/freetype/docs/FTL.TXT" "$lic/freetype-FTL.txt"
cp /usr/share/doc/fonts-liberation2/copyright "$lic/fonts-Liberation.txt"
cp /usr/share/doc/fonts-dejavu-core/copyright "$lic/fonts-DejaVu.txt"
cp assets/stickers/LICENSE.md "$lic/stickers-Twemoji-CC-BY-4.0.md"
# The portrait models compiled into the exe (Google MediaPipe, Apache-2.0): the licence
# text and the README saying where they came from and how they were converted.
cp assets/models/portrait/LICENSE-Apache-2.0 "$lic/portrait-models-MediaPipe-Apache-2.0.txt"
cp assets/models/portrait/README.md "$lic/portrait-models-MediaPipe-README.md"
cp /usr/share/doc/gcc-mingw-w64-base/copyright "$lic/mingw-gcc-runtime.txt"
cp /usr/share/doc/mingw-w64-common/copyright "$lic/mingw-w64-winpthreads.txt"
log "gathered $(find "$stage_dir" -type f | wc -l) files in $stage_dir" \
    "($(du -sh "$stage_dir" | cut -f1))"

# ---------------------------------------------------------------------------- .msi ---
if ((make_msi)); then
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
    msi_version=${version%%[-+]*}
    msi="$out/Clipwright-$version-x86_64.msi"
    msi_work="$out/msi"
    rm -rf "$msi_work" "$msi"
    mkdir -p "$msi_work"
    # wixl resolves sources relative to its working folder only.
    cp packaging/windows/wixl.wxs packaging/windows/clipwright.ico "$msi_work/"
    (cd "$stage_dir" && find . -type f ! -name clipwright.exe | sed 's|^\./||' | sort) |
        wixl-heat -p '' --component-group ClipwrightFiles --var var.StageDir \
            --directory-ref INSTALLFOLDER --win64 >"$msi_work/files.wxs"
    (cd "$msi_work" && wixl -a x64 -D Win64=yes -D "Version=$msi_version" \
        -D StageDir=../Clipwright -D IconFile=clipwright.ico \
        -o "$msi" wixl.wxs files.wxs) || die "wixl failed"
    log "wrote $msi ($(du -h "$msi" | cut -f1))"
fi
t_end=$(date +%s)
log "done in $((t_end - t0)) s (libraries $((t_deps - t0)) s, clipwright.exe" \
    "$((t_exe - t_deps)) s, folder and .msi $((t_end - t_exe)) s)"
