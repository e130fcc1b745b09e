# Sourced by scripts/serve and scripts/test: `debian_packages PKG…` installs the Debian
# packages among PKG that are missing, when we are root with apt-get (as scripts/test
# does for chromium); otherwise it says which are missing and goes on.
debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "安装 ${missing[*]} …"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
  else
    echo "缺少 Debian 软件包:${missing[*]}(需要 root 安装)" >&2
  fi
}
