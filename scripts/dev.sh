#!/usr/bin/env bash
# `npm run dev`: builds the H5 preview when it is missing or older than its sources, then starts the local cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
h5=apps/miniapp/dist/h5/index.html
if [ -d apps/miniapp ] && [ "${AIPHOTO_SKIP_H5_BUILD:-}" != "1" ]; then
  newest_src=$(find apps/miniapp/src apps/miniapp/config packages/client/src packages/contract/src -type f -newer "$h5" 2>/dev/null | head -1 || true)
  if [ ! -f "$h5" ] || [ -n "$newest_src" ]; then
    echo "[dev] building the H5 preview (apps/miniapp/dist/h5) ..."
    pnpm --filter @aiphoto/miniapp build:h5
  fi
fi
exec pnpm --filter @aiphoto/local-cloud start
