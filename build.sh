#!/usr/bin/env bash
# Crowdfund's one entry point on Linux and macOS.
#   ./build.sh run [--port N]   build, start the private PostgreSQL, migrate, seed, run one silo + HTTP API
#   ./build.sh test             the same set-up on a fresh test database, then every test
#   ./build.sh bench            the launch-rush benchmark (prints one table)
#   ./build.sh build            compile only
#   ./build.sh db start|stop|status|url|psql
# CROWDFUND_DB (a connection string) makes every command use an existing PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CONFIG="${CONFIG:-Release}"

# shellcheck source=infra/pg.sh
source infra/pg.sh

need_dotnet() {
  command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
}

# Sets DB to a connection string for database $1, starting the private server unless CROWDFUND_DB is set.
use_db() {
  local name="$1" mode="${2:-}"
  if [ -n "${CROWDFUND_DB:-}" ]; then DB="$CROWDFUND_DB"; return; fi
  pg_start
  pg_create_db "$name" "$mode"
  DB="$(pg_url "$name")"
}

# Local secrets for the team API key and the pledge-token key, made once under the ignored .data folder.
# Anywhere else they come from the environment (Crowdfund__TeamApiKey, Crowdfund__TokenSecret).
dev_secrets() {
  mkdir -p "$ROOT/.data"
  local name
  for name in team-api-key token-secret; do
    [ -s "$ROOT/.data/$name" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$ROOT/.data/$name")
  done
  export Crowdfund__TeamApiKey="${Crowdfund__TeamApiKey:-$(cat "$ROOT/.data/team-api-key")}"
  export Crowdfund__TokenSecret="${Crowdfund__TokenSecret:-$(cat "$ROOT/.data/token-secret")}"
}

build() {
  need_dotnet
  dotnet build Crowdfund.sln -c "$CONFIG" -nologo -v q -clp:ErrorsOnly
}

cmd="${1:-}"; shift || true
case "$cmd" in
  build) build ;;
  run)
    port="${CROWDFUND_PORT:-5080}"
    while [ $# -gt 0 ]; do
      case "$1" in
        --port) port="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
      esac
    done
    build
    use_db crowdfund
    # Each instance on this machine takes its own silo and gateway ports, derived from the HTTP port,
    # so a second './build.sh run --port 5081' joins the same cluster.
    offset=$((port - 5080))
    export ConnectionStrings__Crowdfund="$DB"
    export Crowdfund__Silo__SiloPort=$((11111 + offset)) Crowdfund__Silo__GatewayPort=$((30000 + offset))
    export ASPNETCORE_URLS="http://127.0.0.1:$port"
    dev_secrets
    export Crowdfund__Seed__Demo=true Crowdfund__ManualConfirmation=true
    echo "Crowdfund: starting on http://127.0.0.1:$port (silo port $Crowdfund__Silo__SiloPort); Ctrl-C stops it."
    echo "  public:  curl http://127.0.0.1:$port/v1/campaigns/retro-phone?country=FR"
    echo "  team:    curl -H \"Authorization: Bearer \$(cat .data/team-api-key)\" http://127.0.0.1:$port/team/v1/campaigns/retro-phone/dashboard"
    exec dotnet "src/Crowdfund.Host/bin/$CONFIG/net10.0/Crowdfund.Host.dll" --contentRoot "$ROOT/src/Crowdfund.Host"
    ;;
  test)
    build
    use_db crowdfund_test fresh
    export CROWDFUND_DB="$DB"
    dotnet test Crowdfund.sln -c "$CONFIG" --no-build -nologo --logger "console;verbosity=normal" "$@"
    ;;
  bench)
    build
    if ! command -v wrk >/dev/null; then
      echo "bench: installing the load generator wrk (Debian package)"
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk
      else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
    fi
    use_db crowdfund_bench fresh
    exec dotnet "src/Crowdfund.Bench/bin/$CONFIG/net10.0/Crowdfund.Bench.dll" --db "$DB" --root "$ROOT" "$@"
    ;;
  db)
    sub="${1:-status}"; shift || true
    case "$sub" in
      start) pg_start; echo "PostgreSQL up on 127.0.0.1:$PG_PORT (data: $PG_DATA, log: $PG_LOG)" ;;
      stop) pg_stop ;;
      status) bash infra/pg.sh status ;;
      url) pg_start; pg_url "${1:-crowdfund}" ;;
      psql) pg_start; pg_create_db crowdfund; pg_psql -d crowdfund "$@" ;;
      *) echo "usage: ./build.sh db start|stop|status|url|psql" >&2; exit 2 ;;
    esac
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] && exit 0 || exit 2
    ;;
esac
