#!/usr/bin/env bash
# Benchmark: `tuf repo add` of N small files into succinct hash bins, then `tuf repo commit`; then add one file and
# commit again, counting the metadata files that change. Usage: [LINK=1] signing-bins.sh [N=100000] [BINS=1024]
# LINK=1 adds with --link (targets hard-linked to the source files at commit instead of copied).
# HASH_NAMES=first publishes each target under its SHA-256 name only (settings.json "target_hash_names").
# SKIP_BUILD=1 reuses artifacts/cli/tuf. TUF_TIMINGS=1 makes tuf print each phase's time to stderr.
# Keep runs short on shared machines. The work folder (keys and the repository, ~30 MB) is kept and its path printed:
# delete it when done, but not right before another run (see the note on deleted inodes below).
set -euo pipefail
N=${1:-100000}
BINS=${2:-1024}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/tuf-bench-signing.XXXXXX)

# The shipped form of the command: the Native AOT executable (as bench/scripts/client-bench.sh).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet publish "$ROOT/src/Tuf.Cli" -c Release -o "$ROOT/artifacts/cli" -v q -nologo >/dev/null
fi
TUF="$ROOT/artifacts/cli/tuf"
export TUF_KEY_PASSPHRASE=bench

# The workload files are made once per N and kept (FILES_DIR, default /tmp/tuf-bench-files-N; delete it to make them
# again). Nothing is deleted, because deletions skew the next run: on ext4 without a journal (this machine), inodes
# freed in the last 60-360 s are skipped one by one whenever a new inode is allocated, and commit creates ~1,030 (one
# per metadata file): after a previous run's folder was removed, that cost up to 1 s of extra CPU.
FILES=${FILES_DIR:-/tmp/tuf-bench-files-$N}
if [ ! -f "$FILES.complete" ]; then
  rm -rf "$FILES" "$FILES.complete"
  python3 "$HERE/signing-make-files.py" "$FILES" "$N"
  sync
  touch "$FILES.complete"
fi
# As when they were just written: in the page cache (this VM pages out file pages that stay untouched for ~30 s).
find "$FILES" -type f -print0 | xargs -0 cat >/dev/null
for k in root targets snapshot timestamp bins; do "$TUF" key generate "$k" --keystore "$WORK/keys" >/dev/null; done
"$TUF" repo init "$WORK/repo" --root-key root --targets-key targets --snapshot-key snapshot --timestamp-key timestamp --keystore "$WORK/keys" >/dev/null
if [ "${HASH_NAMES:-all}" != all ]; then
  python3 -c 'import json,sys; p=sys.argv[1]; s=json.load(open(p)); s["target_hash_names"]=sys.argv[2]; json.dump(s,open(p,"w"))' "$WORK/repo/.tuf-staging/settings.json" "$HASH_NAMES"
fi
"$TUF" repo delegate-bins "$WORK/repo" --bins "$BINS" --key bins --keystore "$WORK/keys" >/dev/null
"$TUF" repo commit "$WORK/repo" --key root targets bins snapshot timestamp --keystore "$WORK/keys" >/dev/null

# Wall time, and CPU time (user+sys) in brackets: on a loaded shared machine the CPU figure is the steadier one.
t() { /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" "$@" >/dev/null; awk '{printf "%.2fs [cpu %.2fs]", $1, $2+$3}' "$WORK/time.txt"; }
ADD=$(t "$TUF" repo add "$WORK/repo" "$FILES" ${LINK:+--link})
COMMIT=$(t "$TUF" repo commit "$WORK/repo" --key bins snapshot timestamp --keystore "$WORK/keys")
echo "add $N files${LINK:+ --link} (hash names: ${HASH_NAMES:-all}): $ADD; commit: $COMMIT ($BINS bins; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores)"

ls "$WORK/repo/metadata" | sort > "$WORK/before.txt"
echo "one more" > "$WORK/one.txt"
ADD1=$(t "$TUF" repo add "$WORK/repo" "$WORK/one.txt" --as extra/one.txt)
COMMIT1=$(t "$TUF" repo commit "$WORK/repo" --key bins snapshot timestamp --keystore "$WORK/keys")
ls "$WORK/repo/metadata" | sort > "$WORK/after.txt"
NEW=$(comm -13 "$WORK/before.txt" "$WORK/after.txt" | tr '\n' ' ')
echo "add 1 file to the $N-target repo: $ADD1; commit: $COMMIT1; new metadata files: $NEW(+ timestamp.json rewritten)"
echo "work folder kept: $WORK"
