FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# DATA_DIR holds everything the service writes: the MQTT spool (acknowledged, not yet stored), the
# embedded database when DATABASE_URL is unset, the pseudonym key and the lock that keeps a second
# process off it. Mount a volume there, or acknowledged messages are lost with the container.
ENV NODE_ENV=production DATA_DIR=/data
WORKDIR /app
# The application belongs to root (COPY's default) and the user that runs it cannot change it.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY config ./config
# The data folder belongs to the image's `node` user (uid 1000); a fresh named volume takes this owner.
RUN mkdir -p /data && chown 1000:1000 /data && chmod 0700 /data
VOLUME /data
# Numeric, so that a runtime that checks "not root" (Kubernetes runAsNonRoot) can tell.
USER 1000:1000
# HTTP, and the embedded MQTT broker when MQTT_URL is unset.
EXPOSE 3000 1883
CMD ["node", "dist/src/main.js"]
