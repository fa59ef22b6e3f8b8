# syntax=docker/dockerfile:1
# One image for the four services and the migrations; SERVICE (or the command) picks what runs.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY broker ./broker
COPY services ./services
COPY migrations ./migrations
COPY scripts ./scripts
RUN npx tsc -p tsconfig.json --noEmit

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/services ./services
COPY --from=build /app/migrations ./migrations
USER node
ARG SERVICE=source
ENV SERVICE=${SERVICE}
EXPOSE 5011 5012 5013 5014
# node directly (not npm), so SIGTERM reaches the service and it drains its batch before exiting.
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
