#!/usr/bin/env bash
# Builds the stack's four images, named as docker-compose.yml expects them:
# parley/server, parley/postgres, parley/caddy and parley/coturn
# ($PARLEY_IMAGE_PREFIX instead of "parley" if set).
#
#   build-images.sh                public base images (debian, node), pulled
#   build-images.sh --local-bases  no image registry: base images built here
#                                  from Debian's archive and the npm registry
#                                  (build-base-images.sh), then the same build
#
# The mediasoup worker this host's set-up built or downloaded (cached in
# $PARLEY_CACHE_DIR, default ~/.cache/parley) is passed to the image build so
# it is not built twice; so is $NODE_EXTRA_CA_CERTS, for networks whose proxy
# inspects TLS (build stage only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}

local_bases=no
case "${1:-}" in
  '') ;;
  --local-bases) local_bases=yes ;;
  *) echo "unknown argument: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
esac

inputs=$root/deploy/build-inputs
find "$inputs" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
if [ -d "$cache/mediasoup-worker" ]; then
  cp -a "$cache/mediasoup-worker" "$inputs/mediasoup-worker"
fi
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  mkdir -p "$inputs/ca"
  cp "$NODE_EXTRA_CA_CERTS" "$inputs/ca/extra.crt"
fi
trap 'find "$inputs" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +; rm -f "${log:-}"' EXIT

if [ "$local_bases" = yes ]; then
  while IFS= read -r line; do
    case "$line" in PARLEY_*_IMAGE=*) export "${line?}" ;; esac
  done < <("$here/build-base-images.sh")
fi

cd "$root"
prefix=${PARLEY_IMAGE_PREFIX:-parley}
debian_image=${PARLEY_DEBIAN_IMAGE:-debian:bookworm-slim}
node_image=${PARLEY_NODE_IMAGE:-node:20.20.2-bookworm-slim}
# --pull only where the public bases are used; the local ones are not in any registry.
pull=()
[ "$local_bases" = yes ] || pull=(--pull)
log=$(mktemp "${TMPDIR:-/tmp}/parley-build.XXXXXX")
build() {
  local tag=$1 started=$SECONDS
  shift
  if ! docker build --force-rm "${pull[@]}" "$@" -t "$tag" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "[build-images] $tag: FAILED (the last lines of docker build are above)" >&2
    exit 1
  fi
  echo "[build-images] $tag: built in $((SECONDS - started)) s" >&2
}
# The server's build stage gets a tag of its own: it is the layer cache that
# makes the next build fast, and the stage it replaces becomes an untagged
# image that the prune below removes.
build "$prefix/server-build-cache" --target build --build-arg "NODE_IMAGE=$node_image" .
build "$prefix/server" --build-arg "NODE_IMAGE=$node_image" .
for service in postgres caddy coturn; do
  build "$prefix/$service" --build-arg "DEBIAN_IMAGE=$debian_image" "deploy/$service"
done
docker image prune --force --filter label=parley.intermediate=true >/dev/null
# The images these builds replaced, now untagged.
docker image prune --force --filter label=parley.image >/dev/null
# For whoever runs docker-compose next with other images than the public bases.
echo "PARLEY_DEBIAN_IMAGE=$debian_image"
echo "PARLEY_NODE_IMAGE=$node_image"
