#!/usr/bin/env bash
# A local CinemaSync cluster: redis-server (membership), 3 silos and 2 web nodes (Orleans
# clients) on free loopback ports, all sharing one SQLite store.
#   scripts/cluster.sh up       build once (Release), start everything, return when all answer
#   scripts/cluster.sh status   one line per process: web <pid> <url> | silo <pid> <silo-port> | redis <pid> <port>
#   scripts/cluster.sh down     stop everything (SIGTERM, then SIGKILL after 30 s)
# Data (SQLite file, logs, state) lives under $CINEMASYNC_DATA_DIR, else ./data/cluster.
# The nodes run in the Staging environment (not Development: no built-in secret, no emulator),
# with a random JWT_SECRET kept in the data directory (or yours, if JWT_SECRET is set), each web
# node's own URL as API_BASE_URL, and, because this is a loopback cluster for trying things
# without Firebase, dev login and the /api/cluster diagnostics turned on explicitly
# (Auth__DevLogin, Orleans__DiagnosticsEndpoint; set them to false to turn them off).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$(mkdir -p "${CINEMASYNC_DATA_DIR:-$ROOT/data/cluster}" && cd "${CINEMASYNC_DATA_DIR:-$ROOT/data/cluster}" && pwd)
STATE="$DATA/cluster.state"
LOGS="$DATA/logs"
SILOS=${CLUSTER_SILOS:-3}
WEBS=${CLUSTER_WEBS:-2}

# Running, not merely present: a killed process whose parent has not reaped it yet (a zombie,
# state Z in /proc/PID/stat) still passes `kill -0`.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat state
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  state=${stat##*) }; state=${state%% *}
  [[ $state != Z && $state != X ]]
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

taken=" "
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ $taken == *" $p "* ]] && continue
    port_open "$p" && continue
    taken+="$p "
    echo "$p"
    return
  done
}

# GET http://127.0.0.1:$1$2 without curl; prints the body.
http_get() {
  local port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  timeout 5 cat <&3 | tr -d '\r' | sed '1,/^$/d'
  exec 3<&-
}

print_status() {
  local ok=0 kind pid a rest
  [[ -f $STATE ]] || { echo "no cluster (state file $STATE missing)" >&2; return 1; }
  while read -r kind pid a rest; do
    if alive "$pid"; then echo "$kind $pid $a"; else echo "$kind $pid $a (not running)"; ok=1; fi
  done < "$STATE"
  return $ok
}

ensure_redis() {
  command -v redis-server >/dev/null && return
  echo "redis-server is missing; installing it with apt-get (Debian package redis-server)..." >&2
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null || { echo "could not install redis-server; install it and retry" >&2; exit 1; }
}

wait_until() {   # wait_until <seconds> <description> <command...>
  local deadline=$(( SECONDS + $1 )) what=$2; shift 2
  until "$@"; do
    if (( SECONDS > deadline )); then echo "timed out waiting for $what (logs in $LOGS)" >&2; return 1; fi
    sleep 0.5
  done
}

web_ok() { http_get "$1" /api/health 2>/dev/null | grep -q '"status":"ok"'; }

up() {
  if [[ -f $STATE ]] && print_status >/dev/null 2>&1; then
    echo "already running:" >&2
    print_status
    return
  fi
  [[ -f $STATE ]] && down >/dev/null
  ensure_redis
  echo "building (Release)..." >&2
  dotnet build "$ROOT/CinemaSync.Silo/CinemaSync.Silo.csproj" -c Release -nologo -v q >&2
  dotnet build "$ROOT/CinemaSync.Web/CinemaSync.Web.csproj" -c Release -nologo -v q >&2
  local silo_dll="$ROOT/CinemaSync.Silo/bin/Release/net10.0/CinemaSync.Silo.dll"
  local web_dll="$ROOT/CinemaSync.Web/bin/Release/net10.0/CinemaSync.Web.dll"
  mkdir -p "$LOGS" "$DATA/redis"
  : > "$STATE"
  trap 'echo "start-up failed; stopping what started" >&2; down >/dev/null 2>&1 || true' ERR

  local secret_file="$DATA/jwt-secret"
  [[ -f $secret_file ]] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$secret_file")
  export JWT_SECRET="${JWT_SECRET:-$(cat "$secret_file")}"
  export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Staging}"
  export Auth__DevLogin="${Auth__DevLogin:-true}"
  export Orleans__DiagnosticsEndpoint="${Orleans__DiagnosticsEndpoint:-true}"
  export CINEMASYNC_DATA_DIR="$DATA"
  export Orleans__Clustering=redis
  export Orleans__ClusterId="${Orleans__ClusterId:-cinemasync-cluster}"

  local redis_port; redis_port=$(free_port)
  setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$DATA/redis" \
    > "$LOGS/redis.log" 2>&1 < /dev/null &
  echo "redis $! $redis_port" >> "$STATE"
  wait_until 20 "redis on $redis_port" port_open "$redis_port"
  export REDIS_CONNECTION="127.0.0.1:$redis_port"

  local i silo_port gateway_port dashboard_port pid
  for (( i = 1; i <= SILOS; i++ )); do
    silo_port=$(free_port); gateway_port=$(free_port); dashboard_port=$(free_port)
    Orleans__SiloPort=$silo_port Orleans__GatewayPort=$gateway_port Orleans__DashboardPort=$dashboard_port \
      setsid dotnet "$silo_dll" > "$LOGS/silo$i.log" 2>&1 < /dev/null &
    echo "silo $! $silo_port $gateway_port $dashboard_port" >> "$STATE"
  done
  while read -r kind pid silo_port gateway_port dashboard_port; do
    [[ $kind == silo ]] || continue
    wait_until 120 "silo $pid (gateway $gateway_port)" port_open "$gateway_port"
  done < "$STATE"

  local web_port
  for (( i = 1; i <= WEBS; i++ )); do
    web_port=$(free_port)
    Orleans__Mode=client ASPNETCORE_URLS="http://127.0.0.1:$web_port" API_BASE_URL="${API_BASE_URL:-http://127.0.0.1:$web_port}" \
      setsid dotnet "$web_dll" > "$LOGS/web$i.log" 2>&1 < /dev/null &
    echo "web $! http://127.0.0.1:$web_port" >> "$STATE"
  done
  while read -r kind pid url; do
    [[ $kind == web ]] || continue
    wait_until 120 "web node $url" web_ok "${url##*:}"
  done < "$STATE"
  trap - ERR

  print_status
  read -r _ _ _ _ dashboard_port < <(grep '^silo' "$STATE" | head -1)
  echo "# dashboard http://127.0.0.1:$dashboard_port/ ; logs in $LOGS ; stop with $0 down" >&2
}

down() {
  [[ -f $STATE ]] || { echo "no cluster running (no $STATE)" >&2; return 0; }
  local kind pid rest order
  # Web nodes first, then silos (they leave the membership table gracefully), redis last.
  for order in web silo redis; do
    local pids=()
    while read -r kind pid rest; do
      [[ $kind == "$order" ]] && alive "$pid" && { kill -TERM "$pid"; pids+=("$pid"); }
    done < "$STATE"
    local deadline=$(( SECONDS + 30 ))
    for pid in "${pids[@]}"; do
      while alive "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    done
  done
  cat "$STATE" | awk '{ print "stopped " $1 " " $2 }'
  rm -f "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) print_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
