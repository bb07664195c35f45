# syntax=docker/dockerfile:1
# Stage 1: build the SPA.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; else mkdir -p dist; fi

# Stage 2: the Python service, run as a non-root user; migrations run at start (`parsipas serve`).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PARSIPAS_HOST=0.0.0.0 PARSIPAS_PORT=8000 PARSIPAS_DATA_DIR=/data PARSIPAS_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 parsipas && mkdir -p /data && chown parsipas /data
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
RUN pip install .
COPY --from=frontend /src/frontend/dist /app/frontend/dist
ENV PARSIPAS_FRONTEND_DIST=/app/frontend/dist
USER parsipas
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health').status==200 else 1)"
CMD ["parsipas", "serve"]
