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

# A local secret under the ignored .data folder, made once: its value, with an optional prefix.
dev_secret() {
  local name="$1" prefix="${2:-}"
  mkdir -p "$ROOT/.data"
  [ -s "$ROOT/.data/$name" ] || (umask 077; printf '%s%s' "$prefix" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$ROOT/.data/$name")
  cat "$ROOT/.data/$name"
}

# Local secrets for the team API key and the pledge-token key. Anywhere else they come from the environment
# (Crowdfund__TeamApiKey, Crowdfund__TokenSecret).
dev_secrets() {
  export Crowdfund__TeamApiKey="${Crowdfund__TeamApiKey:-$(dev_secret team-api-key)}"
  export Crowdfund__TokenSecret="${Crowdfund__TokenSecret:-$(dev_secret token-secret)}"
}

# Payments: Stripe itself when STRIPE_SECRET_KEY is set (with STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET);
# otherwise the project's Stripe emulator on loopback, started here unless one already answers on its port, with keys
# and a webhook secret made once under .data/. Sets EMULATOR_PID when it started one.
use_stripe() {
  local host_port="$1"
  EMULATOR_PID=""
  if [ -n "${STRIPE_SECRET_KEY:-}" ]; then
    : "${STRIPE_PUBLISHABLE_KEY:?set STRIPE_PUBLISHABLE_KEY with STRIPE_SECRET_KEY}"
    : "${STRIPE_WEBHOOK_SECRET:?set STRIPE_WEBHOOK_SECRET with STRIPE_SECRET_KEY (the signing secret of your webhook endpoint)}"
    export Crowdfund__Stripe__SecretKey="$STRIPE_SECRET_KEY" Crowdfund__Stripe__PublishableKey="$STRIPE_PUBLISHABLE_KEY"
    export Crowdfund__Stripe__WebhookSecret="$STRIPE_WEBHOOK_SECRET"
    echo "Stripe: STRIPE_SECRET_KEY is set; talking to Stripe. Point a webhook endpoint at /webhooks/stripe."
    return
  fi
  local port="${STRIPE_EMULATOR_PORT:-12111}"
  export Crowdfund__Stripe__ApiBase="http://127.0.0.1:$port"
  export Crowdfund__Stripe__SecretKey="$(dev_secret stripe-secret-key sk_test_emulator_)"
  export Crowdfund__Stripe__PublishableKey="$(dev_secret stripe-publishable-key pk_test_emulator_)"
  export Crowdfund__Stripe__WebhookSecret="$(dev_secret stripe-webhook-secret whsec_)"
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "Stripe: no STRIPE_SECRET_KEY; using the Stripe emulator already running on http://127.0.0.1:$port"
    return
  fi
  StripeEmulator__SecretKey="$Crowdfund__Stripe__SecretKey" StripeEmulator__PublishableKey="$Crowdfund__Stripe__PublishableKey" \
  StripeEmulator__WebhookSecret="$Crowdfund__Stripe__WebhookSecret" \
  StripeEmulator__WebhookUrl="http://127.0.0.1:$host_port/webhooks/stripe" \
    dotnet "src/Crowdfund.StripeEmulator/bin/$CONFIG/net10.0/Crowdfund.StripeEmulator.dll" --urls "http://127.0.0.1:$port" \
    > "$ROOT/.data/stripe-emulator.log" 2>&1 &
  EMULATOR_PID=$!
  local i
  for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  echo "Stripe: no STRIPE_SECRET_KEY; started the Stripe emulator on http://127.0.0.1:$port (log: .data/stripe-emulator.log)."
  echo "  It sends its webhooks to this instance. Test cards: pm_card_visa saves fine, pm_card_chargeDeclined is refused."
}

# Mail to backers: through SMTP when Crowdfund__Mail__Smtp__Host is set (with __Port, __Security, __User, __Password and
# Crowdfund__Mail__From); otherwise each message is written as a .eml file, by default under .data/mail.
use_mail() {
  if [ -n "${Crowdfund__Mail__Smtp__Host:-}" ]; then
    echo "Mail: to backers through SMTP at $Crowdfund__Mail__Smtp__Host:${Crowdfund__Mail__Smtp__Port:-587}."
    return
  fi
  export Crowdfund__Mail__Folder="${Crowdfund__Mail__Folder:-$ROOT/.data/mail}"
  echo "Mail: no Crowdfund__Mail__Smtp__Host; mail to backers is written as .eml files to $Crowdfund__Mail__Folder"
}

# The browser tests drive Debian's headless Chromium through Debian's chromedriver; install both when missing
# (CI runs as root on a clean Debian machine; elsewhere sudo asks).
need_browser() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return
  echo "test: installing Debian's chromium and chromium-driver for the browser tests"
  local apt=(apt-get); [ "$(id -u)" = 0 ] || apt=(sudo apt-get)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq chromium chromium-driver >/dev/null
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
    export Crowdfund__Seed__Demo=true
    use_stripe "$port"
    use_mail
    echo "Crowdfund: starting on http://127.0.0.1:$port (silo port $Crowdfund__Silo__SiloPort); Ctrl-C stops it."
    echo "  public:  curl http://127.0.0.1:$port/v1/campaigns/retro-phone?country=FR"
    echo "  team:    curl -H \"Authorization: Bearer \$(cat .data/team-api-key)\" http://127.0.0.1:$port/team/v1/campaigns/retro-phone/dashboard"
    echo "  pages:   http://127.0.0.1:$port/c/retro-phone (the campaign page, by country and language)"
    echo "           http://127.0.0.1:$port/team/c/retro-phone (the team's dashboard; sign in with the key in .data/team-api-key)"
    if [ -z "$EMULATOR_PID" ]; then
      exec dotnet "src/Crowdfund.Host/bin/$CONFIG/net10.0/Crowdfund.Host.dll" --contentRoot "$ROOT/src/Crowdfund.Host"
    fi
    # The emulator started here stops with the host.
    trap 'kill "$EMULATOR_PID" 2>/dev/null || true' EXIT
    trap 'kill -TERM "$HOST_PID" 2>/dev/null || true' INT TERM
    dotnet "src/Crowdfund.Host/bin/$CONFIG/net10.0/Crowdfund.Host.dll" --contentRoot "$ROOT/src/Crowdfund.Host" &
    HOST_PID=$!
    wait "$HOST_PID" || wait "$HOST_PID"
    ;;
  test)
    need_browser
    build
    use_db crowdfund_test fresh
    export CROWDFUND_DB="$DB"
    # The projects run side by side and their output interleaves; a failure is repeated at the end, where a
    # reader of a long log (or CI's tail of it) looks first.
    mkdir -p "$ROOT/.data"
    TEST_LOG="$ROOT/.data/test.log"
    set +e
    dotnet test Crowdfund.sln -c "$CONFIG" --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$TEST_LOG"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ]; then
      echo "=== tests failed (exit $rc); the failures, from $TEST_LOG: ==="
      grep -E -A 25 "^\s+Failed |error (CS|MSB|NU)[0-9]+|The active test run was aborted|Test Run Aborted" "$TEST_LOG" | head -300
    fi
    exit "$rc"
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
