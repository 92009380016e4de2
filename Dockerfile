# LeakBot: slim Python, non-root, data on a volume, `leakbot run` as the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////data/leakbot.db

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
# Migrations run on start; the bot refuses to start without TELEGRAM_BOT_TOKEN.
CMD ["leakbot", "run"]
