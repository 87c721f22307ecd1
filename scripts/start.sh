#!/usr/bin/env bash
# `npm start`: installs dependencies and builds on a fresh clone, then opens the desktop app.
# Where the Electron binary is missing (offline installs) or no display exists, it says so and
# starts the browser front (`layerscope serve`) instead, printing the URL to open.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ]; then
  echo "Installing dependencies (npm ci)..."
  if ! npm ci --no-audit --no-fund; then
    echo "npm ci failed (the Electron download needs internet); retrying without the Electron binary..."
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi

# Build when out/ is missing or older than any source file.
if [ ! -f out/main/index.js ] || [ ! -f out/main/cli.js ] || [ ! -f out/renderer/index.html ] \
  || [ -n "$(find src resources electron.vite.config.ts package.json -newer out/main/cli.js -print -quit 2>/dev/null)" ]; then
  echo "Building (electron-vite build)..."
  npx electron-vite build
fi

why=""
if [ ! -d node_modules/electron/dist ] || [ ! -f node_modules/electron/path.txt ]; then
  why="The Electron binary is not installed (node_modules/electron/dist is missing).
To get it, on a machine with internet run:  node node_modules/electron/install.js
(or check with: npx electron --version)."
elif [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  why="No display (DISPLAY/WAYLAND_DISPLAY unset): the desktop window cannot open here."
fi

if [ -z "$why" ]; then
  exec npx electron . "$@"
fi

echo
echo "$why"
echo "Starting the browser front instead (same app, same engine): open the URL below."
echo
exec node bin/layerscope.mjs serve "$@"
