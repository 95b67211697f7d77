#!/usr/bin/env bash
# Install what the render check needs, where it is missing: Debian's chromium, cmark-gfm,
# node and fonts (apt-get, as root or through sudo), and the node packages pinned by
# package-lock.json (npm ci; puppeteer-core drives the system's Chromium, nothing else is
# downloaded). Run by scripts/setup dev and scripts/render-check.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v cmark-gfm >/dev/null || need+=(cmark-gfm)
command -v node >/dev/null || need+=(nodejs npm)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "tools/render-check: install ${need[*]} (the render check needs them)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "== installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! cmp -s package-lock.json node_modules/.okr-installed-lock 2>/dev/null; then
  echo "== npm ci (tools/render-check)"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.okr-installed-lock
fi
