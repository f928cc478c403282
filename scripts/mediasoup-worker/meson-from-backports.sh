#!/usr/bin/env bash
# Fetches meson from Debian bookworm-backports into <dir> without touching the
# system's apt configuration, for hosts that reach Debian's archive but not the
# Python package index. meson is pure Python: unpacking the .deb is enough.
# Usage: meson-from-backports.sh <dir>   → <dir>/meson
set -euo pipefail
dir=$1
mirror=${PARLEY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/deb"
echo "deb $mirror bookworm-backports main" >"$dir/apt/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$dir/apt/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$dir/apt/lists"
  -o "Dir::Cache=$dir/apt/cache"
  -o "APT::Get::List-Cleanup=0"
)
apt-get "${apt_opts[@]}" update -qq
(cd "$dir/deb" && apt-get "${apt_opts[@]}" download -qq meson/bookworm-backports)
dpkg-deb -x "$dir"/deb/meson_*.deb "$dir/root"
cat >"$dir/meson" <<WRAP
#!/bin/sh
PYTHONPATH="$dir/root/usr/lib/python3/dist-packages" exec python3 "$dir/root/usr/bin/meson" "\$@"
WRAP
chmod +x "$dir/meson"
"$dir/meson" --version
