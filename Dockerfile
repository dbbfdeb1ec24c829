# Bursar in a container: Node 24 slim, runs as the unprivileged `node` user, listens on every address
# of the container (HOST=::), keeps its SQLite database and key in the /data volume unless
# DATABASE_URL points at PostgreSQL. Not built on the machine this was written on (no Docker engine
# there); see docs/running.md.
FROM node:24-slim

ENV NODE_ENV=production \
    HOST=:: \
    PORT=8080 \
    BURSAR_DATA_DIR=/data \
    LOG_FORMAT=json

WORKDIR /app

# Dependencies first, so a source change does not reinstall them. Production dependencies only:
# the image's own Node 24 runs the TypeScript sources, so the `node` devDependency is not needed.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY docs ./docs
COPY README.md ./
# The start-up bundle (src/cli/bundle.ts): built here, as the image's files will not change. npm ci's
# prepare script could not build it above (no sources yet) and says so; the server would run from
# the sources without it.
RUN node src/cli/bundle.ts

RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
VOLUME ["/data"]
USER node

EXPOSE 8080
# /_health answers 200 once the server is ready and its database answers (503 when it does not).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/_health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "bin/bursar.js"]
CMD ["serve"]
