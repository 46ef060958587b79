#!/usr/bin/env bash
# The README's first command: installs dependencies, builds the programs and runs `doorstep-demo`
# (examples/demo), the product's main job end to end in one process:
#   a township server (SQLite, HTTP on 127.0.0.1) with the household form; two tablets of one
#   village and the township reviewer enroll with one-time tokens over libcurl; tablet A captures
#   three households and syncs, tablet B receives them; both edit one household offline (the same
#   field with different values, other fields, one new member each); both sync twice; the merged
#   household and the conflict with every value are shown; the reviewer resolves it; both sync
#   again; the per-village checksums of the server and both tablets are printed and must be equal.
#
#   then the registry at township scale: a generated township (14 villages, 1,300 households with
#   three signatures each) is imported into a township server, which prints its problem list
#   (问题清单) and its report.
#
#   bash scripts/demo.sh            the sync demo, then the registry township
#   bash scripts/demo.sh registry   the registry township only
#   bash scripts/demo.sh capture    the earlier single-tablet capture session (validation errors,
#                                   signatures going stale, finalize, exports)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
echo "=== build (build/demo)"
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DDOORSTEP_BUILD_TESTS=OFF \
  -DDOORSTEP_BUILD_BENCH=OFF > /dev/null
cmake --build build/demo -j "${JOBS:-2}" --target doorstep doorstep-server doorstep-demo
MODE="${1:-}"
if [ "$MODE" = "" ]; then
  "$PWD/build/demo/examples/demo/doorstep-demo"
fi
if [ "$MODE" = "" ] || [ "$MODE" = "registry" ]; then
  BIN="$PWD/build/demo/platform/cli/doorstep"
  SERVER="$PWD/build/demo/platform/server/doorstep-server"
  WORK="$(mktemp -d /tmp/doorstep-registry.XXXXXX)"
  printf '\n\033[1m# Registry: a generated township of 14 villages and 1,300 households\033[0m\n'
  "$BIN" sample --villages 14 --households 1300 --seed 1 --out "$WORK/township.jsonl" \
    --planted "$WORK/planted.jsonl"
  printf '\n\033[1m# The township server installs the registry form pack and imports the registry\033[0m\n'
  "$SERVER" form install --db "$WORK/server.db" forms/registry/*.json
  # Rows the form pack refuses are listed with their line; the command then exits with 1.
  "$SERVER" import --db "$WORK/server.db" "$WORK/township.jsonl" || true
  printf '\n\033[1m# Problem list (问题清单), also as CSV\033[0m\n'
  "$SERVER" problems --db "$WORK/server.db" --today 2026-11-23 --csv "$WORK/problems.csv"
  printf '\n\033[1m# Township report, also as CSV\033[0m\n'
  "$SERVER" report --db "$WORK/server.db" --year 2026 --csv "$WORK/report.csv"
  echo "server database, township export, problem list and report are in $WORK"
  exit 0
fi

# --- the capture session (one tablet, offline) ---
BIN="$PWD/build/demo/platform/cli/doorstep"
WORK="$(mktemp -d /tmp/doorstep-demo.XXXXXX)"
export DOORSTEP_DB="$WORK/tablet-0042.db"

step() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '$ doorstep %s\n' "$*"; "$BIN" "$@"; }
run_may_fail() { printf '$ doorstep %s\n' "$*"; "$BIN" "$@" || echo "(exit code $?)"; }

step "A tablet store for surveyor S017 on tablet TAB-0042"
run init --surveyor S017 --device TAB-0042
run form install forms/household_v1.json
run form list

step "Start the household registration survey (offline) and add two members"
ID=$(run record new household | tail -n 1)
echo "record id: $ID"
run record add-member "$ID" members > /dev/null
run record add-member "$ID" members > /dev/null
run record set "$ID" county 黎平县 township 高屯街道 village 坪新冲村 village_group 第五村民组 \
  household_no 5226310020300000 head_name 彭福娥 phone 15792361871 poverty_status poor \
  main_cause illness other_causes "lack_capital lack_skills" \
  wage_income 12000 production_income 3200 transfer_income 2796 production_costs 1453 \
  housing_danger B housing_area 86.5 gps "26.311821 107.803902 0 23" visit_date 2026-11-20 \
  surveyor_name 刘山林
run record set "$ID" "members[1]/m_name" 彭福娥 "members[1]/m_id_number" 52263119761206245X \
  "members[1]/m_relation" head "members[1]/m_sex" female "members[1]/m_birth_date" 1976-12-06 \
  "members[1]/m_education" primary "members[1]/m_health" chronic "members[1]/m_labor" ordinary_labor \
  "members[1]/m_migrant_months" 2 "members[1]/m_medical_insurance" yes
run record set "$ID" "members[2]/m_name" 陈平丽 "members[2]/m_id_number" 5226312012050180 \
  "members[2]/m_relation" daughter "members[2]/m_sex" female "members[2]/m_birth_date" 2012-05-01 \
  "members[2]/m_health" disabled "members[2]/m_labor" no_labor "members[2]/m_medical_insurance" yes

step "A bad value is refused and changes nothing (an unknown choice)"
run_may_fail record set "$ID" housing_danger E

step "First finalize attempt: every error at once, nothing changes"
run_may_fail record finalize "$ID"

step "Fix the errors"
run record set "$ID" "members[2]/m_id_number" 522631201205018001 "members[2]/m_education" primary \
  "members[2]/m_in_school" yes "members[2]/m_disability_grade" 2 \
  food_clothing_ok yes education_ok yes medical_ok yes housing_ok no water_ok yes

step "Signatures: household head (proxy-signed by her son), surveyor, team leader"
run sign "$ID" sig_head --strokes examples/signatures/household_head.json --signer 彭福娥 --proxy 陈小明
run sign "$ID" sig_surveyor --strokes examples/signatures/surveyor.json --signer 刘山林
run sign "$ID" sig_leader --strokes examples/signatures/team_leader.json --signer 蒋玉林
run signature list "$ID"

step "Correcting the wage income after signing makes every signature stale"
run record set "$ID" wage_income 12500
run signature list "$ID"
run_may_fail record finalize "$ID"

step "The household head, surveyor and leader sign the corrected form again; finalize succeeds"
run sign "$ID" sig_head --strokes examples/signatures/household_head.json --signer 彭福娥 --proxy 陈小明
run sign "$ID" sig_surveyor --strokes examples/signatures/surveyor.json --signer 刘山林
run sign "$ID" sig_leader --strokes examples/signatures/team_leader.json --signer 蒋玉林
run record finalize "$ID"

step "The finalized record, its history (who changed what), pending changes for sync"
run record show "$ID"
run record history "$ID" | head -n 12
run outbox | head -n 5

step "Exports for the township office"
run export --format csv --form household -o "$WORK/households.csv"
head -c 600 "$WORK/households.csv"; echo
run export --format csv --form household --repeat members -o "$WORK/members.csv"
cat "$WORK/members.csv"
run signature svg "$ID" sig_head -o "$WORK/sig_head.svg"
echo "store, exports and signature SVG are in $WORK"
