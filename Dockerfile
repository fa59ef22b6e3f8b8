# syntax=docker/dockerfile:1
# One image for the four services, the migrations and the topics tool. The command picks what runs
# (docker-compose.yml and deploy/k8s set it per service); the default is the source service.

# Build: install everything and type-check the code that ships. The services run their TypeScript
# through tsx (as `npm start` does), so no compiled output is carried over: see README, "Image".
FROM node:20-bookworm-slim AS build
WORKDIR /app
# npm ci links the workspace packages (package.json "workspaces"), so their manifests come first.
COPY package.json package-lock.json ./
COPY services/shared/package.json ./services/shared/
COPY broker/package.json ./broker/
COPY kafka/package.json ./kafka/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY broker ./broker
COPY kafka ./kafka
COPY services ./services
COPY migrations ./migrations
COPY scripts ./scripts
RUN npx tsc -p tsconfig.json --noEmit

# Runtime: production dependencies only (tsx among them), the checked sources, a non-root user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
# The development broker and the Apache Kafka launcher do not ship: only their manifests, for npm ci.
COPY package.json package-lock.json ./
COPY services/shared/package.json ./services/shared/
COPY broker/package.json ./broker/
COPY kafka/package.json ./kafka/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/services ./services
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/scripts/topics.ts /app/scripts/migrate.ts ./scripts/
COPY --from=build /app/scripts/topics ./scripts/topics
COPY --from=build /app/scripts/migrate ./scripts/migrate
USER node
EXPOSE 5011 5012 5013 5014
# node itself is the container's main process (no npm, no shell), so SIGTERM reaches the service,
# which finishes its batch in flight, commits and exits.
CMD ["node", "--import", "tsx", "services/source/src/main.ts"]
