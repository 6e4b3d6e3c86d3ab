#!/usr/bin/env bash
# Makes a fresh machine (Node 20 + npm only) ready to run or test the project:
# the pinned pnpm, the workspace dependencies, and Debian's chromium for browser tests.
# Idempotent and quick when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "[bootstrap] installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# NOTE: better-sqlite3 has no reachable prebuilt binary here and compiles against Node's headers;
# pnpm ignores nodedir in .npmrc, so it must come from the environment.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
stamp=node_modules/.bootstrap-stamp
lockhash=$(cat pnpm-lock.yaml package.json pnpm-workspace.yaml */*/package.json */package.json 2>/dev/null | sha1sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lockhash" ]; then
  echo "[bootstrap] pnpm install"
  if [ -f pnpm-lock.yaml ]; then pnpm install --frozen-lockfile; else pnpm install; fi
  echo "$lockhash" > "$stamp"
fi

# Browser tests drive Debian's chromium (tools that download their own browsers cannot work here).
# A CJK font so Chinese UI text renders in screenshots (Debian's chromium ships none).
if [ "${AIPHOTO_SKIP_CHROMIUM:-}" != "1" ] && { [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "[bootstrap] installing chromium and a CJK font (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "[bootstrap] WARNING: /usr/bin/chromium missing and cannot apt-get install it; browser tests will fail" >&2
  fi
fi
