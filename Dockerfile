# Layanan Warga Deli Serdang: the bot in a small, non-root container.
#   docker build -t layanan-warga .
#   docker run -d --name layanan-warga --env-file .env -v layanan-data:/data layanan-warga
# The database (and its heartbeat file) live in the /data volume; everything else is in
# the image. BOT_DATA_DIR=/data/config lets admins replace opd.yaml, faq/ ... without a
# rebuild (see README, "Running in a container").

# Build stage: turn the project into a wheel (the shipped data is package data).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY faq ./faq
COPY db ./db
COPY data ./data
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Run stage: only the installed wheels, no compiler, no source tree.
FROM python:3.11-slim
RUN useradd --system --create-home --uid 10001 --home-dir /home/layanan layanan \
    && mkdir -p /data && chown layanan:layanan /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
ENV BOT_DATABASE_PATH=/data/layanan.sqlite3 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
VOLUME ["/data"]
WORKDIR /home/layanan
USER layanan
# Healthy means: the bot's own heartbeat (written every 30 s by its job queue, after a
# database read) is fresh and the database is at this code's schema. A stalled event loop
# or a broken database fails it; Telegram being unreachable does not (a restart would not
# help, and polling retries by itself).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# SIGTERM (docker stop): stop taking updates, finish the message in hand, close the DB.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
