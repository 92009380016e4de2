# LeakBot: `make run` starts the bot, `make test` runs the whole suite.
# Both create .venv when it is missing and install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench reliability lint format demo clean ocr browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Receipt photos are read by the tesseract OCR engine (services/capture/receipts.py). When it
# (or its English data) is missing it is installed with apt-get: Debian or Ubuntu, as root (CI).
ocr:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx eng || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tesseract-ocr tesseract-ocr-eng)

# The dashboard Mini App's browser tests (tests/bot/test_webapp_browser.py) drive Debian's
# chromium with Playwright (never `playwright install`: the system's browser is used). When it
# is missing it is installed with apt-get, as root (CI).
browser:
	@test -x /usr/bin/chromium || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

run: $(STAMP) ocr
	$(BIN)/leakbot db upgrade
	$(BIN)/leakbot run

test: $(STAMP) ocr browser
	$(BIN)/python -m pytest

bench: $(STAMP) ocr
	$(BIN)/python -m benchmarks

# The long soaks: 200 people send 20,000 messages to one bot on SQLite, then to four webhook
# processes on one PostgreSQL database; then the bot is killed with SIGKILL at random
# moments of a flood and of an upload. Short versions of each run in `make test`.
reliability: $(STAMP)
	$(BIN)/python -m benchmarks.soak 200 20000
	$(BIN)/python -m benchmarks.soak_webhooks
	$(BIN)/python -m benchmarks.soak_kills

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(STAMP)
	$(BIN)/leakbot demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
