# Sourced by the browser tests (run-timeline-test.sh, run-dashboard-test.sh): makes sure Debian's
# Chromium, Node.js and the pinned playwright-core are there, installing what is missing (as root,
# tools/deps.sh --browser; npm ci into tools/browser/node_modules), or ends the test: a failure in
# CI (CI=true), a skip elsewhere (exit 77, ctest's SKIP_RETURN_CODE). Needs $here (this folder) and
# $root (the repository); sets $chromium.
unavailable() {
  if [ "${CI:-}" = "true" ]; then
    echo "browser test: FAILED: $1 (CI=true: the browser test must run in CI)" >&2
    exit 1
  fi
  echo "browser test: skipped: $1" >&2
  exit 77
}

chromium="${CLOCKWORK_CHROMIUM:-/usr/bin/chromium}"
# The oldest Node.js the pinned playwright-core runs on: the lock file's "engines" (">=18").
wanted_node="$(grep -o '"node": ">=[0-9]*' "$here/package-lock.json" | grep -o '[0-9]*$' | head -n 1)"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# Whether node_modules holds the version the lock file pins (then npm is not needed).
pinned_installed() {
  node -e 'const l=require(process.argv[1]);const m=require(process.argv[2]);
           process.exit(l.packages["node_modules/playwright-core"].version===m.version?0:1)' \
    "$here/package-lock.json" "$here/node_modules/playwright-core/package.json" 2>/dev/null
}
ready() {
  [ -x "$chromium" ] && [ "$(node_major)" -ge "${wanted_node:-18}" ] && { pinned_installed || command -v npm >/dev/null 2>&1; }
}

# Debian's Chromium (never a browser downloaded by a test tool), Node.js and npm.
if ! ready; then
  if [ "$(id -u)" -ne 0 ]; then
    unavailable "Chromium ($chromium), Node.js >= ${wanted_node:-18} or npm is missing and installing them needs root (tools/deps.sh --browser)"
  fi
  echo "browser test: installing Debian's chromium, and nodejs and npm if needed (tools/deps.sh --browser)" >&2
  "$root/tools/deps.sh" --browser >&2 || unavailable "could not install the browser test's packages from Debian (tools/deps.sh --browser)"
  hash -r
  [ -x "$chromium" ] || unavailable "chromium installed but $chromium is missing"
  command -v node >/dev/null 2>&1 || unavailable "nodejs installed but node is missing"
  [ "$(node_major)" -ge "${wanted_node:-18}" ] ||
    unavailable "node $(node --version) is older than the ${wanted_node:-18} the pinned playwright-core needs"
fi

# The pinned playwright-core (npm ci when node_modules lacks the version the lock file pins).
if ! pinned_installed; then
  command -v npm >/dev/null 2>&1 || unavailable "npm is not installed (needed once, to install playwright-core)"
  echo "browser test: installing the pinned playwright-core into tools/browser/node_modules (npm ci)" >&2
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2 ||
    unavailable "npm ci could not install playwright-core from the npm registry"
fi

