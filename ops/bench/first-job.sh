#!/usr/bin/env bash
# What ReadyToRun changes for a freshly installed host: publishes this commit twice, self-contained
# as ops/publish.sh does, with ReadyToRun and without, then times master start, node start and the
# node's first and second WordPress jobs from each. See docs/performance.md for the last run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo/.tools/bin:$repo/.tools/node/node_modules/.bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for r2r in true false; do
  DOTNET_TieredCompilation=0 dotnet publish "$repo/src/Backupd/Backupd.csproj" -c Release -r linux-x64 --self-contained \
    -p:PublishReadyToRun=$r2r -o "$work/r2r-$r2r" -nologo -v quiet -clp:ErrorsOnly
done
dotnet run -c Release --project "$repo/ops/bench/Backupd.Bench" -- first-job --ready-to-run "$work/r2r-true" --jit "$work/r2r-false" "$@"
