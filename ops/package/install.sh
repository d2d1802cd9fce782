#!/bin/sh
# Installs backupd from this tarball on a host without the .NET SDK: the program under
# /usr/local/lib/backupd (backupd and backupd-setup linked into /usr/local/bin and /usr/local/sbin),
# the two systemd units, then the shared set-up (backupd-setup) with the arguments given, e.g.
#
#   sudo ./install.sh --mode node --master-url http://backup.example.net:5080
#   sudo ./install.sh --mode master
#
# Installing a newer tarball over an older one is an upgrade: settings and data stay, and a
# running service is stopped before its files change and started again after (SIGTERM is the
# node's safe point: its running jobs go back to the master and go on after the restart).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
root=""
# --root is the set-up's option too; the files go under it as well.
prev=""
for arg in "$@"; do
  case "$prev" in --root) root=${arg%/} ;; esac
  case "$arg" in
    --root=*) echo "install.sh: give --root DIR as two words" >&2; exit 2 ;;
    -h|--help)
      echo "Usage: sudo ./install.sh [--mode node --master-url URL | --mode master] [--no-start] [--root DIR]"
      echo "Installs under $prefix, then runs backupd-setup (backupd-setup --help says more)."
      exit 0 ;;
  esac
  prev=$arg
done

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo ./install.sh ...)" >&2; exit 1
fi
for part in lib/backupd lib/setup systemd/backupd-node.service systemd/backupd-master.service; do
  [ -e "$here/$part" ] || { echo "install.sh: $here/$part is missing: unpack the whole tarball and run install.sh from it" >&2; exit 1; }
done

systemd_here() { [ -z "$root" ] && [ -d /run/systemd/system ]; }

# Arguments the set-up would refuse are refused before anything is stopped or copied.
"$here/lib/setup" --check "$@"

# The safe point of an upgrade: what runs stops before its files change, and starts again
# however this script ends (a failed copy leaves the old files, which start as they were).
stopped=""
restart_stopped() {
  for service in $stopped; do
    if ! systemctl --quiet is-active "$service.service"; then
      systemctl start "$service.service" && echo "install.sh: $service is running again"
    fi
  done
}
trap restart_stopped EXIT
if systemd_here; then
  for service in backupd-node backupd-master; do
    if systemctl --quiet is-active "$service.service" 2>/dev/null; then
      echo "install.sh: stopping $service for the upgrade"
      systemctl stop "$service.service"
      stopped="$stopped $service"
    fi
  done
fi

# The new files go in beside the old and take their place in two renames, so that a failed copy
# (a full disk) leaves the installed program as it was.
lib="$root$prefix/lib/backupd"
mkdir -p "$root$prefix/lib" "$root$prefix/bin" "$root$prefix/sbin" "$root/etc/systemd/system"
rm -rf "$lib.new" "$lib.old"
# Owned by root and written by nobody else whoever unpacked the tarball: root runs these files.
cp -R "$here/lib" "$lib.new"
chown -R 0:0 "$lib.new"
chmod -R go-w "$lib.new"
if [ -e "$lib" ]; then mv "$lib" "$lib.old"; fi
mv "$lib.new" "$lib"
rm -rf "$lib.old"
ln -sfn ../lib/backupd/backupd "$root$prefix/bin/backupd"
ln -sfn ../lib/backupd/setup "$root$prefix/sbin/backupd-setup"
for unit in backupd-node.service backupd-master.service; do
  sed "s|/usr/bin/backupd|$prefix/bin/backupd|g" "$here/systemd/$unit" > "$root/etc/systemd/system/$unit"
  chmod 0644 "$root/etc/systemd/system/$unit"
done
echo "install.sh: backupd $("$lib/backupd" --version 2>/dev/null || echo '(version unknown)') is in $lib"

if systemd_here; then
  systemctl daemon-reload
fi
"$lib/setup" "$@"
