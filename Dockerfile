# LeakBot: slim Python, non-root, data on a volume, `leakbot run` as the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////data/leakbot.db \
    MODEL_DIR=/data/models \
    HEALTH_PORT=8080

# tesseract reads receipt photos and payment screenshots (services/capture/receipts.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 leakbot && mkdir /data && chown leakbot /data
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY services ./services
COPY db ./db
COPY ml ./ml
COPY migrations ./migrations
RUN pip install .

USER leakbot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
# Migrations run on start; the bot refuses to start without TELEGRAM_BOT_TOKEN.
CMD ["leakbot", "run"]
