#!/usr/bin/env bash
# The whole test suite: installs what the tests need when it is missing, builds with warnings as
# errors, and runs every test against real servers (mariadbd, WordPress, s3rver, backupd processes).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$repo/ops/install-test-deps.sh"
export PATH="$repo/.tools/bin:$repo/.tools/node/node_modules/.bin:$PATH"

echo "==> building"
# The build uses the compiler server (Directory.Build.props); stop it when the build is done
# so that no compiler process outlives the run.
stop_compiler_server() { dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true; }
trap stop_compiler_server EXIT
# Tiered JIT off for the build tools only, as ops/run-master.sh does (it says why).
DOTNET_TieredCompilation=0 dotnet build Backupd.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly
stop_compiler_server

echo "==> testing"
results="$(mktemp -d)"
trap 'rm -rf "$results"; stop_compiler_server' EXIT
set +e
dotnet test Backupd.Orleans.sln -c Release --no-build -nologo \
  --blame-hang-timeout 10m \
  --logger "console;verbosity=normal" 2>&1 | tee "$results/test.log" | grep -Ev '^\s+Passed |^\s*$'
status="${PIPESTATUS[0]}"
set -e

# One plain summary line over all test assemblies, for people and CI alike.
awk '/^[[:space:]]+Passed: [0-9]+$/  { passed  += $2 }
     /^[[:space:]]+Failed: [0-9]+$/  { failed  += $2 }
     /^[[:space:]]+Skipped: [0-9]+$/ { skipped += $2 }
     /Test Run Aborted/             { aborted = 1 }
     END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped; if (aborted) print "a test run was aborted" }' "$results/test.log"
if [ "$status" -eq 0 ] && grep -q "Test Run Aborted" "$results/test.log"; then status=1; fi
# dotnet test exits 0 when an assembly holds no tests (a broken discovery, a wrong filter):
# a run that tested nothing must not look green.
if grep -qE "No test is available|No test matches" "$results/test.log" || ! grep -qE '^Total tests: [1-9][0-9]*$' "$results/test.log"; then
  echo "no tests were discovered in at least one test assembly: failing the run" >&2
  status=1
fi

echo "==> checking the README's run command"
"$repo/ops/check-run-command.sh" || status=1
exit "$status"
