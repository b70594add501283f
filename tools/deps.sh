#!/usr/bin/env bash
# deps.sh — install the Debian packages carecoord needs to build, run and test,
# if any are missing. Uses sudo only when not root, and only for apt-get.
set -eu
pkgs=(meson ninja-build pkg-config gcc python3 libsqlite3-dev libsodium-dev
      libncurses-dev libcjson-dev libcmocka-dev sqlite3 tmux tzdata clang
      python3-hl7)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
