# Sourced by scripts/serve and scripts/test: makes .venv and installs the project into it
# when pyproject.toml changed since the last install (so a second run is fast).
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv …"
  "$PY" -m venv .venv
fi
stamp=.venv/.linli-installed
want=$(sha256sum pyproject.toml | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "安装依赖 …"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
  echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
