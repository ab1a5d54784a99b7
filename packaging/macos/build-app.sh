#!/usr/bin/env bash
# Builds Clipwright.app and a .dmg on macOS: the release binary, Info.plist with the version
# from Cargo.toml, an .icns made from assets/icon.png, Homebrew's FFmpeg dylibs (and what they
# load) copied into Contents/Frameworks with their install names rewritten, a code signature,
# and a compressed disk image with an Applications link.
#
#   brew install ffmpeg pkg-config dylibbundler
#   packaging/macos/build-app.sh              # builds with cargo first
#   packaging/macos/build-app.sh --no-build   # packages target/release/clipwright as it is
#
# Signing (see packaging/README.md):
#   MACOS_SIGN_IDENTITY="Developer ID Application: Name (TEAMID)"  sign for distribution,
#       with the hardened runtime and entitlements.plist; unset: ad-hoc signature (runs on
#       this Mac; other Macs' Gatekeeper refuses it until it is signed and notarised).
#   MACOS_NOTARY_PROFILE=name  also notarise the .dmg with a `notarytool store-credentials`
#       profile and staple the ticket.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; fi
target_dir="${CARGO_TARGET_DIR:-target}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[[ -n "$version" ]] || { echo "no version in Cargo.toml" >&2; exit 1; }

if ((build)); then cargo build --release --locked; fi
binary="$target_dir/release/clipwright"
[[ -x "$binary" ]] || { echo "$binary is missing: build it first" >&2; exit 1; }

out="$target_dir/macos"
app="$out/Clipwright.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources" "$app/Contents/Frameworks"
cp "$binary" "$app/Contents/MacOS/clipwright"
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist.in >"$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"

# Licences of what is compiled into the program from assets/ (the stickers, the portrait
# models), as the Windows and Linux packages carry them.
lic="$app/Contents/Resources/licences"
mkdir -p "$lic"
cp assets/stickers/LICENSE.md "$lic/stickers-Twemoji-CC-BY-4.0.md"
cp assets/models/portrait/LICENSE-Apache-2.0 "$lic/portrait-models-MediaPipe-Apache-2.0.txt"
cp assets/models/portrait/README.md "$lic/portrait-models-MediaPipe-README.md"

# The icon: an .iconset of the sizes the 256-pixel master covers, then iconutil.
iconset="$out/Clipwright.iconset"
rm -rf "$iconset"
mkdir -p "$iconset"
for size in 16 32 64 128 256; do
    sips -z "$size" "$size" assets/icon.png --out "$iconset/icon_${size}x${size}.png" >/dev/null
done
cp "$iconset/icon_32x32.png" "$iconset/icon_16x16@2x.png"
cp "$iconset/icon_64x64.png" "$iconset/icon_32x32@2x.png"
cp "$iconset/icon_256x256.png" "$iconset/icon_128x128@2x.png"
rm "$iconset/icon_64x64.png"
iconutil -c icns "$iconset" -o "$app/Contents/Resources/Clipwright.icns"
rm -rf "$iconset"

# FFmpeg and everything it pulls from Homebrew go into Frameworks; the binary and each dylib
# then load them through @executable_path/../Frameworks/. -s lets dylibbundler resolve the
# @rpath references some Homebrew libraries carry without asking on the terminal.
brew_prefix=$(brew --prefix)
dylibbundler -of -cd -b \
    -x "$app/Contents/MacOS/clipwright" \
    -d "$app/Contents/Frameworks" \
    -p @executable_path/../Frameworks/ \
    -s "$brew_prefix/lib"

# Nothing may still point into Homebrew, or the app only runs where Homebrew is installed.
leftovers=0
for file in "$app/Contents/MacOS/clipwright" "$app"/Contents/Frameworks/*.dylib; do
    if otool -L "$file" | tail -n +2 | grep -E "$brew_prefix|/usr/local/(opt|Cellar)"; then
        echo "^ still referenced by $file" >&2
        leftovers=1
    fi
done
((leftovers == 0)) || exit 1

# Sign inside out: the dylibs, then the app (which seals Info.plist and resources).
if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    sign=(codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY")
else
    sign=(codesign --force --sign -)
fi
"${sign[@]}" "$app"/Contents/Frameworks/*.dylib
"${sign[@]}" --entitlements packaging/macos/entitlements.plist "$app"
codesign --verify --deep --strict --verbose=2 "$app"

line=$("$app/Contents/MacOS/clipwright" --version)
echo "bundled: $line"
[[ "$line" == "clipwright $version "* ]] || { echo "unexpected --version output" >&2; exit 1; }

dmg="$out/Clipwright-$version-$(uname -m).dmg"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Clipwright $version" -srcfolder "$staging" -format UDZO -ov "$dmg"
if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [[ -n "${MACOS_NOTARY_PROFILE:-}" ]]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
fi
echo "Built $dmg ($(du -h "$dmg" | cut -f1))"
echo "$dmg"
