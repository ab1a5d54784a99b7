#!/usr/bin/env bash
# Installs the Windows package scripts/build-windows.sh made into a fresh Wine prefix and
# runs the INSTALLED program the way a Windows user's first minute does:
#
#   scripts/windows-smoke.sh [path/to/Clipwright-*.msi]
#
#  1. `msiexec /i … /qn`: the program, its DLLs and fonts land in C:\Program Files\Clipwright
#     and the Start-menu shortcut exists;
#  2. `clipwright.exe --version` names the FFmpeg it loaded (5.1: libavformat 59);
#  3. `probe` on a file the ffmpeg CLI generated;
#  4. `subtitles convert` SRT → ASS;
#  5. a quick-mode export (speed 1.5, --canvas 1080x1920 --fit fill, burned subtitles)
#     checked like the Linux export tests: every output frame n is source frame ⌊1.5 n⌋
#     under the CLI's scale…increase,crop (PSNR ≥ 30 dB above the subtitles), the
#     subtitles are drawn while their cue shows (in the export's time), the 440 Hz tone keeps its pitch, and the
#     duration is 2/3 of the source's;
#  6. `transcribe` with the tiny.en test model (scripts/fetch-test-models.sh);
#  7. `record --test-pattern` through the Windows recorder (pacing, encoder, fragmented MP4);
#  8. the app with no arguments under Xvfb shows a window titled Clipwright, draws it (a
#     screenshot with many colours) and closes cleanly when asked to;
#  9. `msiexec /x` removes every installed file.
# Every file the program reads or writes lives under C:\users\Zoë Ünal\Vidéos\Clips à tester
# (spaces and non-ASCII letters on purpose), and so does the model.
#
# Wine cannot run Windows.Graphics.Capture, WASAPI loopback or hardware encoders: step 7
# records the built-in test pattern without sound, and exports use libx264.
# KEEP=1 keeps the work folder (Wine prefix, files, screenshot) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
renice -n 19 $$ >/dev/null 2>&1 || true

log() { echo "windows-smoke: $*" >&2; }
die() { echo "windows-smoke: FAILED: $*" >&2; exit 1; }

msi=${1:-}
if [[ -z "$msi" ]]; then
    msi=$(find target/windows -maxdepth 1 -name 'Clipwright-*.msi' -printf '%T@ %p\n' 2>/dev/null |
        sort -rn | head -n1 | cut -d' ' -f2-)
fi
[[ -n "$msi" && -f "$msi" ]] || die "no .msi: run scripts/build-windows.sh first"
msi=$(realpath "$msi")
for tool in wine wineserver Xvfb xdotool import identify ffmpeg ffprobe espeak-ng; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install wine wine64 xvfb" \
        "xdotool imagemagick ffmpeg espeak-ng)"
done
py=/usr/bin/python3
models=$(scripts/fetch-test-models.sh)

work=$(mktemp -d "${TMPDIR:-/tmp}/clipwright smoke.XXXXXX")
xvfb_pid=""
cleanup() {
    wineserver -k >/dev/null 2>&1 || true
    [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null
    if [[ "${KEEP:-0}" == 1 ]]; then
        log "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

export LANG=C.UTF-8 LC_ALL=C.UTF-8
export WINEPREFIX="$work/wine prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko installer prompts, and no menu entries in this user's Linux desktop.
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
drive_c="$WINEPREFIX/drive_c"
t0=$(date +%s)
wine wineboot --init >/dev/null 2>&1 || die "wineboot could not make a Wine prefix"
wineserver -w
log "fresh Wine prefix in $(($(date +%s) - t0)) s"

# Two system DLLs of Windows 10 that Wine 8.0 lacks, as small stand-ins in the prefix's
# system32 (never in the package: Windows has the real ones). Rust's standard library draws
# its random numbers from bcryptprimitives.dll; coremessaging.dll serves
# Windows.Graphics.Capture, which Wine cannot run anyway.
shims="$work/shims"
mkdir -p "$shims"
cat >"$shims/bcryptprimitives.c" <<'C'
#include <windows.h>
#include <bcrypt.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    return BCryptGenRandom(NULL, data, (ULONG)size, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
C
cat >"$shims/coremessaging.c" <<'C'
#include <windows.h>
HRESULT WINAPI CreateDispatcherQueueController(void *options, void **controller) {
    (void)options;
    if (controller) *controller = NULL;
    return E_NOTIMPL;
}
C
x86_64-w64-mingw32-gcc -O2 -shared -o "$drive_c/windows/system32/bcryptprimitives.dll" \
    "$shims/bcryptprimitives.c" -lbcrypt
x86_64-w64-mingw32-gcc -O2 -shared -o "$drive_c/windows/system32/coremessaging.dll" \
    "$shims/coremessaging.c"

# The user's folder: spaces and non-ASCII letters in every path the program is given.
data="$drive_c/users/Zoë Ünal/Vidéos/Clips à tester"
mkdir -p "$data"
win() { # a Unix path under drive_c as Windows sees it
    local p=${1#"$drive_c"}
    echo "C:${p//\//\\}"
}
install_dir="$drive_c/Program Files/Clipwright"
exe_win='C:\Program Files\Clipwright\clipwright.exe'
# Runs the installed program; stdout and stderr go to $work/out and $work/err.
cw() {
    timeout "${CW_TIMEOUT:-600}" wine "$exe_win" "$@" >"$work/out" 2>"$work/err"
}
cw_ok() { # what, args...
    local what=$1
    shift
    if ! cw "$@"; then
        cat "$work/out" "$work/err" >&2
        die "$what: clipwright.exe $* failed"
    fi
}

# ------------------------------------------------------------------------ 1. install ---
t=$(date +%s)
wine msiexec /i "$(winepath -w "$msi")" /qn /l*v "$(winepath -w "$work/install.log")" \
    >/dev/null 2>&1 || die "msiexec /i failed (log: $work/install.log)"
wineserver -w
[[ -f "$install_dir/clipwright.exe" ]] || die "no clipwright.exe in $install_dir"
for f in avcodec-59.dll avformat-59.dll libass-9.dll libx264-164.dll libstdc++-6.dll \
    fonts/LiberationSans-Regular.ttf licences/FFmpeg-GPL.txt; do
    [[ -f "$install_dir/$f" ]] || die "$f was not installed"
done
# The Start menu's Programs folders: all users' (where Windows puts a per-machine install's
# shortcut) and the user's (where Wine 8's msi puts it, ALLUSERS=1 notwithstanding).
start_menus=("$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs"
    "$drive_c/users/$(id -un)/AppData/Roaming/Microsoft/Windows/Start Menu/Programs")
find_shortcut() { { find "${start_menus[@]}" -iname 'Clipwright.lnk' 2>/dev/null || true; } | head -n1; }
shortcut=$(find_shortcut)
[[ -n "$shortcut" ]] || die "no Start-menu shortcut"
log "1. installed in $(($(date +%s) - t)) s: $(find "$install_dir" -type f | wc -l) files," \
    "Start-menu shortcut"

# ------------------------------------------------------------------------ 2. version ---
cw_ok "--version" --version
version=$(cat "$work/out")
[[ "$version" =~ ^clipwright\ [0-9][^\ ]*\ \(commit\ [^\)]+\)\ with\ FFmpeg\ libavformat\ 59\. ]] ||
    die "--version printed: $version $(cat "$work/err")"
log "2. $version"

# -------------------------------------------------------------------------- 3. probe ---
source="$data/Source clip.mp4"
ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=30:duration=3" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 128k -shortest "$source"
cw_ok probe probe --json "$(win "$source")"
$py - "$work/out" <<'PY' || die "probe reported the wrong facts"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
report = json.loads(text)
s = json.dumps(report)
for word in ('"h264"', '"aac"', "640", "360"):
    assert word in s, f"{word} missing from probe --json: {s[:400]}"
PY
cw_ok probe probe "$(win "$source")"
log "3. probe: $(tr '\n' ' ' <"$work/out" | cut -c1-150)"

# ---------------------------------------------------------------- 4. subtitles convert ---
srt="$data/Sous-titres été.srt"
printf '1\r\n00:00:00,600 --> 00:00:01,500\r\nBonjour à tous, ça tourne !\r\n\r\n' >"$srt"
ass="$data/Sous-titres été.ass"
cw_ok "subtitles convert" subtitles convert "$(win "$srt")" "$(win "$ass")"
grep -q '^Dialogue: .*Bonjour à tous, ça tourne' "$ass" ||
    die "the converted .ass has no Dialogue line with the text"
log "4. subtitles convert: SRT → ASS with the cue"

# ------------------------------------------------------------------------- 5. export ---
export_out="$data/Export vertical ×1,5.mp4"
export_args=(export -q --speed 1.5 --canvas 1080x1920 --fit fill --no-hardware)
t=$(date +%s.%N)
cw_ok export "${export_args[@]}" --input "$(win "$source")" --subtitles "$(win "$srt")" \
    -o "$(win "$export_out")"
export_s=$($py -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
    "$t" "$(date +%s.%N)")
$py - "$source" "$export_out" <<'PY' || die "the export does not match its source"
import json, math, struct, subprocess, sys

source, out = sys.argv[1], sys.argv[2]

def probe(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json",
                        path], capture_output=True, check=True)
    return json.loads(r.stdout)

info = probe(out)
video = [s for s in info["streams"] if s["codec_type"] == "video"][0]
audio = [s for s in info["streams"] if s["codec_type"] == "audio"][0]
assert (video["width"], video["height"]) == (1080, 1920), video
assert video["codec_name"] == "h264" and audio["codec_name"] == "aac"
duration = float(info["format"]["duration"])
assert abs(duration - 2.0) <= 0.1, f"lasts {duration} s, not 2.0"

W, H = 270, 480
def frames(path, vf):
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", vf, "-f", "rawvideo",
                        "-pix_fmt", "gray", "-"], capture_output=True, check=True)
    n = W * H
    return [r.stdout[i:i + n] for i in range(0, len(r.stdout) - n + 1, n)]

def psnr(a, b):
    mse = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)

fill = "scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920"
src = frames(source, f"{fill},scale={W}:{H}")
ours = frames(out, f"scale={W}:{H}")
assert abs(len(ours) - 60) <= 1, f"{len(ours)} frames, not 60"
top = slice(0, W * H * 2 // 3)          # above the subtitles
bottom = slice(W * H * 3 // 4, W * H)   # where the subtitles are drawn
worst, drawn = 99.0, []
for n, frame in enumerate(ours):
    ref = src[min(len(src) - 1, int(n * 1.5))]
    db = psnr(frame[top][::7], ref[top][::7])
    worst = min(worst, db)
    t = n / 30  # output time: cue times given with --subtitles are the export's, as on Linux
    if 0.7 <= t <= 1.4:
        drawn.append(psnr(frame[bottom][::3], ref[bottom][::3]))
    elif t < 0.5 or t > 1.6:
        assert psnr(frame[bottom][::3], ref[bottom][::3]) >= 30, f"frame {n}: text outside its cue"
assert worst >= 30, f"an output frame is {worst:.1f} dB from its source frame"
assert drawn and max(drawn) < 28, f"no subtitles drawn while the cue shows: {drawn}"

# The tone: 440 Hz after a 1.5x speed-up (pitch kept), from zero crossings.
r = subprocess.run(["ffmpeg", "-v", "error", "-i", out, "-ac", "1", "-ar", "48000", "-f", "s16le",
                    "-"], capture_output=True, check=True)
samples = struct.unpack(f"<{len(r.stdout) // 2}h", r.stdout)
mid = samples[len(samples) // 4: 3 * len(samples) // 4]
crossings = sum(1 for a, b in zip(mid, mid[1:]) if a < 0 <= b)
freq = crossings / (len(mid) / 48000)
assert abs(freq - 440) < 5, f"tone at {freq:.1f} Hz"
audio_s = len(samples) / 48000
assert abs(audio_s - 2.0) < 0.1, f"sound lasts {audio_s:.2f} s"
print(f"frames {len(ours)}, worst PSNR {worst:.1f} dB, subtitle area {min(drawn):.1f} dB, "
      f"tone {freq:.1f} Hz, {duration:.3f} s")
PY
log "5. export (speed 1.5, 1080x1920 fill, burned subtitles) in $export_s s under Wine"
# The same job through a Linux build, when one is at hand, for the timing comparison.
linux_bin=${CLIPWRIGHT_LINUX_BIN:-}
if [[ -n "$linux_bin" && -x "$linux_bin" ]]; then
    t=$(date +%s.%N)
    "$linux_bin" "${export_args[@]}" --input "$source" --subtitles "$srt" -o "$work/linux.mp4"
    log "   the same export with the Linux build: $($py -c \
        "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
        "$t" "$(date +%s.%N)") s"
fi

# --------------------------------------------------------------------- 6. transcribe ---
model="$data/Modèles/whisper tiny.en"
mkdir -p "$model"
cp "$models/whisper-tiny.en-ct2/"* "$model/"
speech="$data/Parole enregistrée.wav"
fox="the quick brown fox jumps over the lazy dog"
espeak-ng -v en -w "$speech" "$fox" # as tests/transcribe.rs says it
words="$data/Parole enregistrée.srt"
t=$(date +%s)
cw_ok transcribe transcribe "$(win "$speech")" -o "$(win "$words")" --language en \
    --model "$(win "$model")"
# The Linux test's bar: a word error rate under 0.3.
$py - "$fox" "$words" <<'PY' || die "transcribe heard something else: $(cat "$words")"
import re, sys
def words(s):
    return [w for w in (re.sub(r"[^\w]", "", w).lower() for w in s.split()) if w]
ref = words(sys.argv[1])
lines = open(sys.argv[2], encoding="utf-8-sig").read().splitlines()
heard = words(" ".join(l for l in lines if "-->" not in l and not l.strip().isdigit()))
row = list(range(len(heard) + 1))
for i, r in enumerate(ref):
    prev, row[0] = row[0], i + 1
    for j, h in enumerate(heard):
        cur = row[j + 1]
        row[j + 1] = min(prev + (r != h), row[j] + 1, cur + 1)
        prev = cur
wer = row[len(heard)] / len(ref)
assert wer < 0.3, f"word error rate {wer:.2f}: {heard}"
PY
log "6. transcribe (tiny.en) in $(($(date +%s) - t)) s: $(grep -v -- '-->' "$words" |
    grep -v '^[0-9]*$' | tr -s '\r\n' ' ')"

# ------------------------------------------------------------------------- 7. record ---
recording="$data/Enregistrement d'essai.mp4"
cw_ok record record --test-pattern 640x360 --duration 3 --audio none --encoder libx264 \
    -o "$(win "$recording")"
$py - "$recording" <<'PY' || die "the recording is not a 3 s fragmented MP4"
import json, subprocess, sys
path = sys.argv[1]
r = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
                   capture_output=True, check=True)
info = json.loads(r.stdout)
video = [s for s in info["streams"] if s["codec_type"] == "video"][0]
assert (video["width"], video["height"]) == (640, 360), video
duration = float(info["format"]["duration"])
assert abs(duration - 3.0) < 0.3, f"lasts {duration} s"
frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                        capture_output=True, check=True, text=True).stdout.strip()
assert int(frames) >= 80, f"{frames} frames in 3 s at 30 fps"
assert b"moof" in open(path, "rb").read(), "not a fragmented MP4"
print(f"{duration:.2f} s, {frames} frames")
PY
log "7. record --test-pattern: 640x360, 3 s, fragmented MP4"

# ---------------------------------------------------------------------------- 8. app ---
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
app_log="$work/app.log"
# wgpu's default on Windows, Direct3D 12, reports "Parent device is lost" under Wine on
# Xvfb; its OpenGL backend (WGL on Mesa's llvmpipe) draws the window.
DISPLAY=$display WGPU_BACKEND=gl wine "$exe_win" >"$app_log" 2>&1 &
app_pid=$!
window=""
for _ in $(seq 1 90); do
    window=$(DISPLAY=$display xdotool search --onlyvisible --name '^Clipwright$' 2>/dev/null |
        head -n1 || true)
    [[ -n "$window" ]] && break
    kill -0 "$app_pid" 2>/dev/null || { cat "$app_log" >&2; die "the app exited before its window showed"; }
    sleep 1
done
[[ -n "$window" ]] || { cat "$app_log" >&2; die "no window titled Clipwright within 90 s"; }
sleep 5 # let it draw its first frames
shot="$work/app.png"
DISPLAY=$display import -window root "$shot"
colours=$(identify -format '%k' "$shot")
((colours > 50)) || die "the window looks undrawn: $colours colours in the screenshot"
# A clean close: taskkill without /f posts WM_CLOSE, as the window's close button does.
wine taskkill /im clipwright.exe >/dev/null 2>&1 || true
closed=0
for _ in $(seq 1 30); do
    if ! kill -0 "$app_pid" 2>/dev/null; then
        closed=1
        break
    fi
    sleep 1
done
((closed)) || die "the app did not close within 30 s of WM_CLOSE"
wait "$app_pid" || { cat "$app_log" >&2; die "the app exited with an error after closing"; }
log "8. app window 'Clipwright' shown and drawn ($colours colours), closed cleanly"

# ---------------------------------------------------------------------- 9. uninstall ---
wine msiexec /x "$(winepath -w "$msi")" /qn >/dev/null 2>&1 || die "msiexec /x failed"
wineserver -w
left=0
[[ -d "$install_dir" ]] && left=$(find "$install_dir" -type f | wc -l)
((left == 0)) || die "uninstall left $left files in $install_dir"
[[ -z "$(find_shortcut)" ]] ||
    die "uninstall left the Start-menu shortcut"
log "9. uninstalled: no files left"
log "all steps passed in $(($(date +%s) - t0)) s"
