#!/usr/bin/env bash
# WordPress job benchmark: builds a ~1 GiB site on a real MariaDB and compares backupd's
# WordPress module with mysqldump + tar | zstd -3 -T0 on the same site. Prints figures; see
# docs/performance.md for the last recorded run. Extra arguments pass through, e.g. --scale 0.25.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo/.tools/bin:$repo/.tools/node/node_modules/.bin:$PATH"
# As ops/systemd/backupd-node.service runs a node, so peak RSS is a node's.
export MALLOC_ARENA_MAX=1
exec dotnet run -c Release --project "$repo/ops/bench/Backupd.Bench" -- "$@"
