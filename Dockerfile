# Assay for a deployment: built with the development tools, run without them.
#   docker build -t assay .
#   docker run -e DATABASE_URL=postgres://… -e PUBLIC_ORIGINS=https://forum.example.com -p 3000:3000 assay
# (docker-compose.yml runs it beside a PostgreSQL.) See README, "Deployment".

# 1. Build: every package, then the Remix app and the compiled server (build/, public/build/).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Run: production packages only (no tsx, TypeScript, esbuild or test tools) and the build.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
# Without DATABASE_URL the embedded PostgreSQL keeps its data here (mount a volume).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# `node build/server/start.js` with the documented V8 heap flags (package.json).
CMD ["npm", "run", "start:prod"]
