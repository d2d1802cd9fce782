#!/usr/bin/env bash
# Master benchmark: a real master process under job creation with a growing history, full job
# lifecycles by simulated nodes over the node API, a filtered job page and the node list.
# Prints figures; see docs/performance.md. E.g. --jobs 20000 for a quicker run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec dotnet run -c Release --project "$repo/ops/bench/Backupd.Bench" -- master "$@"
