# Parley's server image. Two stages:
#  - build: the project's own set-up (npm ci, and the mediasoup worker: the
#    one passed in deploy/build-inputs when there is one, else mediasoup's
#    prebuilt download, else the offline build from Debian packages), then
#    `npm run build` and the production dependencies only;
#  - runtime: Node, the worker's shared libraries and the built app; no
#    compilers, runs as an unprivileged user, health-checked on /healthz.
# NODE_IMAGE is the public image by default; scripts/deploy/build-images.sh
# --local-bases passes an equivalent one built from Debian's archive and the
# npm registry (docs/deploy.md, "Air-gapped builds").
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
LABEL parley.intermediate=true
ENV DEBIAN_FRONTEND=noninteractive \
    PARLEY_CACHE_DIR=/build-inputs \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false
# Compilers for native modules without a prebuilt binary (better-sqlite3).
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends build-essential python3 ca-certificates >/dev/null
# Certificate authorities the build may need to reach the registries (a
# TLS-inspecting proxy's, say): build stage only, never in the image.
COPY deploy/build-inputs/ /build-inputs/
RUN if ls /build-inputs/ca/*.crt >/dev/null 2>&1; then \
      cp /build-inputs/ca/*.crt /usr/local/share/ca-certificates/ && update-ca-certificates >/dev/null; \
    fi
ENV NODE_OPTIONS=--use-openssl-ca SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
COPY scripts/setup.mjs scripts/
COPY scripts/setup/ scripts/setup/
COPY scripts/mediasoup-worker/ scripts/mediasoup-worker/
RUN node scripts/setup.mjs --for=start
COPY . .
RUN npm run build && \
    npm prune --omit=dev --no-audit --no-fund >/dev/null && \
    mkdir /app && \
    cp -a package.json node_modules /app/ && \
    for part in shared server client; do mkdir -p /app/$part && cp -a $part/package.json $part/dist /app/$part/; done && \
    rm -rf /app/node_modules/@parley/e2e

FROM ${NODE_IMAGE}
LABEL parley.image=server
ENV DEBIAN_FRONTEND=noninteractive
# The shared libraries an offline-built mediasoup worker links (Debian's).
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends libabsl20220623 libsrtp2-1 libssl3 libusrsctp2 libuv1 >/dev/null && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --user-group --home-dir /var/lib/parley --shell /usr/sbin/nologin parley && \
    mkdir -p /var/lib/parley && chown parley:parley /var/lib/parley && chmod 0700 /var/lib/parley
COPY --from=build /app /app
WORKDIR /app
USER parley
ENV NODE_ENV=production \
    PARLEY_HOST=0.0.0.0 \
    PARLEY_PORT=3000 \
    PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_RTC_LISTEN_IP=0.0.0.0
VOLUME /var/lib/parley
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]
