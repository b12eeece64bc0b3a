# The two commands: `make run` and `make test`. Both set everything up on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test test-fast lint audit demo messages system-deps clean-var

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed system-deps messages

# Debian packages the platform and its tests use: chromium (Playwright journeys),
# CJK fonts (PDFs with embedded Chinese), poppler (PDF pages to PNG), gettext.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	fi

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages -v 0 --ignore=.venv

# Serves the demo as users see it: DEBUG off (Chinese error pages, static files through WhiteNoise).
# A developer who wants Django's debug pages runs `DEBUG=1 make run`.
DEBUG ?= 0
run: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo --if-empty
	DEBUG=$(DEBUG) $(PY) manage.py runserver --nostatic 127.0.0.1:$(PORT)

test: setup
	$(VENV)/bin/ruff check -q gongkai
	$(PY) scripts/audit_dependencies.py
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

# Known vulnerabilities in requirements.txt's installed closure (pip-audit, PyPI's JSON API); says plainly when
# the service cannot be reached and goes on (PIP_AUDIT_STRICT=1 to fail). Exceptions: requirements-audit-exceptions.txt.
audit: $(VENV)/.installed
	$(PY) scripts/audit_dependencies.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean-var:
	rm -rf var
