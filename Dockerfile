# Frankly in a container: `frankly serve` (gunicorn + whitenoise) on port 8000.
# Used by compose.yaml (app and worker). NOTE: this image build was not tested where
# it was written (no access to Docker Hub); tests/test_compose.py checks compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    FRANKLY_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /app

# The pinned, hashed dependencies first, so code changes do not reinstall them.
# (requirements.lock also pins the test tools; they are small next to Django.)
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml README.md manage.py ./
COPY frankly ./frankly
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /data frankly \
    && mkdir -p /data \
    && chown frankly /data

USER frankly
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

CMD ["frankly", "serve", "--no-worker"]
