#!/usr/bin/env bash
# deps.sh — install the Debian packages carecoord needs to build, run and test,
# if any are missing, and the npm package the FHIR test validates with.
# Uses sudo only when not root, and only for apt-get.
set -eu
pkgs=(meson ninja-build pkg-config gcc python3 libsqlite3-dev libsodium-dev
      libncurses-dev libcjson-dev libcmocka-dev sqlite3 tmux tzdata clang
      python3-hl7)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
# The FHIR export's test validates with an npm package: Node.js and npm from
# Debian when the machine has none of its own.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
# The npm packages (pinned by tests/fhir/package-lock.json); a failure is
# reported here and makes the export test fail with the reason, never pass.
"$(dirname -- "${BASH_SOURCE[0]}")/npm-deps.sh" >/dev/null ||
    echo "deps: the FHIR validator could not be installed (cli_export will fail)" >&2
