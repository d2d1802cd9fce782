#!/usr/bin/env bash
# S3 upload benchmark: one bundle-sized file to s3rver with backupd's S3 storage and with
# `aws s3 cp`, in the same run. Prints figures; see docs/performance.md. E.g. --mib 1024.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo/.tools/bin:$repo/.tools/node/node_modules/.bin:$PATH"
exec dotnet run -c Release --project "$repo/ops/bench/Backupd.Bench" -- s3 "$@"
