#!/usr/bin/env bash
# Runs identical loads against the CinemaSync server and the bare SignalR relay (bench/Relay),
# each started in turn on a free loopback port, and prints a comparison table with ratios.
# See bench/README.md. Needs: dotnet, curl, jq, ss (iproute2).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--server 'COMMAND'] [--quick] [--out DIR] [--warmup S] [--knee-start N] [--knee-max N]
                    [--no-knee] [--no-build] [--only server|relay]

  --server 'COMMAND'  starts the CinemaSync server in the foreground; run with bash -c, with
                      ASPNETCORE_URLS=http://127.0.0.1:PORT set (a free port), e.g.
                      --server 'exec dotnet CinemaSync.Web/bin/Release/net10.0/CinemaSync.Web.dll'
                      The server process is the one listening on PORT (found with ss), so a
                      wrapper script is fine. Without --server only the relay is measured.
  --quick             small loads and short durations (a check of the script, not a benchmark)
  --out DIR           where the JSON results go (default bench/results/<UTC time>)
  --warmup S          seconds of warm-up load on each fresh target before it is measured
                      (default 20; 5 with --quick): long enough for tiered JIT to settle, which
                      takes the server (Orleans) longer than the relay
  --knee-start N      first step of the capacity search (default: the step, 1000)
  --knee-max N        stop the capacity search at N members (default 20000)
  --only KIND         measure only the server or only the relay
  --report DIR        run nothing: print the table of the results already in DIR
  --no-knee           skip the capacity search
  --knee-only         only the capacity search (e.g. a lower range into another --out)
  --no-build          do not build the load tester and the relay (Release) first

Scenarios (each on a freshly started target):
  fanout   100 rooms × 10 members, 1 command/s per room, 60 s: time-to-last-member p50/p99,
           server CPU µs per delivery
  big      1 room × 1,000 members, 1 command/s, 30 s: time-to-last-member p99
  memory   1,000 rooms × 10 members, no commands, 5 s idle hold: server RSS per joined member
  knee     rooms of 10, members stepped up by 1,000 (1 command/s per room, 30 s each) until
           p99 > 100 ms or anything lost or failed; the last good step is reported
EOF
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER_CMD=""
QUICK=0
OUT=""
KNEE_MAX=20000
KNEE_START=""
KNEE=1
BUILD=1
WARMUP=""
ONLY=""
REPORT=0
FIXED=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER_CMD="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --knee-max) KNEE_MAX="$2"; shift 2 ;;
    --knee-start) KNEE_START="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --report) OUT="$2"; REPORT=1; KNEE=1; BUILD=0; shift 2 ;;
    --no-knee) KNEE=0; shift ;;
    --knee-only) FIXED=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for tool in dotnet curl jq ss; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool (apt-get install -y ${tool/ss/iproute2})" >&2; exit 2; }
done

OUT="${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
LOADTEST="$ROOT/CinemaSync.LoadTest/bin/Release/net10.0/CinemaSync.LoadTest.dll"
RELAY="$ROOT/bench/Relay/bin/Release/net10.0/CinemaSync.Bench.Relay.dll"
if [[ $BUILD == 1 ]]; then
  dotnet build -c Release "$ROOT/CinemaSync.LoadTest" -v q -nologo >&2
  dotnet build -c Release "$ROOT/bench/Relay" -v q -nologo >&2
fi

if [[ $QUICK == 1 ]]; then
  FANOUT=(--rooms 20 --members 10 --rate 1 --duration 10)
  BIG=(--rooms 1 --members 200 --max-participants 200 --rate 1 --duration 5)
  MEMORY=(--rooms 100 --members 10 --rate 0 --duration 0 --sync-interval 0 --hold 3)
  KNEE_STEP=200; KNEE_DURATION=5; KNEE_MAX=$(( KNEE_MAX < 600 ? KNEE_MAX : 600 ))
  WARMUP="${WARMUP:-5}"
else
  FANOUT=(--rooms 100 --members 10 --rate 1 --duration 60)
  BIG=(--rooms 1 --members 1000 --max-participants 1000 --rate 1 --duration 30)
  MEMORY=(--rooms 1000 --members 10 --rate 0 --duration 0 --sync-interval 0 --hold 5 --join-rate 500)
  KNEE_STEP=1000; KNEE_DURATION=30
  WARMUP="${WARMUP:-20}"
fi
KNEE_START="${KNEE_START:-$KNEE_STEP}"

free_port() {
  # A port with no socket of any state on it (a port still held by a client connection fails to bind).
  local p
  for p in $(shuf -i 20000-60000 -n 200); do
    if ! ss -Htan "sport = :$p or dport = :$p" | grep -q .; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

TARGET_PGID=""
TARGET_PID=""
TARGET_URL=""
TARGET_DATA=""

# The server's bench configuration; a variable already set in the environment wins. Staging (the
# deployed code paths: no development secret or defaults; Production refuses dev login) with dev
# login on, a throwaway JWT secret, no sign-in limit (measured figures leave sign-in out), and
# raised hub limits, so that --rate/--chat-rate above the hub's defaults (10 playback/s, 5 chat/s)
# are not refused. The scenarios stay under the hub defaults anyway (1 command/s per room, warm-up
# 5/s); the limiter still runs on every call, only its ceilings are raised.
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Staging}"
export JWT_SECRET="${JWT_SECRET:-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export Auth__DevLogin="${Auth__DevLogin:-true}"
export Auth__LoginRateLimitPerMinute="${Auth__LoginRateLimitPerMinute:-0}"
for limit in Playback Chat Reactions Joins Leaves Status SyncTime Moderation Queue; do
  for kind in PerSecond Burst; do
    var="RateLimits__${limit}${kind}"
    export "$var=${!var:-100000}"
  done
done
[[ $REPORT == 1 ]] || { env | grep -E '^(ASPNETCORE_ENVIRONMENT|Auth__|RateLimits__|Logging__|CINEMASYNC_)' | sort >"$OUT/server-env.txt" || true; }

# start_target relay|server: starts it in its own process group and waits until POST /api/auth/dev
# answers; sets TARGET_URL, TARGET_PID (the listening process) and TARGET_PGID. The relay binds
# port 0 and prints its URL; the server gets a free port through ASPNETCORE_URLS (3 tries).
start_target() {
  local kind="$1" log="$OUT/$1.log" attempt port i
  for attempt in 1 2 3; do
    : >"$log"
    if [[ "$kind" == relay ]]; then
      setsid dotnet "$RELAY" --urls "http://127.0.0.1:0" >>"$log" 2>&1 &
      TARGET_PGID=$!
      TARGET_URL=""
      for i in $(seq 1 300); do
        TARGET_URL="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | cut -d' ' -f3 || true)"
        [[ -n "$TARGET_URL" ]] && break
        kill -0 "$TARGET_PGID" 2>/dev/null || break
        sleep 0.1
      done
    else
      port="$(free_port)"
      TARGET_URL="http://127.0.0.1:$port"
      # A fresh embedded store per start (removed on stop), unless CINEMASYNC_DATA_DIR is set.
      TARGET_DATA="${CINEMASYNC_DATA_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/cinemasync-bench-XXXXXX")}"
      CINEMASYNC_DATA_DIR="$TARGET_DATA" ASPNETCORE_URLS="$TARGET_URL" API_BASE_URL="$TARGET_URL" setsid bash -c "$SERVER_CMD" >>"$log" 2>&1 &
      TARGET_PGID=$!
    fi
    for i in $(seq 1 600); do
      if [[ -n "$TARGET_URL" && "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
            -d '{"display_name":"probe"}' "$TARGET_URL/api/auth/dev" || true)" == 200 ]]; then
        port="${TARGET_URL##*:}"
        TARGET_PID="$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
        [[ -n "$TARGET_PID" ]] || TARGET_PID=$TARGET_PGID
        return 0
      fi
      kill -0 "$TARGET_PGID" 2>/dev/null || break
      sleep 0.1
    done
    echo "$kind did not come up (try $attempt); see $log:" >&2
    grep -m 3 -iE 'address already in use|exception|error' "$log" >&2 || tail -5 "$log" >&2
    stop_target
  done
  return 1
}

# warm_up: a load on the fresh target so that JIT compilation is not measured. Tiered compilation
# keeps recompiling hot methods for a while: with a 5 s warm-up, JIT was about 45% of the server's
# CPU samples (perf) in the first 30 s of the measured fanout run, and 3% after a 30 s warm-up.
warm_up() {
  dotnet "$LOADTEST" --url "$TARGET_URL" --rooms 20 --members 5 --rate 5 --chat-rate 1 --duration "$WARMUP" \
    --sync-interval 1 --no-progress >"$OUT/warmup.txt" 2>&1 || echo "(warm-up against $TARGET_URL reported problems: $OUT/warmup.txt)" >&2
}

stop_target() {
  if [[ -n "$TARGET_PGID" ]]; then
    kill -TERM -- "-$TARGET_PGID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$TARGET_PGID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$TARGET_PGID" 2>/dev/null || true
    wait "$TARGET_PGID" 2>/dev/null || true
  fi
  if [[ -n "$TARGET_DATA" && -z "${CINEMASYNC_DATA_DIR:-}" ]]; then rm -rf "$TARGET_DATA"; fi
  TARGET_PGID=""; TARGET_PID=""; TARGET_DATA=""
}
trap stop_target EXIT

# run_load KIND NAME ARGS...: fresh target, one load test, JSON to $OUT/KIND-NAME.json. Returns the tester's exit code.
run_load() {
  local kind="$1" name="$2"; shift 2
  local json="$OUT/$kind-$name.json"
  start_target "$kind" || return 3
  warm_up
  echo "== $kind $name: $* (server pid $TARGET_PID, $TARGET_URL; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  local rc=0 load0
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  dotnet "$LOADTEST" --url "$TARGET_URL" --server-pid "$TARGET_PID" --json "$json" "$@" \
    >"$OUT/$kind-$name.txt" 2>"$OUT/$kind-$name.progress" || rc=$?
  # 1-minute load average before and after the measured run (machine load next to every figure).
  echo "$load0 $(cut -d' ' -f1 /proc/loadavg)" >"$OUT/$kind-$name.load"
  tail -n 4 "$OUT/$kind-$name.txt" | head -n 2 >&2 || true
  stop_target
  return $rc
}

TARGETS=(relay)
[[ -n "$SERVER_CMD" ]] && TARGETS=(server relay)
if [[ -n "$ONLY" ]]; then
  [[ "$ONLY" == server && -z "$SERVER_CMD" ]] && { echo "--only server needs --server" >&2; exit 2; }
  TARGETS=("$ONLY")
fi

if [[ $REPORT == 1 ]]; then
  TARGETS=()
  [[ -f "$OUT/server-fanout.json" && -z "$SERVER_CMD" ]] && SERVER_CMD="(results in $OUT)"
fi

# The fixed scenarios for every target first, then the capacity searches (the longest part).
for kind in "${TARGETS[@]}"; do
  [[ $FIXED == 1 ]] || break
  run_load "$kind" fanout "${FANOUT[@]}" || echo "($kind fanout reported loss or errors)" >&2
  run_load "$kind" big "${BIG[@]}" || echo "($kind big reported loss or errors)" >&2
  run_load "$kind" memory "${MEMORY[@]}" || echo "($kind memory reported loss or errors)" >&2
done
for kind in "${TARGETS[@]}"; do
  if [[ $KNEE == 1 ]]; then
    good=0; failed=0
    for (( members = KNEE_START; members <= KNEE_MAX; members += KNEE_STEP )); do
      rc=0
      run_load "$kind" "knee-$members" --rooms $(( members / 10 )) --members 10 --rate 1 --duration "$KNEE_DURATION" --join-rate 500 || rc=$?
      p99="$(jq '.time_to_last_member_ms.p99' "$OUT/$kind-knee-$members.json" 2>/dev/null || echo 1e9)"
      if [[ $rc != 0 ]] || jq -e '.time_to_last_member_ms.p99 > 100' "$OUT/$kind-knee-$members.json" >/dev/null 2>&1; then
        echo "($kind knee: $members members failed: exit $rc, p99 $p99 ms)" >&2
        failed=$members
        break
      fi
      good=$members
    done
    # "<N": the first step tried (N) already failed; ">=N": no step up to --knee-max failed.
    if [[ $good == 0 ]]; then echo "<$KNEE_START" >"$OUT/$kind-knee.txt"
    elif [[ $failed == 0 ]]; then echo ">=$good" >"$OUT/$kind-knee.txt"
    else echo "$good" >"$OUT/$kind-knee.txt"; fi
  fi
done

# ---------------------------------------------------------------- table
val() { # val KIND NAME JQ-EXPRESSION
  local f="$OUT/$1-$2.json"
  [[ -f "$f" ]] && jq -r "$3 // \"n/a\"" "$f" || echo "n/a"
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 == a && b+0 == b && b != 0) printf "%.2f", a / b; else printf "n/a" }'
}
row() { # row LABEL SERVER RELAY
  printf '%-44s %14s %14s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"
}
{
  echo
  echo "CinemaSync vs bare SignalR relay, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores$([[ $QUICK == 1 ]] && echo ', QUICK (not a benchmark)')"
  printf '%-44s %14s %14s %8s\n' "metric" "server" "relay" "ratio"
  s() { [[ -n "$SERVER_CMD" ]] && val server "$@" || echo n/a; }
  row "fanout: time-to-last-member p50 (ms)" "$(s fanout .time_to_last_member_ms.p50)" "$(val relay fanout .time_to_last_member_ms.p50)"
  row "fanout: time-to-last-member p99 (ms)" "$(s fanout .time_to_last_member_ms.p99)" "$(val relay fanout .time_to_last_member_ms.p99)"
  row "fanout: delivery p99 (ms)" "$(s fanout .delivery_ms.p99)" "$(val relay fanout .delivery_ms.p99)"
  row "fanout: server CPU µs per delivery" "$(s fanout .server_cpu_us_per_delivery)" "$(val relay fanout .server_cpu_us_per_delivery)"
  row "fanout: lost / errors" "$(s fanout '"\(.lost)/\(.errors)"')" "$(val relay fanout '"\(.lost)/\(.errors)"')"
  row "big: time-to-last-member p99 (ms)" "$(s big .time_to_last_member_ms.p99)" "$(val relay big .time_to_last_member_ms.p99)"
  row "big: lost / errors" "$(s big '"\(.lost)/\(.errors)"')" "$(val relay big '"\(.lost)/\(.errors)"')"
  row "memory: RSS kB per joined member (no GC)" "$(s memory .server_rss_kb_per_member)" "$(val relay memory .server_rss_kb_per_member)"
  for name in fanout big memory; do
    printf '%-44s %14s %14s\n' "$name: load average before/after" \
      "$(tr ' ' / 2>/dev/null <"$OUT/server-$name.load" || echo n/a)" "$(tr ' ' / 2>/dev/null <"$OUT/relay-$name.load" || echo n/a)"
  done
  if [[ $KNEE == 1 ]]; then
    kn_s="n/a"; [[ -n "$SERVER_CMD" && -f "$OUT/server-knee.txt" ]] && kn_s="$(cat "$OUT/server-knee.txt")"
    kn_r="n/a"; [[ -f "$OUT/relay-knee.txt" ]] && kn_r="$(cat "$OUT/relay-knee.txt")"
    row "knee: last good step (members)" "$kn_s" "$kn_r"
    kl() { local f; f="$(ls -1 "$OUT/$1"-knee-*.load 2>/dev/null | sort -t- -k3 -n | tail -1)"; [[ -n "$f" ]] && echo "$(basename "$f" .load | cut -d- -f3):$(tr ' ' / <"$f")" || echo n/a; }
    printf '%-44s %14s %14s\n' "knee: last step tried: load before/after" "$(kl server)" "$(kl relay)"
  fi
  echo "results: $OUT"
} | tee "$OUT/table.txt"
