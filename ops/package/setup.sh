#!/bin/sh
# backupd-setup: the set-up the Debian package (its postinst) and the tarball's install.sh share.
# It creates the backupd system user, /etc/backupd and the data directories, writes the
# /etc/default files when they are missing (never over an admin's), and, when asked, points a
# node at its master or starts the master. Run again at any time: it changes only what is missing
# or what its options name.
set -eu

usage() {
  cat <<'EOF'
Usage: backupd-setup [--mode node|master] [--master-url URL] [--no-start] [--root DIR]

  (no --mode)        the backupd user and directories only; nothing is started or changed
  --mode node        this host backs up its sites: BACKUPD_MASTER_URL goes into
                     /etc/default/backupd-node (asked once when not given on a terminal),
                     backupd-node is enabled and started, and its registration code printed
  --mode master      backupd-master is enabled and started; says where the admin password is
  --master-url URL   the master's REST URL, e.g. http://backup.example.net:5080
  --no-start         write the settings, start nothing
  --root DIR         set up the tree under DIR instead of / (a package test's clean root);
                     starts nothing
  --check            only check the arguments (install.sh does, before it stops anything)
EOF
}

mode=""
master_url=""
start=yes
root=""
check=no
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) [ $# -ge 2 ] || { echo "backupd-setup: --mode needs node or master" >&2; exit 2; }; mode=$2; shift 2 ;;
    --mode=*) mode=${1#--mode=}; shift ;;
    --master-url) [ $# -ge 2 ] || { echo "backupd-setup: --master-url needs a URL" >&2; exit 2; }; master_url=$2; shift 2 ;;
    --master-url=*) master_url=${1#--master-url=}; shift ;;
    --no-start) start=no; shift ;;
    --check) check=yes; shift ;;
    --root) [ $# -ge 2 ] || { echo "backupd-setup: --root needs a directory" >&2; exit 2; }; root=${2%/}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "backupd-setup: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

case "$mode" in
  ''|node|master) ;;
  *) echo "backupd-setup: --mode is node or master, not '$mode'" >&2; exit 2 ;;
esac
if [ -n "$master_url" ] && [ "$mode" != node ]; then
  echo "backupd-setup: --master-url is for --mode node" >&2; exit 2
fi

# check_url URL: an http(s) URL of the characters a master's address needs, and no others: it is
# written into a settings file with sed and read by systemd, where quotes, '&' or '|' would not
# survive. Checked before anything is changed.
check_url() {
  case "$1" in
    http://?*|https://?*) ;;
    *) echo "backupd-setup: '$1' is not an http:// or https:// URL; nothing was changed" >&2; exit 2 ;;
  esac
  case "$1" in
    *[!][A-Za-z0-9._~:/%@+-]*) echo "backupd-setup: '$1' holds characters a master's URL does not need (letters, digits and . _ ~ : / % @ + - [ ] only); nothing was changed" >&2; exit 2 ;;
  esac
}
if [ -n "$master_url" ]; then
  check_url "$master_url"
fi
if [ "$check" = yes ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "backupd-setup: run as root (sudo backupd-setup ...): it creates a system user and writes /etc" >&2; exit 1
fi
if [ -n "$root" ]; then
  start=no
fi

# --- the user ---------------------------------------------------------------------------------
# The master runs as this user and owns its data; the node runs as root (docs/install.md says why)
# and needs no account of its own.
if ! grep -q '^backupd:' "$root/etc/passwd" 2>/dev/null; then
  # A group of that name left behind (a user removed by hand) becomes the user's group.
  if grep -q '^backupd:' "$root/etc/group" 2>/dev/null; then group="--gid backupd"; else group="--user-group"; fi
  if [ -n "$root" ]; then
    useradd --prefix "$root" --system $group --home-dir /var/lib/backupd --no-create-home --shell /usr/sbin/nologin --comment backupd backupd
  else
    useradd --system $group --home-dir /var/lib/backupd --no-create-home --shell /usr/sbin/nologin --comment backupd backupd
  fi
fi
# Numbers from the tree's own files: under --root the host does not know the user.
uid=$(awk -F: '$1 == "backupd" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "backupd" { print $4 }' "$root/etc/passwd")
if [ -z "$uid" ] || [ -z "$gid" ]; then
  echo "backupd-setup: the backupd user could not be created or read from $root/etc/passwd" >&2; exit 1
fi

# --- directories and settings files -----------------------------------------------------------
# dir PATH MODE OWNER:GROUP: created when missing; an existing one keeps its contents, and gets
# the mode back (a package must not leave data readable by others). The owner is set on a new
# one, and on an existing one only where the set-up decides it (not the node's, which an admin
# may have given to the backupd user: docs/install.md).
dir() {
  if [ -d "$root$1" ] && [ "${4:-}" = keep-owner ]; then
    chmod "$2" "$root$1"
    return
  fi
  mkdir -p "$root$1"
  chmod "$2" "$root$1"
  chown "$3" "$root$1"
}
dir /etc/backupd 0750 "0:$gid"
dir /var/lib/backupd 0700 "$uid:$gid"
dir /var/lib/backupd-node 0700 0:0 keep-owner
mkdir -p "$root/etc/default"

if [ ! -e "$root/etc/default/backupd-node" ]; then
  cat > "$root/etc/default/backupd-node" <<'EOF'
# Settings of backupd-node (one NAME=value per line; docs/configuration.md lists them all).
# backupd-setup --mode node --master-url URL sets the first one.
#BACKUPD_MASTER_URL=http://backup.example.net:5080
#BACKUPD_MAX_JOBS=2
#BACKUPD_MAX_BANDWIDTH_MBPS=100
EOF
  chmod 0640 "$root/etc/default/backupd-node"
fi

if [ ! -e "$root/etc/default/backupd-master" ]; then
  cat > "$root/etc/default/backupd-master" <<'EOF'
# Settings of backupd-master (one NAME=value per line; docs/configuration.md lists them all).
# The REST API and dashboard; nodes register here too. Listen beyond this host with care: put
# TLS in front (docs/configuration.md).
#BACKUPD_URLS=http://127.0.0.1:5080
# Where nodes connect (TLS with the master's own certificate); a host name or 0.0.0.0 also needs
# BACKUPD_NODE_API_URL, the URL nodes are told.
#BACKUPD_NODE_URLS=https://127.0.0.1:5443
EOF
  chmod 0640 "$root/etc/default/backupd-master"
fi

# --- what the mode asks for ------------------------------------------------------------------
systemd_here() { [ -z "$root" ] && [ -d /run/systemd/system ]; }

if [ "$mode" = node ]; then
  if [ -z "$master_url" ] && ! grep -q '^BACKUPD_MASTER_URL=' "$root/etc/default/backupd-node" && [ -t 0 ]; then
    printf "The master's URL (e.g. http://backup.example.net:5080): "
    read -r master_url || master_url=""
    if [ -n "$master_url" ]; then
      check_url "$master_url"
    fi
  fi

  if [ -n "$master_url" ]; then
    file="$root/etc/default/backupd-node"
    if grep -q '^BACKUPD_MASTER_URL=' "$file"; then
      sed -i "s|^BACKUPD_MASTER_URL=.*|BACKUPD_MASTER_URL=$master_url|" "$file"
    else
      echo "BACKUPD_MASTER_URL=$master_url" >> "$file"
    fi
    echo "backupd-setup: the node reports to $master_url (/etc/default/backupd-node)"
  elif ! grep -q '^BACKUPD_MASTER_URL=' "$root/etc/default/backupd-node"; then
    echo "backupd-setup: no master URL: give --master-url URL (or set BACKUPD_MASTER_URL in /etc/default/backupd-node)" >&2
    exit 2
  fi

  if [ "$start" = yes ] && systemd_here; then
    since=$(date '+%Y-%m-%d %H:%M:%S')
    systemctl daemon-reload
    systemctl enable backupd-node.service >/dev/null 2>&1
    systemctl restart backupd-node.service
    # A new node asks the master for a code and logs it; a node already approved just connects.
    i=0
    while [ $i -lt 60 ]; do
      line=$(journalctl -u backupd-node --since "$since" -o cat 2>/dev/null | grep -m1 -E 'Registration code: |Connected to the master as node ' || true)
      if [ -n "$line" ]; then
        echo "backupd-node: $line"
        break
      fi
      i=$((i + 1))
      sleep 1
    done
    [ -n "${line:-}" ] || echo "backupd-node is started; its registration code shows in: journalctl -u backupd-node"
  elif [ "$start" = yes ]; then
    echo "backupd-setup: no systemd here; start the node with: BACKUPD_MASTER_URL=... backupd --mode node"
  fi
fi

if [ "$mode" = master ] && [ "$start" = yes ]; then
  if systemd_here; then
    systemctl daemon-reload
    systemctl enable backupd-master.service >/dev/null 2>&1
    systemctl restart backupd-master.service
    echo "backupd-master is started. Its first start writes the admin password to"
    echo "  /var/lib/backupd/initial-admin-password   (sudo cat it; sign in as admin at http://127.0.0.1:5080/)"
  else
    echo "backupd-setup: no systemd here; start the master with: sudo -u backupd BACKUPD_DATA_DIR=/var/lib/backupd backupd --mode master"
  fi
fi
