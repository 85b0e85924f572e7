# bench/lib.sh: what the benchmarks in bench/ share. Sourced, never run:
#
#   set -euo pipefail
#   cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."   # the repository root
#   source bench/lib.sh
#
# It only defines functions and constants (and exports BENCH_CLK_TCK); nothing else runs at source
# time. The functions use these
# globals of the calling script:
#
#   DB              the benchmark database (db_size, create_database, create_bench_tables, fill_rows,
#                   prewarm)
#   SIZE_MB, TARGET_BYTES   its intended size (create_database, within_tolerance)
#   WORK            the run's scratch directory (create_database's pgbench.log, the stack's data and
#                   log, aws.config)
#   PGBENCH         set by find_pgbench
#   STACK_PID, WORKER_PID   set by start_stack, cleared by stop_stack
#   NOISY           counted up by await_quiet when it gives up waiting
#   BENCH_NAME      the prefix of die's messages: the script's file name (set here)
#
# and bench_settings sets the stack's addresses (see there).

BENCH_NAME=$(basename "$0")

die() {
  echo "$BENCH_NAME: $*" >&2
  exit 1
}

log() {
  printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" "${@:2}"; }

# ---- settings ------------------------------------------------------------------------------------
# The PostgreSQL server, the local stack's ports and S3 keys (exported, for psql, pg_dump and the
# local stack), the jars, and the addresses derived from them. A variable already set wins, so a
# script sets its own default ports before calling this (bench/backup-throughput uses these
# defaults: 19092, 19000, 18080).
bench_settings() {
  export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
  export BW_LOCAL_KAFKA_PORT=${BW_LOCAL_KAFKA_PORT:-19092}
  export BW_LOCAL_S3_PORT=${BW_LOCAL_S3_PORT:-19000}
  export BW_LOCAL_HTTP_PORT=${BW_LOCAL_HTTP_PORT:-18080}
  export BW_LOCAL_BUCKET=${BW_LOCAL_BUCKET:-shoehorn-backups}
  export BW_LOCAL_S3_ACCESS_KEY=${BW_LOCAL_S3_ACCESS_KEY:-local}
  export BW_LOCAL_S3_SECRET_KEY=${BW_LOCAL_S3_SECRET_KEY:-local-secret}
  WORKER_JAR=${BENCH_WORKER_JAR:-target/quarkus-app/quarkus-run.jar}
  LOCAL_JAR=local/target/backup-worker-local.jar
  LOCAL_LIB=local/target/lib
  S3_ENDPOINT=http://127.0.0.1:$BW_LOCAL_S3_PORT
  BOOTSTRAP=127.0.0.1:$BW_LOCAL_KAFKA_PORT
  READY_URL=http://127.0.0.1:$BW_LOCAL_HTTP_PORT/q/health/ready
}

# Share of the database size per kind of data, and the bytes one generated row takes on disk
# (heap, TOAST and primary key), measured on PostgreSQL 15; the fill loop corrects for errors.
PGBENCH_SHARE=20 # percent: pgbench's tables, ~50:1 under pg_dump -Fc
TEXT_SHARE=40    # percent: random words from a 4096-word vocabulary, ~2.6:1
JSON_SHARE=40    # percent: jsonb documents with random numbers, words, nested arrays, ~3.5:1
PGBENCH_SCALE_BYTES=$((16 * 1024 * 1024))
TEXT_ROW_BYTES=640
JSON_ROW_BYTES=860
CHUNK_ROWS=25000

# ---- tools ---------------------------------------------------------------------------------------
find_pgbench() { # sets PGBENCH
  PGBENCH=$(command -v pgbench || true)
  if [[ -z $PGBENCH ]]; then
    for candidate in /usr/lib/postgresql/*/bin/pgbench; do
      [[ -x $candidate ]] && PGBENCH=$candidate
    done
  fi
  [[ -n $PGBENCH ]] || die "pgbench not found (Debian: apt-get install postgresql-contrib or postgresql-15)"
}

require_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH"
  done
}

# The worker and the local stack built, the PostgreSQL server up (after bench_settings).
require_builds_and_server() {
  [[ -f $WORKER_JAR ]] || die "worker jar $WORKER_JAR not found: build it (./mvnw -DskipTests package) or set BENCH_WORKER_JAR"
  [[ -f $LOCAL_JAR && -d $LOCAL_LIB ]] || die "$LOCAL_JAR not found: build it (./mvnw -f local/pom.xml -DskipTests package)"
  pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null || die "PostgreSQL at $PGHOST:$PGPORT is not accepting connections"
}

# ---- benchmark database ----------------------------------------------------------------------------
db_size() { psql_db postgres -c "select pg_database_size('${1:-$DB}')"; } # [database], default $DB

within_tolerance() { # size: within 10% of the target
  awk -v s="$1" -v t="$TARGET_BYTES" 'BEGIN { exit !(s >= 0.9 * t && s <= 1.1 * t) }'
}

text_chunk_sql() { # lo hi
  cat <<EOF
insert into bench_text (id, author, created_at, title, body)
select g,
  (select v.word from bench_vocab v where v.id = hashint8(g * 1000 + 990) & 4095),
  timestamptz '2020-01-01 00:00:00+00' + (hashint8(g * 1000 + 991) & 134217727) * interval '1 second',
  (select string_agg(v.word, ' ') from generate_series(1, 4 + g % 7) w
     join bench_vocab v on v.id = hashint8(g * 1000 + 900 + w) & 4095),
  (select string_agg(v.word, ' ') from generate_series(1, 40 + g % 60) w
     join bench_vocab v on v.id = hashint8(g * 1000 + w) & 4095)
from generate_series($1::bigint, $2::bigint) g;
EOF
}

json_chunk_sql() { # lo hi
  # h: the documents' own random stream, independent of bench_text's (which uses g * 1000)
  cat <<EOF
insert into bench_docs (id, doc)
select g, jsonb_build_object(
  'id', g,
  'customer', (select v.word from bench_vocab v where v.id = hashint8(h + 990) & 4095),
  'score', round((hashint8(h + 991) & 1048575) / 1000.0, 3),
  'active', (hashint8(h + 992) & 1) = 1,
  'tags', (select jsonb_agg(v.word) from generate_series(1, 2 + g % 4) w
             join bench_vocab v on v.id = hashint8(h + 800 + w) & 4095),
  'items', (select jsonb_agg(jsonb_build_object(
               'sku', v.word,
               'qty', hashint8(h + 700 + w) & 63,
               'price', round((hashint8(h + 600 + w) & 1048575) / 100.0, 2),
               'dims', jsonb_build_array(hashint8(h + 500 + w) & 1023,
                                         hashint8(h + 400 + w) & 1023,
                                         hashint8(h + 300 + w) & 1023)))
             from generate_series(1, 1 + g % 6) w
             join bench_vocab v on v.id = hashint8(h + 200 + w) & 4095),
  'note', (select string_agg(v.word, ' ') from generate_series(1, 10 + g % 20) w
             join bench_vocab v on v.id = hashint8(h + w) & 4095))
from generate_series($1::bigint, $2::bigint) g, lateral (select (g + 1000000000) * 1000 as h) r;
EOF
}

# Adds text rows [text_from, text_to] and json rows [json_from, json_to] in chunks, over two
# sessions (one per core), interleaving the two kinds so that both sessions have equal work.
fill_rows() { # text_from text_to json_from json_to
  local -a chunks=()
  local lo
  for ((lo = $1; lo <= $2; lo += CHUNK_ROWS)); do chunks+=("text $lo $((lo + CHUNK_ROWS - 1 < $2 ? lo + CHUNK_ROWS - 1 : $2))"); done
  local -a json=()
  for ((lo = $3; lo <= $4; lo += CHUNK_ROWS)); do json+=("json $lo $((lo + CHUNK_ROWS - 1 < $4 ? lo + CHUNK_ROWS - 1 : $4))"); done
  local -a all=()
  local i n=$((${#chunks[@]} > ${#json[@]} ? ${#chunks[@]} : ${#json[@]}))
  for ((i = 0; i < n; i++)); do
    [[ $i -lt ${#chunks[@]} ]] && all+=("${chunks[i]}")
    [[ $i -lt ${#json[@]} ]] && all+=("${json[i]}")
  done
  local session pids=()
  for session in 0 1; do
    (
      for ((i = session; i < ${#all[@]}; i += 2)); do
        read -r kind from to <<<"${all[i]}"
        if [[ $kind == text ]]; then text_chunk_sql "$from" "$to"; else json_chunk_sql "$from" "$to"; fi
      done | psql_db "$DB" >/dev/null
    ) &
    pids+=($!)
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  ((failed == 0)) || die "generating rows failed"
}

# The vocabulary and the empty text and jsonb tables of $DB that fill_rows fills.
create_bench_tables() {
  psql_db "$DB" <<'EOF'
create table bench_vocab (id int primary key, word text not null);
-- 4096 generated words of 3 to 10 letters
insert into bench_vocab
select k, translate(substr(md5('word' || k), 1, 3 + k % 8), '0123456789', 'ghijklmnop')
from generate_series(0, 4095) k;
create table bench_text (id bigint primary key, author text not null, created_at timestamptz not null,
  title text not null, body text not null);
create table bench_docs (id bigint primary key, doc jsonb not null);
EOF
}

# (Re-)creates $DB with about $TARGET_BYTES bytes: a fifth pgbench tables, the rest text and jsonb
# rows of realistic compressibility (about 4:1 under pg_dump -Fc overall), vacuumed and frozen.
create_database() {
  local started=$EPOCHREALTIME
  log "creating database $DB of about $SIZE_MB MB ..."
  dropdb --if-exists "$DB"
  createdb "$DB"
  local scale
  scale=$(awk -v t="$TARGET_BYTES" -v p="$PGBENCH_SHARE" -v s="$PGBENCH_SCALE_BYTES" \
    'BEGIN { x = int(t * p / 100 / s + 0.5); print (x < 1 ? 1 : x) }')
  log "  pgbench -i -s $scale"
  "$PGBENCH" -i -q -s "$scale" --no-vacuum "$DB" >"$WORK/pgbench.log" 2>&1 || {
    cat "$WORK/pgbench.log" >&2
    die "pgbench -i failed"
  }
  create_bench_tables
  local text_rows json_rows
  text_rows=$((TARGET_BYTES * TEXT_SHARE / 100 / TEXT_ROW_BYTES))
  json_rows=$((TARGET_BYTES * JSON_SHARE / 100 / JSON_ROW_BYTES))
  log "  $text_rows rows of text, $json_rows jsonb documents"
  fill_rows 1 "$text_rows" 1 "$json_rows"
  # Top up (or accept) until the database is within 3% under the target: measured bytes per row.
  local size round
  for round in 1 2 3; do
    size=$(db_size)
    awk -v s="$size" -v t="$TARGET_BYTES" 'BEGIN { exit !(s < 0.97 * t) }' || break
    read -r text_more json_more < <(psql_db "$DB" -F ' ' -c "
      select ceil(($TARGET_BYTES - $size) * $TEXT_SHARE / ($TEXT_SHARE + $JSON_SHARE)
                  / (pg_total_relation_size('bench_text')::numeric / count(*)))::bigint,
             (select ceil(($TARGET_BYTES - $size) * $JSON_SHARE / ($TEXT_SHARE + $JSON_SHARE)
                  / (pg_total_relation_size('bench_docs')::numeric / count(*)))::bigint from bench_docs)
      from bench_text")
    log "  topping up (round $round): $text_more rows of text, $json_more jsonb documents"
    fill_rows $((text_rows + 1)) $((text_rows + text_more)) $((json_rows + 1)) $((json_rows + json_more))
    text_rows=$((text_rows + text_more))
    json_rows=$((json_rows + json_more))
  done
  # Set hint bits and the visibility map now, so that the first measured dump does not pay for it.
  log "  vacuum (freeze, analyze)"
  psql_db "$DB" -c "vacuum (freeze, analyze)"
  log "  created in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
}

# Read every relation once, so that no measurement pays for a cold page cache.
prewarm() { # [database], default $DB
  local db=${1:-$DB}
  if psql_db "$db" -c "create extension if not exists pg_prewarm" 2>/dev/null; then
    psql_db "$db" -c "select sum(pg_prewarm(c.oid, 'read')) from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'i', 't', 'm') and n.nspname not in ('pg_catalog', 'information_schema')" >/dev/null
  else
    log "pg_prewarm is not available: the first dump may read from disk"
  fi
}

# ---- local stack -----------------------------------------------------------------------------------
# Starts the local stack (in-process Kafka and S3, the worker as a child JVM) with its data under
# $WORK (or the folder given), appending its output to stack.log there; waits up to 120 s for the
# worker to be ready. Sets STACK_PID and WORKER_PID. The worker's options come from the exported
# BW_WORKER_JAVA_OPTS.
start_stack() { # [data folder, default $WORK]
  export BW_LOCAL_DATA=${1:-$WORK}
  log "starting the local stack (kafka $BOOTSTRAP, s3 $S3_ENDPOINT, http $BW_LOCAL_HTTP_PORT), log $BW_LOCAL_DATA/stack.log"
  java -Dbw.worker.jar="$WORKER_JAR" -jar "$LOCAL_JAR" local >>"$BW_LOCAL_DATA/stack.log" 2>&1 &
  STACK_PID=$!
  await_ready "$READY_URL" "$STACK_PID" "the local stack"

  # The worker: the java child of the stack running quarkus-run.jar on the bench's HTTP port.
  WORKER_PID=
  local pid args
  for pid in $(ps -o pid= --ppid "$STACK_PID"); do
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [[ $args == *quarkus-run.jar* && $args == *"-Dquarkus.http.port=$BW_LOCAL_HTTP_PORT"* ]]; then
      WORKER_PID=$pid
    fi
  done
  [[ -n $WORKER_PID ]] || die "could not find the worker process (child of $STACK_PID)"
  log "worker ready (pid $WORKER_PID)"
}

# Waits up to 120 s for the worker answering at a readiness URL to be ready, while the process that
# runs it (the worker, or the stack whose child it is) lives.
await_ready() { # url pid what-runs-it
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || die "$3 exited before the worker was ready"
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true) == 200 ]] && return 0
    sleep 0.5
  done
  die "the worker was not ready after 120 s ($1)"
}

# Stops the stack started by start_stack (SIGTERM: the worker first, then S3 and Kafka), killing it
# when it has not stopped within 60 s. Does nothing when no stack runs.
stop_stack() {
  [[ -n ${STACK_PID:-} ]] || return 0
  if kill -0 "$STACK_PID" 2>/dev/null; then
    log "stopping the local stack (pid $STACK_PID) ..."
    kill -TERM "$STACK_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do
      kill -0 "$STACK_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$STACK_PID" 2>/dev/null; then
      log "the local stack did not stop within 60 s; killing pid $STACK_PID"
      kill -KILL "$STACK_PID" 2>/dev/null || true
    fi
  fi
  wait "$STACK_PID" 2>/dev/null || true
  STACK_PID=
}

# Peak resident set size of the worker JVM so far, in kB.
vm_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$WORKER_PID/status"; }

# ---- S3 through the AWS CLI ------------------------------------------------------------------------
# The AWS CLI, configured like the worker's S3 client: path-style, checksums only when required.
# write_aws_config once (after bench_settings), then aws_cli like aws.
write_aws_config() {
  cat >"$WORK/aws.config" <<EOF
[default]
region = us-east-1
request_checksum_calculation = when_required
response_checksum_validation = when_required
s3 =
  addressing_style = path
EOF
}
aws_cli() {
  AWS_CONFIG_FILE=$WORK/aws.config AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID=$BW_LOCAL_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$BW_LOCAL_S3_SECRET_KEY \
    AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "$S3_ENDPOINT" "$@"
}

# ---- timing ----------------------------------------------------------------------------------------
# The machine's idle share (percent) over the next second, from /proc/stat.
idle_percent() {
  local a b
  a=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat)
  sleep 1
  b=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "%d", (y[2] > x[2]) ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 100 }'
}

# Timings on a shared machine mean nothing while something else (a build) is busy: before each
# measurement, wait up to BENCH_QUIET_WAIT seconds (default 600) for 5 quiet seconds in a row
# (at least 85% idle), and say so in the report when the machine never became quiet.
NOISY=0
await_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-600})) quiet=0 idle said=0
  while ((quiet < 5)); do
    idle=$(idle_percent)
    if ((idle >= 85)); then
      quiet=$((quiet + 1))
    else
      quiet=0
      if ((SECONDS >= deadline)); then
        log "  the machine is still busy (${idle}% idle); measuring anyway"
        NOISY=$((NOISY + 1))
        return 0
      fi
      ((said)) || log "  waiting for the machine to be quiet (${idle}% idle now) ..."
      said=1
    fi
  done
}

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# CPU seconds, to see where the time goes: of this shell's reaped children (pg_dump, pg_restore,
# aws), of a process itself (the stack) and of the whole machine (user, nice, system, irq, softirq,
# steal). The clients (BackupClient, RestoreClient) count them themselves from publish to
# completed, in ticks of BENCH_CLK_TCK per second.
HZ=$(getconf CLK_TCK)
export BENCH_CLK_TCK=$HZ
children_cpu() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / hz }' "/proc/$$/stat"; }
self_cpu() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
machine_cpu() { awk -v hz="$HZ" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
