#!/usr/bin/env bash
# Installs what backupd's tests run against, only where it is missing, each at a pinned version:
#   Debian packages  from Debian 12's archive, checked against the release series the suite was
#                    tested with (the table below);
#   s3rver           from npm, every package at the version in ops/test-deps/node/package-lock.json;
#   PowerShell       from NuGet, at the version in .config/dotnet-tools.json (dotnet tool restore).
# A new release upstream never changes what is installed: a pin moves only by a commit here.
# A step that fails stops the script with the tool, the version and what to try.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"
# The first dotnet command on a machine prints a welcome banner, which must not end up in what
# this script reads back from dotnet.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# fail TOOL VERSION HINT: one clear message, then stop.
fail() {
  {
    echo
    echo "install-test-deps: FAILED to install $1 $2."
    echo "  What to try: $3"
  } >&2
  exit 1
}

# --- Debian packages -------------------------------------------------------------------------
# command-or-path -> Debian package that provides it
declare -A debian=(
  [mariadbd]=mariadb-server
  [mariadb]=mariadb-client
  [mysqldump]=mariadb-client
  [zstd]=zstd
  [php]=php-cli
  [/usr/share/php/php-mysql-marker]=php-mysql
  [/usr/share/wordpress/wp-load.php]=wordpress
  [chromium]=chromium
  [/usr/lib/python3/dist-packages/cryptography/__init__.py]=python3-cryptography
  [/usr/bin/aws]=awscli
  [npm]=npm
  [curl]=curl
  [lintian]=lintian
)

# Debian's archive serves one version of a package per release, so an exact version cannot be
# pinned (a point release would make it uninstallable). What can be pinned is the release series:
# Debian 12 moves these only by security and bug fixes within the series below, which is what
# the suite was tested with. A package outside its series stops the set-up instead of running the
# tests against something untested. Chromium is the exception Debian makes (security updates bring
# new major versions), so it has a floor, not a series.
declare -A debian_series=(
  [mariadb-server]='1:10.11.'   # MariaDB 10.11 LTS: the server the fixtures start (testbed-notes)
  [mariadb-client]='1:10.11.'   # mysqldump of the same series as the server
  [zstd]='1.5.'                 # zstd 1.5: the CLI that proves a bundle opens without backupd
  [php-cli]='2:8.2'             # PHP 8.2: what installs WordPress 6.1 in the fixtures
  [php-mysql]='2:8.2'
  [wordpress]='6.1.'            # WordPress 6.1: the real site the jobs back up
  [python3-cryptography]='38.'  # the reference Fernet the interop tests check (with /usr/bin/python3)
  [awscli]='2.9.'               # /usr/bin/aws, what ops/bench/s3-upload.sh measures against
  [lintian]='2.116.'            # Debian 12's lintian: what the package test holds the .deb to
)
chromium_min_major=156          # the Chromium this machine's browser checks ran against
# Node.js and npm come with the machine (as the .NET SDK does) or from Debian; s3rver's lock file
# needs Node.js 18 and npm 9 (lockfileVersion 3) at least, which Debian 12's own packages are.
node_min_major=18
npm_min_major=9

# major VERSION: the number before the first dot, after any Debian epoch ("1:156.0" -> 156).
major() { local v="${1#*:}"; v="${v#v}"; echo "${v%%.*}"; }

missing=()
for probe in "${!debian[@]}"; do
  case "$probe" in
    /usr/share/php/php-mysql-marker)
      php -m 2>/dev/null | grep -qx mysqli || missing+=("${debian[$probe]}") ;;
    /*) [ -e "$probe" ] || missing+=("${debian[$probe]}") ;;
    *) command -v "$probe" >/dev/null 2>&1 || [ -x "/usr/sbin/$probe" ] || missing+=("${debian[$probe]}") ;;
  esac
done

if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "==> installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq ||
    fail "the Debian package lists" "(apt-get update)" "check that the Debian archive is reachable, then run $0 again."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "the Debian packages ${missing[*]}" "from Debian $(cat /etc/debian_version 2>/dev/null || echo '?')" \
      "run 'apt-get install ${missing[*]}' by hand to see apt's own error."
fi

for package in "${!debian_series[@]}"; do
  series="${debian_series[$package]}"
  version="$(dpkg-query -W -f '${Version}' "$package" 2>/dev/null || true)"
  case "$version" in
    "$series"*) ;;
    "") fail "$package" "$series*" \
          "the Debian package is not installed (what the tests need may have come from elsewhere); run 'apt-get install $package'." ;;
    *) fail "$package" "$series* (found $version)" \
         "the suite is tested with Debian 12's $package $series*; install that series, or test the new one and move its pin in $0." ;;
  esac
done
chromium_version="$(dpkg-query -W -f '${Version}' chromium 2>/dev/null || true)"
chromium_major="$(major "$chromium_version")"
case "$chromium_major" in
  ''|*[!0-9]*) fail chromium "$chromium_min_major or newer (found ${chromium_version:-none})" "apt-get install chromium from Debian 12's security archive." ;;
esac
[ "$chromium_major" -ge "$chromium_min_major" ] ||
  fail chromium "$chromium_min_major or newer (found $chromium_version)" "apt-get install chromium from Debian 12's security archive."

for tool in node npm; do
  found="$("$tool" --version 2>/dev/null || true)"
  wanted="$([ "$tool" = node ] && echo "$node_min_major" || echo "$npm_min_major")"
  found_major="$(major "$found")"
  case "$found_major" in ''|*[!0-9]*) found_major=0 ;; esac
  [ "$found_major" -ge "$wanted" ] ||
    fail "$tool" "$wanted or newer (found ${found:-none})" "install Debian 12's nodejs and npm (apt-get install nodejs npm), or a newer Node.js."
done

# --- s3rver (npm) ----------------------------------------------------------------------------
# npm ci installs exactly the lock file's versions, transitive ones included, or fails.
node_pins="$repo/ops/test-deps/node"
node_dir="$tools/node"
s3rver_version="$(sed -n 's/.*"s3rver": *"\([^"]*\)".*/\1/p' "$node_pins/package.json")"
if ! cmp -s "$node_pins/package-lock.json" "$node_dir/package-lock.json" || [ ! -x "$node_dir/node_modules/.bin/s3rver" ]; then
  echo "==> installing s3rver $s3rver_version (ops/test-deps/node/package-lock.json) into $node_dir"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  cp "$node_pins/package.json" "$node_pins/package-lock.json" "$node_dir/"
  npm ci --loglevel=error --no-audit --no-fund --prefix "$node_dir" >/dev/null ||
    fail s3rver "$s3rver_version (with the dependencies in ops/test-deps/node/package-lock.json)" \
      "npm's own error is above; check that the npm registry is reachable, then run $0 again."
fi

# --- PowerShell (NuGet, as a .NET tool) --------------------------------------------------------
# PowerShell 7.6.9 is the newest that runs on .NET 10 here: 7.7 wants a newer .NET, and its
# platform package is not served. The version lives in .config/dotnet-tools.json.
pwsh_version="$(sed -n '/"powershell"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' "$repo/.config/dotnet-tools.json")"
[ -n "$pwsh_version" ] || fail PowerShell "(no version)" "give powershell a version in .config/dotnet-tools.json."
# Where the restored tool lives is the SDK's business (it may reuse a copy it restored before), so
# ask the tool itself.
pwsh_home() { (cd "$repo" && dotnet tool run pwsh -- -NoLogo -NoProfile -Command '$PSHOME' 2>/dev/null | tail -n 1); }
if ! pwsh_dir="$(pwsh_home)" || [ ! -f "$pwsh_dir/pwsh.dll" ]; then
  echo "==> installing PowerShell $pwsh_version (.config/dotnet-tools.json)"
  (cd "$repo" && dotnet tool restore >/dev/null) ||
    fail PowerShell "$pwsh_version" "run 'dotnet tool restore' in $repo to see NuGet's own error; do not install PowerShell without a version (the newest may not run on .NET 10)."
  pwsh_dir="$(pwsh_home)" || true
  [ -f "$pwsh_dir/pwsh.dll" ] ||
    fail PowerShell "$pwsh_version" "it was restored but does not run: try 'dotnet tool run pwsh' in $repo, and check that the .NET 10 runtime is installed."
fi
# A pwsh on PATH for scripts and tests, running the pinned tool in the caller's directory
# ('dotnet tool run' finds the manifest only when started inside the checkout).
mkdir -p "$tools/bin"
printf '#!/bin/sh\n# Written by ops/install-test-deps.sh: PowerShell %s from .config/dotnet-tools.json.\nexec dotnet "%s/pwsh.dll" "$@"\n' \
  "$pwsh_version" "$pwsh_dir" >"$tools/bin/pwsh"
chmod +x "$tools/bin/pwsh"
ran="$("$tools/bin/pwsh" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>&1 || true)"
[ "$ran" = "$pwsh_version" ] ||
  fail PowerShell "$pwsh_version" "it runs as version '$ran' instead; run 'dotnet tool restore' in $repo."
