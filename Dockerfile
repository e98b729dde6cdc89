# bodycam-guard for a precinct or a region: the API, the inbox watcher and the scheduled jobs.
FROM python:3.11-slim

WORKDIR /opt/bodycam-guard
COPY pyproject.toml README.md ./
COPY bodycam_guard ./bodycam_guard
COPY api ./api
COPY ingest ./ingest
COPY verifier ./verifier
RUN pip install --no-cache-dir '.[postgres]' \
    && useradd --system --uid 10001 --home-dir /data bodycam \
    && mkdir -p /data && chown bodycam /data

USER bodycam
ENV BODYCAM_GUARD_HOME=/data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["bodycam-guard", "serve", "--host", "0.0.0.0", "--port", "8000"]
