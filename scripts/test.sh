#!/usr/bin/env bash
# THE test command (`npm test`, and what .ci/run calls).
#
# On a fresh Debian machine as root it provisions what is missing (docker.io, busybox-static,
# skopeo, podman, chromium, zstd, curl, openssl, docker-registry, apache2-utils; `npm ci` when node_modules is missing) and, when no
# engine answers at DOCKER_HOST or the default socket, starts a PRIVATE dockerd under a temp folder (own data-root,
# exec-root, pidfile and socket; no bridge, no iptables) that it stops again on exit.
# Then it runs every stage, continuing past failures:
#   typecheck, lint, unit, build, integration, node22, e2e
# (node22: the unit project and the archive integration files again under real Node 22 and 24
# binaries from the npm registry, scripts/test-env/node-versions.sh, cached in ~/.cache/layerscope)
# and ends with one line `N passed, N failed` (tests counted from the vitest and Playwright JSON
# reports; a failing stage without test results, e.g. typecheck, counts as one failure).
# Exit code: 0 only when every stage passed.
#
# Environment:
#   LAYERSCOPE_PRIVATE_DOCKERD=1  always use a private dockerd (simulates a machine without one)
#   LAYERSCOPE_STAGES="unit build" run only these stages (default: all)
#   LAYERSCOPE_NO_PROVISION=1     never install anything
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGES="${LAYERSCOPE_STAGES:-typecheck lint unit build integration node22 e2e}"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/layerscope-test.XXXXXX")"
REPORTS="$RUN_DIR/reports"
mkdir -p "$REPORTS"
PRIVATE_DIR=""
PRIVATE_PID=""
IMAGES_BEFORE="$RUN_DIR/images-before.txt"
: >"$IMAGES_BEFORE"

export CI="${CI:-}"
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NO_COLOR=1
export FORCE_COLOR=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
is_root() { [ "$(id -u)" = "0" ]; }

# ---------------------------------------------------------------- provisioning (apt)
APT_UPDATED=0
apt_install() {
  # apt_install <package>... : installs (once-updated) packages when we may.
  if [ -n "${LAYERSCOPE_NO_PROVISION:-}" ]; then note "missing: $* (LAYERSCOPE_NO_PROVISION set, not installing)"; return 1; fi
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    note "missing: $* — install it (Debian: sudo apt-get install -y $*) and run again"
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    note "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$RUN_DIR/apt-update.log" 2>&1 || { note "apt-get update failed:"; tail -5 "$RUN_DIR/apt-update.log"; }
    APT_UPDATED=1
  fi
  note "apt-get install $*"
  # policy-rc.d keeps the package scripts from starting a system dockerd we did not ask for.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$RUN_DIR/apt-install.log" 2>&1
  local rc=$?
  [ "$created_policy" = 1 ] && rm -f "$policy"
  if [ $rc -ne 0 ]; then note "apt-get install failed:"; tail -10 "$RUN_DIR/apt-install.log"; fi
  return $rc
}

provision() {
  say "provision"
  local missing=()
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  command -v dockerd >/dev/null 2>&1 || { [[ " ${missing[*]-} " == *" docker.io "* ]] || missing+=(docker.io); }
  { [ -x /bin/busybox ] || [ -x /usr/bin/busybox ]; } || missing+=(busybox-static)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  # Podman's Docker-compatible API is tested against a private `podman system service` (podman.int.test.ts).
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  { command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ]; } || missing+=(chromium)
  command -v zstd >/dev/null 2>&1 || missing+=(zstd)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  # Registry tests (scripts/test-env/registry.ts): Debian's distribution 2.8 and htpasswd for its Basic auth.
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}" || true; else note "system packages present"; fi
  if [ -z "${CHROMIUM_PATH:-}" ] && command -v chromium >/dev/null 2>&1; then export CHROMIUM_PATH="$(command -v chromium)"; fi

  if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ]; then
    note "npm ci (node_modules missing)"
    if ! npm ci --no-audit --no-fund >"$RUN_DIR/npm-ci.log" 2>&1; then
      note "npm ci failed:"; tail -20 "$RUN_DIR/npm-ci.log"
    fi
  else
    note "node_modules present"
  fi
}

# ---------------------------------------------------------------- engine
engine_answers() {
  # engine_answers [DOCKER_HOST value] : true when an engine answers there within 20 s.
  command -v docker >/dev/null 2>&1 || return 1
  if [ -n "${1:-}" ]; then
    DOCKER_HOST="$1" timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    env -u DOCKER_HOST timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  fi
}

start_private_dockerd() {
  if ! is_root; then note "cannot start a private dockerd: not root. Start Docker or set DOCKER_HOST."; return 1; fi
  if ! command -v dockerd >/dev/null 2>&1; then note "dockerd is missing (apt-get install docker.io)"; return 1; fi
  # Short path: unix socket paths must stay under 108 bytes.
  PRIVATE_DIR="$(mktemp -d /tmp/lsd.XXXXXX)"
  mkdir -p "$PRIVATE_DIR/data" "$PRIVATE_DIR/exec"
  echo '{}' >"$PRIVATE_DIR/daemon.json"
  note "starting a private dockerd in $PRIVATE_DIR"
  dockerd \
    --config-file "$PRIVATE_DIR/daemon.json" \
    --data-root "$PRIVATE_DIR/data" \
    --exec-root "$PRIVATE_DIR/exec" \
    --pidfile "$PRIVATE_DIR/docker.pid" \
    -H "unix://$PRIVATE_DIR/docker.sock" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false --userland-proxy=false \
    --containerd-namespace layerscope-test --containerd-plugins-namespace layerscope-test-plugins \
    >"$PRIVATE_DIR/dockerd.log" 2>&1 &
  PRIVATE_PID=$!
  local i
  for i in $(seq 1 120); do
    if engine_answers "unix://$PRIVATE_DIR/docker.sock"; then
      export DOCKER_HOST="unix://$PRIVATE_DIR/docker.sock"
      note "private dockerd answers at $DOCKER_HOST (pid $PRIVATE_PID, storage $(docker info --format '{{.Driver}}' 2>/dev/null))"
      return 0
    fi
    if ! kill -0 "$PRIVATE_PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  note "the private dockerd did not come up; its log:"
  tail -20 "$PRIVATE_DIR/dockerd.log"
  return 1
}

stop_private_dockerd() {
  [ -n "$PRIVATE_PID" ] || return 0
  note "stopping the private dockerd (pid $PRIVATE_PID)"
  kill -TERM "$PRIVATE_PID" 2>/dev/null
  local i
  for i in $(seq 1 60); do kill -0 "$PRIVATE_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$PRIVATE_PID" 2>/dev/null || true
  wait "$PRIVATE_PID" 2>/dev/null || true
  # Its managed containerd and shims stop with it; anything still mounted below is unmounted.
  if [ -n "$PRIVATE_DIR" ]; then
    grep -o " $PRIVATE_DIR[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$PRIVATE_DIR"
  fi
  PRIVATE_PID=""
}

setup_engine() {
  say "engine"
  if [ -n "${LAYERSCOPE_PRIVATE_DOCKERD:-}" ]; then
    note "LAYERSCOPE_PRIVATE_DOCKERD set: not using any existing engine"
    start_private_dockerd || note "no engine: integration and e2e stages will fail"
    return
  fi
  if [ -n "${DOCKER_HOST:-}" ] && engine_answers "$DOCKER_HOST"; then
    note "engine answers at DOCKER_HOST=$DOCKER_HOST"; return
  fi
  if [ -z "${DOCKER_HOST:-}" ] && engine_answers ""; then
    note "engine answers at the default socket"; return
  fi
  note "no engine answers at ${DOCKER_HOST:-the default socket}"
  start_private_dockerd || note "no engine: integration and e2e stages will fail"
}

# Test images carry the fixture label or the layerscope-test/ name; a user's images never do.
# -a: intermediate images of test builds carry the label too.
list_test_images() {
  {
    docker images -a -q --no-trunc --filter "label=org.layerscope.fixture" 2>/dev/null
    docker images -a -q --no-trunc --filter "label=org.layerscope.stage-build" 2>/dev/null
    docker images -q --no-trunc --filter "reference=layerscope-test/*" 2>/dev/null
    docker images -q --no-trunc --filter "reference=layerscope-test/*/*" 2>/dev/null
  } | sort -u
}

remove_test_images() {
  command -v docker >/dev/null 2>&1 || return 0
  engine_answers "${DOCKER_HOST:-}" || return 0
  # Only images that appeared during this run: whatever was there before stays as it was.
  # Parents refuse to go while children exist, so repeat until nothing more can be removed.
  local ids pass removed=0 before after
  for pass in 1 2 3 4 5 6; do
    ids="$(list_test_images | grep -vxF -f "$IMAGES_BEFORE" || true)"
    [ -n "$ids" ] || break
    before=$(echo "$ids" | wc -l)
    # shellcheck disable=SC2086
    docker rmi -f $ids >/dev/null 2>&1 || true
    after=$(list_test_images | grep -vxF -f "$IMAGES_BEFORE" | wc -l || true)
    removed=$((removed + before - after))
    [ "$after" -lt "$before" ] || break
  done
  note "removed $removed test image(s)"
  ids="$(list_test_images | grep -vxF -f "$IMAGES_BEFORE" || true)"
  [ -z "$ids" ] || note "could not remove: $(echo $ids | tr '\n' ' ') (in use by a container?)"
}

cleanup() {
  local rc=$?
  say "cleanup"
  remove_test_images
  stop_private_dockerd
  rm -rf "$RUN_DIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- stages
declare -A STAGE_RESULT
FAILED_STAGES=0

run_stage() {
  # run_stage <name> <command...>
  local name="$1"; shift
  case " $STAGES " in *" $name "*) ;; *) STAGE_RESULT[$name]="skipped"; return 0 ;; esac
  say "$name: $*"
  local start=$SECONDS
  "$@"
  local rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    STAGE_RESULT[$name]="PASS (${took}s)"
    printf '\033[32m== %s: PASS\033[0m (%ss)\n' "$name" "$took"
  else
    STAGE_RESULT[$name]="FAIL (exit $rc, ${took}s)"
    FAILED_STAGES=$((FAILED_STAGES + 1))
    printf '\033[31m== %s: FAIL\033[0m (exit %s, %ss)\n' "$name" "$rc" "$took"
  fi
  return 0
}

vitest_project() {
  npx vitest run --project "$1" --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-$1.json"
}

# Node 22 and 24: Electron 45's runtime (zlib zstd, Node >= 22.15) and the next LTS. The unit
# project, zstd layers made by skopeo and the zstd CLI, and a short fuzz run, whose zstd layers
# go through zlib's decoder there (Node 20, this machine's, uses the zstd CLI).
NODE22_INTEGRATION="src/main/core/archive/zstd.int.test.ts src/main/core/archive/fuzz.int.test.ts"
node22() {
  local nodes n v rc=0
  if ! nodes="$(bash scripts/test-env/node-versions.sh 22 24)"; then note "could not fetch the Node 22/24 binaries (see above)"; return 1; fi
  for n in $nodes; do
    v="$("$n" -v)"
    note "$v ($n): unit project, then $NODE22_INTEGRATION"
    # Its bin first on PATH: tests that start \`node\` get the same runtime.
    PATH="$(dirname "$n"):$PATH" "$n" node_modules/vitest/vitest.mjs run --project unit \
      --reporter=dot --reporter=json --outputFile.json="$REPORTS/vitest-node-$v-unit.json" || rc=1
    # shellcheck disable=SC2086
    PATH="$(dirname "$n"):$PATH" LAYERSCOPE_FUZZ_CASES="${LAYERSCOPE_NODE22_FUZZ_CASES:-200}" "$n" node_modules/vitest/vitest.mjs run --project integration $NODE22_INTEGRATION \
      --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-node-$v-integration.json" || rc=1
  done
  return $rc
}

e2e() {
  if [ -d node_modules/electron/dist ]; then
    note "Electron binary present: the Electron specs run too"
  else
    note "Electron specs will be SKIPPED: Electron binary not installed (node_modules/electron/dist missing)."
    note "  (on a machine with internet: node node_modules/electron/install.js)"
  fi
  LAYERSCOPE_E2E_JSON="$REPORTS/playwright.json" npx playwright test
}

provision
setup_engine
# skopeo's docker-daemon: transport ignores DOCKER_HOST: a shim on PATH passes it on.
if [ -n "${DOCKER_HOST:-}" ]; then export PATH="$ROOT/scripts/test-env/bin:$PATH"; note "skopeo docker-daemon: -> $DOCKER_HOST (scripts/test-env/bin/skopeo)"; fi
if command -v docker >/dev/null 2>&1 && engine_answers "${DOCKER_HOST:-}"; then list_test_images >"$IMAGES_BEFORE"; fi

run_stage typecheck npx tsc -b
run_stage lint npx eslint --max-warnings 0 .
run_stage unit vitest_project unit
run_stage build npx electron-vite build
run_stage integration vitest_project integration
run_stage node22 node22
run_stage e2e e2e

# ---------------------------------------------------------------- summary
say "summary"
for s in typecheck lint unit build integration node22 e2e; do printf '   %-12s %s\n' "$s" "${STAGE_RESULT[$s]:-not run}"; done
COUNTS="$(node -e '
const fs = require("fs"), path = require("path")
const dir = process.argv[1]
let passed = 0, failed = 0, skipped = 0, withTests = 0
for (const f of fs.readdirSync(dir).filter((f) => /^vitest-.*\.json$/.test(f))) {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))
    passed += r.numPassedTests || 0; failed += r.numFailedTests || 0
    skipped += (r.numPendingTests || 0) + (r.numTodoTests || 0)
    // A file that failed to load has no tests but must count.
    for (const t of r.testResults || []) if (t.status === "failed" && (!t.assertionResults || t.assertionResults.length === 0)) failed++
    withTests++
  } catch {}
}
try {
  const r = JSON.parse(fs.readFileSync(path.join(dir, "playwright.json"), "utf8"))
  passed += (r.stats.expected || 0) + (r.stats.flaky || 0); failed += r.stats.unexpected || 0; skipped += r.stats.skipped || 0
  for (const e of r.errors || []) failed++
  withTests++
} catch {}
console.log(passed + " " + failed + " " + skipped)
' "$REPORTS")"
read -r PASSED FAILED SKIPPED <<<"$COUNTS"
# A failing stage with no failing test in it (typecheck, lint, build, a crashed runner) counts as one.
for s in typecheck lint build; do case "${STAGE_RESULT[$s]:-}" in FAIL*) FAILED=$((FAILED + 1)) ;; esac; done
for s in unit integration node22 e2e; do
  case "${STAGE_RESULT[$s]:-}" in FAIL*)
    f="$REPORTS/vitest-$s.json"; [ "$s" = e2e ] && f="$REPORTS/playwright.json"
    [ "$s" = node22 ] && f="$(ls "$REPORTS"/vitest-node-*.json 2>/dev/null | head -1)"
    if [ -z "$f" ] || [ ! -s "$f" ] || [ "$FAILED" = 0 ]; then FAILED=$((FAILED + 1)); fi ;;
  esac
done
note "$SKIPPED skipped (e.g. Electron specs without the Electron binary)"
echo "$PASSED passed, $FAILED failed"
if [ "$FAILED_STAGES" -gt 0 ] || [ "$FAILED" -gt 0 ]; then exit 1; fi
exit 0
