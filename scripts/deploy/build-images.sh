#!/usr/bin/env bash
# Builds the stack's four images (docker-compose.yml): parley, postgres, caddy
# and coturn.
#
#   build-images.sh                public base images (debian, node), pulled
#   build-images.sh --local-bases  no image registry: base images built here
#                                  from Debian's archive and the npm registry
#                                  (build-base-images.sh), then the same build
#
# Extra docker-compose arguments go after `--` (e.g. -- -p name -f file).
# The mediasoup worker this host's set-up built or downloaded (cached in
# $PARLEY_CACHE_DIR, default ~/.cache/parley) is passed to the image build so
# it is not built twice; so is $NODE_EXTRA_CA_CERTS, for networks whose proxy
# inspects TLS (build stage only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}

local_bases=no
compose_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --local-bases) local_bases=yes ;;
    --) shift; compose_args=("$@"); break ;;
    *) echo "unknown argument: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

inputs=$root/deploy/build-inputs
find "$inputs" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
if [ -d "$cache/mediasoup-worker" ]; then
  cp -a "$cache/mediasoup-worker" "$inputs/mediasoup-worker"
fi
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  mkdir -p "$inputs/ca"
  cp "$NODE_EXTRA_CA_CERTS" "$inputs/ca/extra.crt"
fi
trap 'find "$inputs" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +' EXIT

if [ "$local_bases" = yes ]; then
  while IFS= read -r line; do
    case "$line" in PARLEY_*_IMAGE=*) export "${line?}" ;; esac
  done < <("$here/build-base-images.sh")
fi

cd "$root"
# --pull only where the public bases are used; the local ones are not in any registry.
pull=()
[ "$local_bases" = yes ] || pull=(--pull)
# The server's build stage gets a tag of its own: it is the layer cache that
# makes the next build fast, and the stage it replaces becomes an untagged
# image that the prune below removes.
docker build "${pull[@]}" --target build \
  --build-arg "NODE_IMAGE=${PARLEY_NODE_IMAGE:-node:20.20.2-bookworm-slim}" \
  -t "${PARLEY_IMAGE_PREFIX:-parley}/server-build-cache" . >/dev/null
docker-compose "${compose_args[@]}" build "${pull[@]}"
docker image prune --force --filter label=parley.intermediate=true >/dev/null
