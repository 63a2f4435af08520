# Multi-stage build: compile with dev dependencies, ship only production ones, run as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# glibc keeps 2 MB at the top of the heap instead of handing freed memory back at once: streamed downloads
# otherwise fault every page in again. A fixed mmap threshold keeps blocks of 128 KB and more out of the heap,
# which otherwise keeps 10-20 MB of them after load (README "Performance"). Set like this in `npm start` too.
ENV GLIBC_TUNABLES=glibc.malloc.top_pad=2097152:glibc.malloc.mmap_threshold=131072
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--v8-pool-size=1", "--heap-growing-percent=30", "--no-allocation-site-pretenuring", "--expose-gc", "dist/src/main.js"]
