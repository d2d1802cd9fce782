#!/usr/bin/env bash
# Runs the README's test command the way a new user (and CI) does: a clone of this checkout's
# HEAD in a temp dir, with no .tools/ and, unless --keep-caches, empty NuGet, .NET tool and npm
# caches, so that every pinned tool and package is fetched again. (Debian packages already
# installed stay; the install script still checks their series.) Reports the result and how long it took.
# Run it before pushing a change to set-up: ops/install-test-deps.sh, ops/test-deps/,
# .config/dotnet-tools.json, Directory.Packages.props, global.json or ops/test.sh.
#   ops/check-fresh-setup.sh [--keep-caches] [--keep]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fresh_caches=1
keep=0
for argument in "$@"; do
  case "$argument" in
    --keep-caches) fresh_caches=0 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--keep-caches] [--keep]" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d /tmp/backupd-fresh.XXXXXX)"
cleanup() {
  if [ "$keep" -eq 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ -n "$(git -C "$repo" status --porcelain)" ]; then
  echo "note: uncommitted changes are not in the clone; it tests HEAD ($(git -C "$repo" rev-parse --short HEAD))"
fi
git clone --quiet --no-hardlinks "$repo" "$work/clone"

if [ "$fresh_caches" -eq 1 ]; then
  # The SDK remembers where it restored each .NET tool (in its home's tool cache), and NuGet keeps
  # downloads apart from packages: all of them start empty, as on a new machine.
  export NUGET_PACKAGES="$work/nuget-packages" NUGET_HTTP_CACHE_PATH="$work/nuget-http" \
    DOTNET_CLI_HOME="$work/dotnet-home" npm_config_cache="$work/npm-cache"
  echo "==> fresh clone of $(git -C "$work/clone" rev-parse --short HEAD) in $work/clone, empty NuGet, .NET tool and npm caches"
else
  echo "==> fresh clone of $(git -C "$work/clone" rev-parse --short HEAD) in $work/clone"
fi

started=$(date +%s)
status=0
"$work/clone/ops/test.sh" 2>&1 | tee "$work/test-output.log" || status=$?
minutes=$(( ($(date +%s) - started) / 60 ))
seconds=$(( ($(date +%s) - started) % 60 ))

echo
if [ "$status" -eq 0 ]; then
  echo "fresh set-up check PASSED in ${minutes} min ${seconds} s: $(grep -E '^[0-9]+ passed, ' "$work/test-output.log" | tail -n 1)"
else
  keep=1
  echo "fresh set-up check FAILED (exit $status) after ${minutes} min ${seconds} s; the clone and its output are kept" >&2
fi
exit "$status"
