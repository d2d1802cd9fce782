#!/usr/bin/env bash
# Builds backupd for hosts without the .NET SDK: for each architecture a self-contained program
# (the runtime inside, ReadyToRun so that the first job is not spent compiling, the native
# libzstd beside it), packed as a Debian package and as a tarball with install.sh.
#
#   ops/publish.sh                         # linux-x64 and linux-arm64, version from git
#   ops/publish.sh --rid linux-x64 --version 0.2.0 --out /tmp/dist
#
# Writes <out>/backupd_<version>_<amd64|arm64>.deb and <out>/backupd-<version>-<rid>.tar.gz
# (docs/install.md). Needs the .NET SDK, dpkg-deb and git; downloads nothing but NuGet packages.
set -euo pipefail
# The modes in the package are the ones set here, whatever the builder's umask.
umask 022

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rids=(linux-x64 linux-arm64)
version=""
out="$repo/artifacts"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rids=("${2:?--rid needs linux-x64 or linux-arm64}"); shift 2 ;;
    --version) version="${2:?--version needs a version}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "publish.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

# The version: Directory.Build.props's, then the number of commits and the commit, so that each
# build sorts after the one before it (dpkg compares 0.1.0+git172 < 0.1.0+git173); a tree with
# uncommitted changes says so.
base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n1)
if [ -z "$version" ]; then
  version="$base+git$(git -C "$repo" rev-list --count HEAD).$(git -C "$repo" rev-parse --short=7 HEAD)"
  if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then version="$version.dirty"; fi
fi
# Debian's rules for an upstream version without an epoch or revision: a digit first, then these.
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
  echo "publish.sh: '$version' is not a package version: a digit first, then letters, digits and . + ~" >&2
  exit 2
fi
# The assembly version must be four numbers at most: the leading numbers of the package version.
numeric=$(echo "$version" | grep -oE '^[0-9]+(\.[0-9]+){0,2}')

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64) arch=amd64 ;;
    linux-arm64) arch=arm64 ;;
    *) echo "publish.sh: --rid is linux-x64 or linux-arm64, not '$rid'" >&2; exit 2 ;;
  esac

  echo "==> publishing backupd $version for $rid"
  app="$work/$rid/app"
  # Tiered JIT off for the build tools only (ops/run-master.sh says why).
  DOTNET_TieredCompilation=0 dotnet publish "$repo/src/Backupd/Backupd.csproj" -c Release -r "$rid" --self-contained \
    -p:PublishReadyToRun=true -p:Version="$numeric" -p:InformationalVersion="$version" \
    -p:IncludeSourceRevisionInInformationalVersion=false -p:DebugType=none -p:GenerateDocumentationFile=false \
    -o "$app" -nologo -v quiet -clp:ErrorsOnly
  # Symbols and XML docs are for developers, and the LTTng trace provider needs a library no
  # server here has (the runtime goes on without it); a host needs none of them.
  find "$app" \( -name '*.pdb' -o -name '*.xml' -o -name '*.dbg' -o -name 'libcoreclrtraceptprovider.so' \) -delete
  install -m 0755 "$repo/ops/package/setup.sh" "$app/setup"
  # The SDK leaves every file executable; only programs are.
  find "$app" -type d -exec chmod 0755 {} +
  find "$app" -type f -exec chmod 0644 {} +
  chmod 0755 "$app/backupd" "$app/createdump" "$app/setup"
  # Two native libraries come from NuGet with their symbols; a strip that does not know the
  # architecture (no cross binutils here) leaves them as they are.
  for library in "$app/libzstd.so" "$app/libe_sqlite3.so"; do
    strip --strip-unneeded "$library" 2>/dev/null || echo "publish.sh: $(basename "$library") for $rid keeps its symbols (strip does not know the architecture)"
  done

  echo "==> packing backupd_${version}_$arch.deb"
  deb="$work/$rid/deb"
  mkdir -p "$deb/DEBIAN" "$deb/usr/lib" "$deb/usr/bin" "$deb/usr/sbin" "$deb/lib/systemd/system" "$deb/usr/share/doc/backupd" "$deb/usr/share/lintian/overrides"
  cp -a "$app" "$deb/usr/lib/backupd"
  ln -s ../lib/backupd/backupd "$deb/usr/bin/backupd"
  ln -s ../lib/backupd/setup "$deb/usr/sbin/backupd-setup"
  install -m 0644 "$repo/ops/systemd/backupd-node.service" "$repo/ops/systemd/backupd-master.service" "$deb/lib/systemd/system/"
  install -m 0644 "$repo/ops/package/copyright" "$deb/usr/share/doc/backupd/copyright"
  install -m 0644 "$repo/ops/package/lintian-overrides" "$deb/usr/share/lintian/overrides/backupd"
  printf 'backupd (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- backupd developers <developers@backupd.invalid>  %s\n' \
    "$version" "$(git -C "$repo" rev-parse HEAD)" "$(date -R -d "@$(git -C "$repo" log -1 --format=%ct)")" \
    | gzip -9n > "$deb/usr/share/doc/backupd/changelog.gz"
  install -m 0755 "$repo/ops/package/debian/postinst" "$repo/ops/package/debian/prerm" "$repo/ops/package/debian/postrm" "$deb/DEBIAN/"
  (cd "$deb" && find usr lib -type f -exec md5sum {} +) > "$deb/DEBIAN/md5sums"
  chmod 0644 "$deb/DEBIAN/md5sums"
  size=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$repo/ops/package/control" > "$deb/DEBIAN/control"
  # xz, which every dpkg reads (Debian 12's lintian still calls zstd members malformed).
  dpkg-deb --root-owner-group -Zxz --build "$deb" "$out/backupd_${version}_$arch.deb" >/dev/null

  echo "==> packing backupd-$version-$rid.tar.gz"
  tree="$work/$rid/backupd-$version-$rid"
  mkdir -p "$tree/systemd"
  cp -a "$app" "$tree/lib"
  install -m 0644 "$repo/ops/systemd/backupd-node.service" "$repo/ops/systemd/backupd-master.service" "$tree/systemd/"
  install -m 0755 "$repo/ops/package/install.sh" "$tree/install.sh"
  tar --owner=0 --group=0 --numeric-owner -C "$work/$rid" -czf "$out/backupd-$version-$rid.tar.gz" "backupd-$version-$rid"
done

echo "==> done: $(cd "$out" && ls -1 backupd[_-]"$version"* | tr '\n' ' ')"
