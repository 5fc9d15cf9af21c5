# The bot in a container: Node 20 on Debian, run as a non-root user, no secrets in the image.
#   docker build -t safe-check-bot .                           (or: podman build ...)
#   docker build --build-arg WITH_CHROMIUM=true -t safe-check-bot:whatsapp .   (WhatsApp Web needs chromium)
# Settings come from the environment (or a .env mounted read-only and named by ENV_FILE); see compose.yaml.
FROM node:20-bookworm-slim

ARG WITH_CHROMIUM=false
# Debian's chromium only when the WhatsApp Web channel is wanted; fonts for every script the bot speaks.
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core fonts-noto-cjk \
      && rm -rf /var/lib/apt/lists/*; \
    fi

WORKDIR /app
# Dependencies first (a layer that changes only with the lock file); no browser is downloaded.
COPY package.json package-lock.json .puppeteerrc.cjs ./
# (esbuild, which bundles the TypeScript sources below, is a runtime dependency, as is tsx, which
# runs them unbundled as `npm start` does and runs the maintainers' commands.)
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY bots ./bots
COPY flows ./flows
COPY locales ./locales
COPY scripts/build.ts ./scripts/
COPY tsconfig.json ./
# The bot as one JavaScript file (scripts/build.ts): nothing to compile at each start, so a restart
# is ready sooner.
RUN npm run build

# A user without rights; the WhatsApp login folder is a volume it owns (the only thing to back up).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /app/data/whatsapp && chown -R bot /app/data && chmod 700 /app/data/whatsapp
USER bot
VOLUME ["/app/data/whatsapp"]

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CHROMIUM_PATH=/usr/bin/chromium
EXPOSE 8080
# The webhook server answers GET /health (200 while serving, 503 while stopping).
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/main.mjs"]
