# Installs the servers that tests and benchmarks start, once, into a cache outside the repository
# (${XDG_CACHE_HOME:-$HOME/.cache}/gamebackend), at one pinned version each. Sourced (not run) by eng/test.sh and by the
# benchmarks that start the same servers (bench/http/azure.sh).

# npm_tool package version folder [npm install options...]: installs package@version into the cache folder unless it is
# there already, and prints the package's folder.
npm_tool() {
  local package=$1 version=$2 folder="${XDG_CACHE_HOME:-$HOME/.cache}/gamebackend/$3"
  shift 3
  local installed
  installed=$(sed -nE 's/^[[:space:]]*"version":[[:space:]]*"([^"]+)".*/\1/p' "$folder/node_modules/$package/package.json" 2>/dev/null | head -n 1 || true)
  if [ "$installed" != "$version" ]; then
    command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
    echo "==> installing $package@$version into $folder" >&2
    mkdir -p "$folder"
    npm install --prefix "$folder" --no-save --no-audit --no-fund --loglevel=error "$@" "$package@$version" >/dev/null
  fi
  echo "$folder/node_modules/$package"
}

# redis-server (Debian's package): the fixtures and benchmarks start their own on a free 127.0.0.1 port.
install_redis_server() {
  command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)
}

# cosmosdb-server (npm @vercel/cosmosdb-server: in memory, HTTPS with the self-signed certificate the package ships).
# It needs node 20+; its engines field is not enforced. Exports COSMOSDB_SERVER, the package's folder, where
# CosmosServerFixture finds it.
install_cosmosdb_server() {
  COSMOSDB_SERVER=$(npm_tool @vercel/cosmosdb-server 1.0.1 cosmosdb-server --engine-strict=false)
  [ -f "$COSMOSDB_SERVER/lib/cli.js" ] || { echo "cosmosdb-server not found under $COSMOSDB_SERVER" >&2; return 1; }
  export COSMOSDB_SERVER
}
