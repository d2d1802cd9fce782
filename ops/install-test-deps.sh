#!/usr/bin/env bash
# Installs what backupd's tests run against, only where it is missing:
# Debian packages (MariaDB, zstd, PHP + WordPress, Chromium, Python's Fernet reference, the AWS CLI, curl),
# s3rver from npm and PowerShell from NuGet, the latter two into .tools/ inside the checkout.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

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
)

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
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$tools/node/node_modules/.bin/s3rver" ]; then
  echo "==> installing s3rver into $tools/node"
  npm install --silent --no-audit --no-fund --prefix "$tools/node" s3rver@3.7.1 >/dev/null
fi

if [ ! -x "$tools/bin/pwsh" ]; then
  echo "==> installing PowerShell into $tools/bin"
  dotnet tool install --tool-path "$tools/bin" PowerShell >/dev/null
fi
