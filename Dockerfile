# The Chorus app image used by docker-compose.yml: build the workspace, then run the server alone.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g -E pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile && TURBO_TELEMETRY_DISABLED=1 pnpm build \
 && pnpm --filter @chorus/server deploy --prod /out/server \
 && cp -r apps/web/dist /out/web

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data WEB_DIST_DIR=/app/web
WORKDIR /app
COPY --from=build /out/server /app/server
COPY --from=build /out/web /app/web
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "server/dist/index.js"]
