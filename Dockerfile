FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds dist/ for library users with TypeScript, a dev dependency.
RUN npm ci --omit=dev --ignore-scripts --no-fund --no-audit
COPY tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY scripts ./scripts
USER node
# node itself is PID 1 (not npm), so SIGTERM reaches Breakwater and in-flight calls get their grace period.
CMD ["node", "--import", "tsx", "workers/worker.ts"]
