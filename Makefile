# Inkoopwijzer — `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install index embeddings lint typecheck unit integration browser eval-gate eval bench llm browser-deps ocr-deps render-deps clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ocr-deps

index: install
	$(BIN)/inkoopwijzer ingest --if-missing

# The server is up at once; a missing index is built in the background (the page shows progress).
run: install
	$(BIN)/inkoopwijzer serve

# Regenerate the embeddings shipped with the corpus (data/policies/.embeddings/) after parsing changes.
embeddings: install
	$(BIN)/inkoopwijzer embeddings --rebuild

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy inkoopwijzer ingest index assistant ui evals

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: could not install chromium; the browser test will be skipped"; }

# Tesseract with its Dutch model reads scanned PDF pages (ingest/ocr.py).
ocr-deps:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx nld; } || { \
	  echo "installing Debian tesseract-ocr and tesseract-ocr-nld for OCR of scanned pages"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-nld >/dev/null) \
	  || echo "WARNING: could not install tesseract; scanned PDF pages cannot be read and the OCR test will be skipped"; }

# LibreOffice turns the tests' DOCX renderings into PDF (tests/renderings.py).
render-deps:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing Debian libreoffice-writer-nogui for the rendering tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null) \
	  || echo "WARNING: could not install LibreOffice; the LibreOffice rendering test will be skipped"; }

test: install browser-deps render-deps lint typecheck
	$(BIN)/python -m pytest -q tests

eval: install
	$(BIN)/inkoopwijzer eval --out eval-out

bench: install
	$(BIN)/python bench/run_all.py

# llama.cpp is built from source for any x86-64 CPU (GGML_NATIVE=OFF): a build tuned to the
# build machine's CPU crashed in decode on the machines it was moved to. The probe generates a few
# tokens in a child process; an older build that fails it is rebuilt once.
LLAMA_BUILD := CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2
llm: install
	$(LLAMA_BUILD) $(BIN)/pip install -q --no-cache-dir --disable-pip-version-check -r assistant/requirements-llm.txt
	$(BIN)/python -m assistant.local_model --install
	$(BIN)/python -m assistant.local_model --probe || { \
	  echo "rebuilding llama-cpp-python for this CPU"; \
	  $(LLAMA_BUILD) $(BIN)/pip install -q --no-cache-dir --force-reinstall --no-deps --disable-pip-version-check \
	    $$(grep '^llama-cpp-python' assistant/requirements-llm.txt) && \
	  $(BIN)/python -m assistant.local_model --probe; }

clean:
	rm -rf $(VENV) var eval-out
