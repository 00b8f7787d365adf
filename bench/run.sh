#!/usr/bin/env bash
# Runs identical loads against the CinemaSync server and the bare SignalR relay (bench/Relay), each
# started in turn on a free loopback port, plus the stream proxy benchmark (bench/Stream), and prints
# ONE table: metric, server, relay, ratio, target, met/missed. See bench/README.md.
# Needs: dotnet, curl, jq, ss (iproute2); taskset (util-linux) for --pin. --report needs only jq.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--server 'COMMAND'] [--server-dll PATH] [--protocol json|messagepack] [--quick]
                    [--out DIR] [--warmup S] [--only server|relay] [--scenario NAME]... [--no-build]
                    [--no-knee] [--knee-only] [--pin|--no-pin] [--knee-start N] [--knee-step N]
                    [--knee-max N] [--knee-duration S] [--knee-refine N] [--knee-budget S]
                    [--no-stream] [--stream-size-mb N] [--stream-rounds N]
       bench/run.sh --report DIR

  --server 'COMMAND'  starts the CinemaSync server in the foreground; run with bash -c, with
                      ASPNETCORE_URLS=http://127.0.0.1:PORT set (a free port). The server process
                      is the one listening on PORT (found with ss), so a wrapper script is fine.
                      Default: exec dotnet SERVER_DLL
  --server-dll PATH   the server build (default CinemaSync.Web/bin/Release/net10.0/CinemaSync.Web.dll,
                      built in Release unless --no-build); the stream scenario always runs this one
  --protocol P        SignalR hub protocol of every load-tester call, json (default) or messagepack
  --quick             small loads and short durations (a check of the script, not a benchmark)
  --out DIR           where the JSON results go (default bench/results/<UTC time>)
  --warmup S          seconds of warm-up load on each fresh target before it is measured
                      (default 20; 5 with --quick)
  --only KIND         measure only the server or only the relay (relay: no stream scenario)
  --scenario NAME     run only this fixed scenario (fanout, big or memory; repeatable); default all three
  --no-build          do not build (Release) the load tester, the relay, the server and bench/Stream
  --report DIR        run nothing: print the table of the results already in DIR

  capacity (knee) search, rooms of 10 at 1 command/s per room:
  --no-knee           skip it                     --knee-only     run only it
  --pin / --no-pin    target on CPU 0, load tester on CPU 1 (taskset -c); default on when taskset
                      exists and nproc >= 2, off with --quick
  --knee-start N      first step in members (default 500; 100 with --quick)
  --knee-step N       members added per step (default 500; 100 with --quick)
  --knee-max N        last step tried at most (default 20000; 300 with --quick)
  --knee-duration S   seconds of commands per step (default 20; 5 with --quick)
  --knee-refine N     bisection steps between the last good and the first failed step (default 2)
  --knee-budget S     no new step starts after S seconds of one target's search (default 240)

  --no-stream         skip the stream proxy scenario
  --stream-size-mb N  file streamed per round and path (default 1024; 64 with --quick)
  --stream-rounds N   rounds of direct / proxy / copy loop (default 3; 1 with --quick)

Scenarios (fanout, big, memory each on a freshly started target):
  fanout   100 rooms × 10 members, 1 command/s per room, 60 s
  big      1 room × 1,000 members, 1 command/s, 30 s
  memory   1,000 rooms × 10 members, no commands, 5 s idle hold; RSS per member without GC and
           after a full GC forced in the target (EventPipe), before the joins and after the hold
  knee     one target per search, warmed up once; a step fails on p99 > 100 ms, loss or errors
  stream   1 GiB × 3 rounds: direct from the Drive fake, the stream proxy, a minimal copy loop
EOF
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER_CMD=""
SERVER_DLL="$ROOT/CinemaSync.Web/bin/Release/net10.0/CinemaSync.Web.dll"
PROTOCOL=json
QUICK=0
OUT=""
KNEE=1
FIXED=1
STREAM=1
BUILD=1
WARMUP=""
ONLY=""
SCENARIOS=()
REPORT=0
PIN=""
KNEE_START="" KNEE_STEP="" KNEE_MAX="" KNEE_DURATION="" KNEE_REFINE=2 KNEE_BUDGET=240
STREAM_SIZE="" STREAM_ROUNDS=""
number() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "bench/run.sh: $1 needs a whole number, got '$2'" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER_CMD="$2"; shift 2 ;;
    --server-dll) SERVER_DLL="$2"; shift 2 ;;
    --protocol) PROTOCOL="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --warmup) number "$1" "$2"; WARMUP="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --scenario)
      [[ "${2:-}" =~ ^(fanout|big|memory)$ ]] || { echo "bench/run.sh: --scenario must be fanout, big or memory" >&2; exit 2; }
      SCENARIOS+=("$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --report) OUT="$2"; REPORT=1; shift 2 ;;
    --no-knee) KNEE=0; shift ;;
    --knee-only) FIXED=0; STREAM=0; shift ;;
    --pin) PIN=1; shift ;;
    --no-pin) PIN=0; shift ;;
    --knee-start) number "$1" "$2"; KNEE_START="$2"; shift 2 ;;
    --knee-step) number "$1" "$2"; KNEE_STEP="$2"; shift 2 ;;
    --knee-max) number "$1" "$2"; KNEE_MAX="$2"; shift 2 ;;
    --knee-duration) number "$1" "$2"; KNEE_DURATION="$2"; shift 2 ;;
    --knee-refine) number "$1" "$2"; KNEE_REFINE="$2"; shift 2 ;;
    --knee-budget) number "$1" "$2"; KNEE_BUDGET="$2"; shift 2 ;;
    --no-stream) STREAM=0; shift ;;
    --stream-size-mb) number "$1" "$2"; STREAM_SIZE="$2"; shift 2 ;;
    --stream-rounds) number "$1" "$2"; STREAM_ROUNDS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || { echo "bench/run.sh needs jq (apt-get install -y jq)" >&2; exit 2; }

# ---------------------------------------------------------------- table (also --report)

# The table reads only the files in $OUT: run.json (how the run was made), KIND-SCENARIO.json (the
# load tester's results), KIND-SCENARIO.load (1-minute load average before and after), KIND-knee.txt
# (the search's result), stream.json. Every comparison is on the unrounded values.
val() { # val FILE JQ-EXPRESSION: the value, or n/a when the file or the value is missing
  [[ -f "$OUT/$1" ]] && jq -r "($2) | if . == null then \"n/a\" else . end" "$OUT/$1" 2>/dev/null || echo "n/a"
}
ratio() { # A/B with 2 decimals; n/a when either is not a number, nothing for counts like 0/0
  [[ "$1" =~ ^[0-9]+/[0-9]+$ || "$2" =~ ^[0-9]+/[0-9]+$ ]] && return 0
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.eE+-]+$/ && b ~ /^[0-9.eE+-]+$/ && b + 0 != 0) printf "%.2f", a / b; else printf "n/a" }'
}
# verdict VALUE OP LIMIT: met / missed, n/a when VALUE is not a number. OP is <= or >=.
verdict() {
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v !~ /^[0-9.eE+-]+$/) { print "n/a"; exit }
    ok = (op == "<=") ? (v + 0 <= t + 0) : (v + 0 >= t + 0)
    print ok ? "met" : "missed" }'
}
# exact_ratio A B: A/B unrounded (for verdicts), n/a when either is missing.
exact_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.eE+-]+$/ && b ~ /^[0-9.eE+-]+$/ && b + 0 != 0) printf "%.17g", a / b; else printf "n/a" }'
}
FMT='%-46s %12s %12s %7s %9s  %s\n'
# row LABEL SERVER RELAY [OP LIMIT]: ratio server/relay and, with OP, its verdict against LIMIT.
row() {
  local target="" status=""
  [[ $# -ge 5 ]] && { target="$4 $5"; status="$(verdict "$(exact_ratio "$2" "$3")" "$4" "$5")"; }
  printf "$FMT" "$1" "$2" "$3" "$(ratio "$2" "$3")" "$target" "$status"
}
# absolute LABEL SERVER RELAY OP LIMIT: the server's own figure against LIMIT (the relay's is shown).
absolute() {
  printf "$FMT" "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4 $5" "$(verdict "$2" "$4" "$5")"
}
# zero LABEL KIND SCENARIO: lost/errors of both; met when the server's are both 0.
zero() {
  local f=".lost as \$l | .errors as \$e | \"\(\$l)/\(\$e)\"" s r status=n/a
  s="$(val "server-$3.json" "$f")"; r="$(val "relay-$3.json" "$f")"
  [[ "$s" =~ ^[0-9]+/[0-9]+$ ]] && { [[ "$s" == 0/0 ]] && status=met || status=missed; }
  printf "$FMT" "$1" "$s" "$r" "" "0/0" "$status"
}
# The knee's result: N, "<N" (the first step failed) or ">=N" (no step failed up to the end).
knee_verdict() {
  local s="$1" r="$2" sn rn
  sn="${s#>=}"; sn="${sn#<}"; rn="${r#>=}"; rn="${rn#<}"
  [[ "$sn" =~ ^[0-9]+$ && "$rn" =~ ^[0-9]+$ ]] || { echo n/a; return; }
  # Only a bound that cannot change the answer gives a verdict.
  local need; need="$(awk -v r="$rn" 'BEGIN { printf "%.17g", 0.8 * r }')"
  if [[ "$s" == "$sn" && "$r" == "$rn" ]]; then verdict "$(exact_ratio "$sn" "$rn")" ">=" 0.8
  elif [[ "$s" == ">="* ]] && [[ "$r" != ">="* ]] && awk -v a="$sn" -v b="$need" 'BEGIN { exit !(a >= b) }'; then echo met
  elif [[ "$s" != ">="* ]] && [[ "$r" != "<"* ]] && awk -v a="$sn" -v b="$need" 'BEGIN { exit !(a < b) }'; then echo missed
  else echo "n/a (bound)"; fi
}
loadavg() { [[ -f "$OUT/$1.load" ]] && tr ' ' / <"$OUT/$1.load" || echo n/a; }

print_table() {
  local quick protocol pin date cores
  quick="$(val run.json .quick)"; protocol="$(val run.json .protocol)"; pin="$(val run.json .pin)"
  date="$(val run.json .date)"; cores="$(val run.json .cores)"
  echo
  echo "CinemaSync vs bare SignalR relay, $date, $cores cores, protocol $protocol, knee pinned: $pin$([[ "$quick" == true ]] && echo ', QUICK (not a benchmark)')"
  printf "$FMT" "metric" "server" "relay" "ratio" "target" "met/missed"
  local s r
  row "fanout: time-to-last-member p50 (ms)" "$(val server-fanout.json .time_to_last_member_ms.p50)" "$(val relay-fanout.json .time_to_last_member_ms.p50)"
  row "fanout: time-to-last-member p99 (ms)" "$(val server-fanout.json .time_to_last_member_ms.p99)" "$(val relay-fanout.json .time_to_last_member_ms.p99)" "<=" 1.3
  row "fanout: delivery p99 (ms)" "$(val server-fanout.json .delivery_ms.p99)" "$(val relay-fanout.json .delivery_ms.p99)"
  row "fanout: CPU us per delivery" "$(val server-fanout.json .server_cpu_us_per_delivery)" "$(val relay-fanout.json .server_cpu_us_per_delivery)" "<=" 1.2
  zero "fanout: lost / errors" server fanout
  row "big: time-to-last-member p99 (ms)" "$(val server-big.json .time_to_last_member_ms.p99)" "$(val relay-big.json .time_to_last_member_ms.p99)" "<=" 1.0
  row "big: join (invoke to ack) p99 (ms)" "$(val server-big.json .join_ms.p99)" "$(val relay-big.json .join_ms.p99)" "<=" 1.2
  row "big: lost / errors" "$(val server-big.json '"\(.lost)/\(.errors)"')" "$(val relay-big.json '"\(.lost)/\(.errors)"')"
  absolute "memory: RSS kB per member, no GC" "$(val server-memory.json .server_rss_kb_per_member)" "$(val relay-memory.json .server_rss_kb_per_member)" "<=" 32
  absolute "memory: RSS kB per member, after full GC" "$(val server-memory.json .server_after_gc.rss_kb_per_member)" "$(val relay-memory.json .server_after_gc.rss_kb_per_member)" "<=" 32
  row "memory: managed heap kB per member, after GC" "$(val server-memory.json .server_after_gc.heap_kb_per_member)" "$(val relay-memory.json .server_after_gc.heap_kb_per_member)"
  s="$(cat "$OUT/server-knee.txt" 2>/dev/null || echo n/a)"; r="$(cat "$OUT/relay-knee.txt" 2>/dev/null || echo n/a)"
  local sn="${s#>=}" rn="${r#>=}"
  printf "$FMT" "knee: members at p99 <= 100 ms, no loss" "$s" "$r" "$(ratio "${sn#<}" "${rn#<}")" ">= 0.8" "$(knee_verdict "$s" "$r")"
  # The stream rows put the proxy in the server column and its baseline in the relay column.
  local proxy direct copy pcpu ccpu st sc either=n/a
  proxy="$(val stream.json .proxy_mib_s.median)"; direct="$(val stream.json .direct_mib_s.median)"; copy="$(val stream.json .copy_loop_mib_s.median)"
  pcpu="$(val stream.json .proxy_cpu_s_per_gib)"; ccpu="$(val stream.json .copy_loop_cpu_s_per_gib)"
  st="$(verdict "$(exact_ratio "$proxy" "$direct")" ">=" 0.8)"; sc="$(verdict "$(exact_ratio "$pcpu" "$ccpu")" "<=" 1.5)"
  printf "$FMT" "stream: MiB/s median: proxy | direct" "$proxy" "$direct" "$(ratio "$proxy" "$direct")" ">= 0.8" "$st"
  printf "$FMT" "stream: MiB/s median: copy loop" "$copy" "" "" "" ""
  printf "$FMT" "stream: CPU s per GiB: proxy | copy loop" "$pcpu" "$ccpu" "$(ratio "$pcpu" "$ccpu")" "<= 1.5" "$sc"
  if [[ "$st" == met || "$sc" == met ]]; then either=met; elif [[ "$st" == missed || "$sc" == missed ]]; then either=missed; fi
  printf "$FMT" "stream: proxy target (either row above)" "" "" "" "" "$either"
  echo "load average (1 min) before/after:"
  local name
  for name in fanout big memory; do
    printf '  %-44s %s (server), %s (relay)\n' "$name" "$(loadavg "server-$name")" "$(loadavg "relay-$name")"
  done
  printf '  %-44s %s (server), %s (relay)\n' "knee (whole search)" "$(loadavg server-knee)" "$(loadavg relay-knee)"
  printf '  %-44s %s\n' "stream" "$(loadavg stream)"
  echo "results: $OUT"
}

if [[ $REPORT == 1 ]]; then
  [[ -d "$OUT" ]] || { echo "bench/run.sh: --report $OUT: no such directory" >&2; exit 2; }
  print_table
  exit 0
fi

# ---------------------------------------------------------------- running

for tool in dotnet curl ss; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool (apt-get install -y ${tool/ss/iproute2})" >&2; exit 2; }
done
[[ "$PROTOCOL" == json || "$PROTOCOL" == messagepack ]] || { echo "bench/run.sh: --protocol must be json or messagepack, got '$PROTOCOL'" >&2; exit 2; }
[[ -z "$ONLY" || "$ONLY" == server || "$ONLY" == relay ]] || { echo "bench/run.sh: --only must be server or relay, got '$ONLY'" >&2; exit 2; }
if [[ -z "$PIN" ]]; then
  PIN=0
  [[ $QUICK == 0 ]] && command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]] && PIN=1
elif [[ $PIN == 1 ]]; then
  command -v taskset >/dev/null || { echo "bench/run.sh: --pin needs taskset (apt-get install -y util-linux)" >&2; exit 2; }
  [[ "$(nproc)" -ge 2 ]] || { echo "bench/run.sh: --pin needs at least 2 CPUs, this machine has $(nproc)" >&2; exit 2; }
fi

OUT="${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
LOADTEST="$ROOT/CinemaSync.LoadTest/bin/Release/net10.0/CinemaSync.LoadTest.dll"
RELAY="$ROOT/bench/Relay/bin/Release/net10.0/CinemaSync.Bench.Relay.dll"
STREAM_DLL="$ROOT/bench/Stream/bin/Release/net10.0/CinemaSync.Bench.Stream.dll"
SERVER_CMD="${SERVER_CMD:-exec dotnet $(printf '%q' "$SERVER_DLL")}"
if [[ $BUILD == 1 ]]; then
  for project in CinemaSync.LoadTest bench/Relay CinemaSync.Web bench/Stream; do
    dotnet build -c Release "$ROOT/$project" -v q -nologo >&2
  done
fi

if [[ $QUICK == 1 ]]; then
  FANOUT=(--rooms 20 --members 10 --rate 1 --duration 10)
  BIG=(--rooms 1 --members 200 --max-participants 200 --rate 1 --duration 5)
  MEMORY=(--rooms 100 --members 10 --rate 0 --duration 0 --sync-interval 0 --hold 3)
  : "${KNEE_START:=100}" "${KNEE_STEP:=100}" "${KNEE_MAX:=300}" "${KNEE_DURATION:=5}" "${WARMUP:=5}"
  : "${STREAM_SIZE:=64}" "${STREAM_ROUNDS:=1}"
else
  FANOUT=(--rooms 100 --members 10 --rate 1 --duration 60)
  BIG=(--rooms 1 --members 1000 --max-participants 1000 --rate 1 --duration 30)
  MEMORY=(--rooms 1000 --members 10 --rate 0 --duration 0 --sync-interval 0 --hold 5 --join-rate 500)
  : "${KNEE_START:=500}" "${KNEE_STEP:=500}" "${KNEE_MAX:=20000}" "${KNEE_DURATION:=20}" "${WARMUP:=20}"
  : "${STREAM_SIZE:=1024}" "${STREAM_ROUNDS:=3}"
fi
[[ $KNEE_STEP -gt 0 && $KNEE_START -ge 10 ]] || { echo "bench/run.sh: --knee-step must be > 0 and --knee-start >= 10" >&2; exit 2; }

# The load tester takes --protocol once the build has it; json is its default either way.
PROTOCOL_ARGS=()
if dotnet "$LOADTEST" --help 2>/dev/null | grep -q -- '--protocol'; then
  PROTOCOL_ARGS=(--protocol "$PROTOCOL")
elif [[ "$PROTOCOL" != json ]]; then
  echo "bench/run.sh: --protocol $PROTOCOL: this load tester build has no --protocol option" >&2; exit 2
fi

jq -n --arg date "$(date -u +%Y-%m-%dT%H:%MZ)" --argjson cores "$(nproc)" --arg protocol "$PROTOCOL" \
  --argjson quick "$([[ $QUICK == 1 ]] && echo true || echo false)" --argjson pin "$([[ $PIN == 1 ]] && echo true || echo false)" \
  --arg server "$SERVER_CMD" --argjson knee "{\"start\":$KNEE_START,\"step\":$KNEE_STEP,\"max\":$KNEE_MAX,\"duration_s\":$KNEE_DURATION,\"refine\":$KNEE_REFINE,\"budget_s\":$KNEE_BUDGET}" \
  '{date: $date, cores: $cores, protocol: $protocol, quick: $quick, pin: $pin, server: $server, knee: $knee}' >"$OUT/run.json"

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
# With --pin, the knee search runs the target on CPU 0 and the load tester on CPU 1.
TARGET_CPU=()
TESTER_CPU=()

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
env | grep -E '^(ASPNETCORE_ENVIRONMENT|Auth__|RateLimits__|Logging__|CINEMASYNC_)' | sort >"$OUT/server-env.txt" || true

# start_target relay|server LOG: starts it in its own process group and waits until POST
# /api/auth/dev answers; sets TARGET_URL, TARGET_PID (the listening process) and TARGET_PGID. The
# relay binds port 0 and prints its URL; the server gets a free port through ASPNETCORE_URLS (3 tries).
start_target() {
  local kind="$1" log="$2" attempt port i
  for attempt in 1 2 3; do
    : >"$log"
    if [[ "$kind" == relay ]]; then
      "${TARGET_CPU[@]}" setsid dotnet "$RELAY" --urls "http://127.0.0.1:0" >>"$log" 2>&1 &
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
      CINEMASYNC_DATA_DIR="$TARGET_DATA" ASPNETCORE_URLS="$TARGET_URL" API_BASE_URL="$TARGET_URL" \
        "${TARGET_CPU[@]}" setsid bash -c "$SERVER_CMD" >>"$log" 2>&1 &
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

loadtest() { "${TESTER_CPU[@]}" dotnet "$LOADTEST" --url "$TARGET_URL" "${PROTOCOL_ARGS[@]}" "$@"; }

# warm_up: a load on the fresh target so that JIT compilation is not measured. Tiered compilation
# keeps recompiling hot methods for a while: with a 5 s warm-up, JIT was about 45% of the server's
# CPU samples (perf) in the first 30 s of the measured fanout run, and 3% after a 30 s warm-up.
warm_up() {
  loadtest --rooms 20 --members 5 --rate 5 --chat-rate 1 --duration "$WARMUP" --sync-interval 1 --no-progress \
    >"$OUT/warmup.txt" 2>&1 || echo "(warm-up against $TARGET_URL reported problems: $OUT/warmup.txt)" >&2
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

# measure KIND NAME ARGS...: one load test against the running target, JSON to $OUT/KIND-NAME.json,
# the 1-minute load average before and after to KIND-NAME.load. Returns the tester's exit code.
measure() {
  local kind="$1" name="$2"; shift 2
  echo "== $kind $name: $* (pid $TARGET_PID, $TARGET_URL; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  local rc=0 load0
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  loadtest --server-pid "$TARGET_PID" --json "$OUT/$kind-$name.json" "$@" \
    >"$OUT/$kind-$name.txt" 2>"$OUT/$kind-$name.progress" || rc=$?
  echo "$load0 $(cut -d' ' -f1 /proc/loadavg)" >"$OUT/$kind-$name.load"
  tail -n 4 "$OUT/$kind-$name.txt" | head -n 2 >&2 || true
  return $rc
}

# run_load KIND NAME ARGS...: a fresh, warmed-up target for one measured load.
run_load() {
  local kind="$1" name="$2" rc=0
  start_target "$kind" "$OUT/$kind-$name.log" || return 3
  warm_up
  measure "$@" || rc=$?
  stop_target
  return $rc
}

# knee_step KIND MEMBERS: one step of the search on the running target; 0 when it is good.
knee_step() {
  local kind="$1" members="$2" rc=0 p99
  measure "$kind" "knee-$members" --rooms $(( members / 10 )) --members 10 --rate 1 --duration "$KNEE_DURATION" --join-rate 500 || rc=$?
  p99="$(jq '.time_to_last_member_ms.p99' "$OUT/$kind-knee-$members.json" 2>/dev/null || echo n/a)"
  if [[ $rc == 0 ]] && jq -e '.time_to_last_member_ms.p99 <= 100' "$OUT/$kind-knee-$members.json" >/dev/null 2>&1; then
    echo "$members good p99 $p99 ms" >>"$OUT/$kind-knee-steps.txt"
    rc=0
  else
    echo "$members failed p99 $p99 ms exit $rc" >>"$OUT/$kind-knee-steps.txt"
    echo "($kind knee: $members members failed: exit $rc, p99 $p99 ms)" >&2
    rc=1
  fi
  sleep 5 # the members' connections close and the target settles before the next step
  return $rc
}

# knee KIND: steps up from --knee-start by --knee-step on one warmed-up target until a step fails,
# then bisects (multiples of 10) between the last good and the first failed step --knee-refine times.
knee() {
  local kind="$1" good=0 failed=0 members started=$SECONDS load0 i mid
  : >"$OUT/$kind-knee-steps.txt"
  if [[ $PIN == 1 ]]; then TARGET_CPU=(taskset -c 0); TESTER_CPU=(taskset -c 1); fi
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  if start_target "$kind" "$OUT/$kind-knee.log"; then
    warm_up
    for (( members = KNEE_START; members <= KNEE_MAX; members += KNEE_STEP )); do
      (( SECONDS - started < KNEE_BUDGET )) || { echo "($kind knee: time budget of $KNEE_BUDGET s used)" >&2; break; }
      if knee_step "$kind" "$members"; then good=$members; else failed=$members; break; fi
    done
    for (( i = 0; i < KNEE_REFINE && good > 0 && failed > 0; i++ )); do
      mid=$(( (good + failed) / 20 * 10 ))
      (( mid > good && mid < failed )) || break
      (( SECONDS - started < KNEE_BUDGET )) || { echo "($kind knee: time budget of $KNEE_BUDGET s used)" >&2; break; }
      if knee_step "$kind" "$mid"; then good=$mid; else failed=$mid; fi
    done
    stop_target
  fi
  TARGET_CPU=(); TESTER_CPU=()
  echo "$load0 $(cut -d' ' -f1 /proc/loadavg)" >"$OUT/$kind-knee.load"
  # "<N": the first step tried (N) already failed; ">=N": no step failed up to the end of the search.
  if [[ $good == 0 ]]; then echo "<$KNEE_START" >"$OUT/$kind-knee.txt"
  elif [[ $failed == 0 ]]; then echo ">=$good" >"$OUT/$kind-knee.txt"
  else echo "$good" >"$OUT/$kind-knee.txt"; fi
}

stream() {
  echo "== stream: $STREAM_SIZE MiB × $STREAM_ROUNDS rounds: direct, proxy, copy loop (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  local rc=0 load0
  load0="$(cut -d' ' -f1 /proc/loadavg)"
  dotnet "$STREAM_DLL" --server-dll "$SERVER_DLL" --size-mb "$STREAM_SIZE" --rounds "$STREAM_ROUNDS" --json "$OUT/stream.json" \
    >"$OUT/stream.txt" 2>"$OUT/stream.log" || rc=$?
  echo "$load0 $(cut -d' ' -f1 /proc/loadavg)" >"$OUT/stream.load"
  [[ $rc == 0 ]] || { echo "(stream scenario failed: exit $rc, see $OUT/stream.log)" >&2; tail -3 "$OUT/stream.log" >&2; }
}

# scenario KIND NAME: one of the fixed scenarios on a fresh target.
scenario() {
  local -n args="${2^^}"
  run_load "$1" "$2" "${args[@]}" || echo "($1 $2 reported loss or errors)" >&2
}

[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=(fanout big memory)
TARGETS=(server relay)
[[ -n "$ONLY" ]] && TARGETS=("$ONLY")

# The fixed scenarios for every target first, then the stream proxy, then the capacity searches (the longest part).
for kind in "${TARGETS[@]}"; do
  [[ $FIXED == 1 ]] || break
  for name in "${SCENARIOS[@]}"; do scenario "$kind" "$name"; done
done
[[ $STREAM == 1 && "$ONLY" != relay ]] && stream
if [[ $KNEE == 1 ]]; then
  for kind in "${TARGETS[@]}"; do knee "$kind"; done
fi

print_table | tee "$OUT/table.txt"
