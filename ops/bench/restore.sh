#!/usr/bin/env bash
# Restore benchmark: builds a ~1.2 GiB WordPress site on a real MariaDB, backs it up once, then
# restores that bundle in place with backupd's restore module and the shell way
# (zstd -d | tar -x, then mysql < database.sql), alternating. Prints figures; see
# docs/performance.md for the last recorded run. Extra arguments pass through, e.g. --scale 0.25.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo/.tools/bin:$repo/.tools/node/node_modules/.bin:$PATH"
# As ops/systemd/backupd-node.service runs a node, so peak RSS is a node's.
export MALLOC_ARENA_MAX=1
exec dotnet run -c Release --project "$repo/ops/bench/Backupd.Bench" -- restore "$@"
