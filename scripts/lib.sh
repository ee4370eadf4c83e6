# Shared by ./headroom and .ci/run: find a JDK >= 21 and the pinned tools. Sourced, not executed.

# Prints the major version of the java binary given, or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

# Exports JAVA_HOME pointing at a JDK >= 21: the caller's JAVA_HOME if good enough, else the newest
# under /usr/lib/jvm, else one installed from Debian's packages.
ensure_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then export JAVA_HOME; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ]; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "headroom: no JDK >= 21 found; installing one from Debian's packages" >&2
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    for pkg in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt-get install -y -qq "$pkg" >/dev/null 2>&1; then
        ensure_jdk_found=1
        break
      fi
    done
    if [ -n "${ensure_jdk_found:-}" ]; then unset ensure_jdk_found; ensure_jdk; return $?; fi
  fi
  echo "headroom: could not find or install a JDK >= 21; set JAVA_HOME to one" >&2
  return 1
}

# Installs the pinned buf (protobuf linter) from npm into .tools/ and prints its path.
ensure_buf() {
  local root=$1 version=1.75.0 bin
  bin="$root/.tools/node_modules/.bin/buf"
  if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "$version" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get install -y -qq nodejs npm >/dev/null 2>&1 || { echo "headroom: npm is needed for buf" >&2; return 1; }
    fi
    mkdir -p "$root/.tools"
    npm install --silent --no-audit --no-fund --prefix "$root/.tools" "@bufbuild/buf@$version" >&2 || return 1
  fi
  echo "$bin"
}

# The prompt plugin's Node example and browser test need their npm packages and Debian's chromium
# (never a downloaded browser). Installs what is missing.
ensure_plugin_test_tools() {
  local root=$1 dir
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq nodejs npm >/dev/null 2>&1 || { echo "headroom: npm is needed for the plugin tests" >&2; return 1; }
  fi
  for dir in "$root/prompt-plugin/examples/node" "$root/prompt-plugin/src/test/web"; do
    if [ ! -d "$dir/node_modules" ]; then
      npm ci --silent --no-audit --no-fund --prefix "$dir" >&2 || return 1
    fi
  done
  if [ ! -x /usr/bin/chromium ]; then
    echo "headroom: installing Debian's chromium for the browser test" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq chromium >/dev/null 2>&1 || { echo "headroom: could not install chromium" >&2; return 1; }
  fi
}
