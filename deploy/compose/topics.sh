#!/bin/bash
# The contract's topics (docs/asyncapi.yaml): commands keyed by target, so that one target's
# commands stay in order on one partition; the progress topic kept a week for watchers and the
# event archive; each command topic's dead-letter topic kept a month for inspection.
set -euo pipefail
rpk() { command rpk -X brokers=redpanda:9092 "$@"; }
create() { rpk topic create "$@" || rpk topic describe "$1" >/dev/null; }
create backup.commands -p 6 -r 1
create restore.commands -p 6 -r 1
create backup.progress -p 6 -r 1 -c retention.ms=604800000
create backup.commands.dlq -p 1 -r 1 -c retention.ms=2592000000
create restore.commands.dlq -p 1 -r 1 -c retention.ms=2592000000
