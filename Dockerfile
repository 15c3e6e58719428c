# syntax=docker/dockerfile:1
# Node 24 LTS: Node 20 reached end of life in April 2026 and AWS SDK v3 drops it in January 2027. CI runs the
# demo (this image's entry point) and the test suite on Node 24. The major is pinned by the tag; pin the digest
# (node:24-bookworm-slim@sha256:…) in your registry for reproducible builds.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY routes ./routes
COPY schemas ./schemas
COPY test ./test
COPY scripts ./scripts
COPY bench ./bench
RUN npx tsc -p tsconfig.json

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 12 (the embedded store's driver on Node 20 only) is optional: on this Node 24 image the store runs on
# better-sqlite3 13's in-package N-API build, and 12 may fail to build here (no compiler) without failing the install.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/routes ./dist/routes
COPY --from=build /app/dist/schemas ./dist/schemas
COPY openapi.yaml ./
# Nothing is written at run time but the embedded pipeline store (logs go to stdout; npm and its cache are not
# used once built): /app/data (PIPELINE_DB_PATH's default, data/pipelines.sqlite) is the one writable place — mount
# a volume there to keep deployed pipelines across containers, or use DATABASE_URL. The rest can be mounted
# read-only; the files stay root-owned, so the service cannot change its code.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node handles SIGTERM/SIGINT itself (graceful shutdown, SHUTDOWN_GRACE_MS, exit 0), also as PID 1; run
# with `docker run --init` (or Kubernetes' shareProcessNamespace / tini) if child processes should be reaped,
# and give `docker stop` more than the grace period (`--stop-timeout 20`).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
