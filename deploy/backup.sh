#!/bin/sh
# minsheng-backup DIR [KEEP]: one consistent copy of the live database into DIR, named by the
# date and time (minsheng-20250311-023000.db), then only the newest KEEP (default 30) are kept.
# Installed as /usr/local/bin/minsheng-backup; run by minsheng-backup.service. The database is
# the one `minsheng` itself would open (MINSHENG_DATABASE, the config, or data/minsheng.db).
set -eu

dir=${1:?用法：minsheng-backup 目录 [保留份数]}
keep=${2:-30}
minsheng=${MINSHENG_BIN:-minsheng}

case $keep in
    '' | *[!0-9]*) echo "保留份数须为正整数：$keep" >&2; exit 2 ;;
esac
[ "$keep" -ge 1 ] || { echo "保留份数须为正整数：$keep" >&2; exit 2; }

mkdir -p "$dir"
"$minsheng" backup "$dir/minsheng-$(date +%Y%m%d-%H%M%S).db"

# The names sort by their date: everything before the newest $keep goes, with the evidence
# folder `minsheng backup` copied beside each (minsheng-….db.evidence/).
ls -1 "$dir" | grep -E '^minsheng-[0-9]{8}-[0-9]{6}\.db$' | sort -r | tail -n +"$((keep + 1))" |
    while IFS= read -r old; do
        rm -rf -- "${dir:?}/$old" "${dir:?}/$old.evidence"
    done
