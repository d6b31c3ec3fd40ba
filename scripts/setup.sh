#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine, from this repository only.
#   bash scripts/setup.sh          -> .venv with the runtime requirements
#   bash scripts/setup.sh --test   -> also Debian's GDAL tools, Chromium + ChromeDriver,
#                                     a CJK font, poppler, and the test requirements
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_pkgs=(fonts-noto-cjk)
[ $want_test = 1 ] && apt_pkgs+=(gdal-bin chromium chromium-driver poppler-utils)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ $want_test = 1 ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
else
  .venv/bin/python -m pip install -q -r requirements.txt
fi
