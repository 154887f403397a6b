#!/usr/bin/env bash
# Rehearses the README's Deploy and Restore steps, as written, on a real systemd: a throwaway
# Debian container booted with systemd-nspawn on this machine. Telegram is stood in for by a
# small fake Bot API on 127.0.0.1 (the container shares the host's network), so the service
# really polls, and `minsheng status --check` really passes.
#
#   sudo deploy/rehearse.sh            # from a clone whose release binary is built
#
# Needs root, systemd-nspawn (Debian: systemd-container), debootstrap, python3 and curl; the
# container's root is kept in /var/lib/machines/minsheng-rehearsal for the next run. The steps
# are read from README.md's two sh blocks; only `cargo build` runs here, on the host, since the
# container has no Rust. Prints each step, and exits non-zero at the first that fails.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
root=/var/lib/machines/minsheng-rehearsal
port=18081
web=18080

say() { printf '\n== %s\n' "$*"; }

if [ ! -x "$root/usr/lib/systemd/systemd" ]; then
    say "a Debian root with systemd for the container"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$root" \
        http://deb.debian.org/debian >/dev/null
fi

say "the release binary (README: cargo build --release --locked)"
cargo build --release --locked

say "a fake Bot API on 127.0.0.1:$port"
python3 - "$port" <<'PY' &
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Api(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)) or 0)
        method = self.path.rsplit("/", 1)[-1].lower()
        if method == "getme":
            result = {"id": 1, "is_bot": True, "first_name": "民生实事", "username": "minsheng_bot",
                      "can_join_groups": True, "can_read_all_group_messages": False,
                      "supports_inline_queries": False, "has_main_web_app": False}
        elif method == "getupdates":
            time.sleep(2)
            result = []
        else:
            result = True
        answer = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    do_GET = do_POST
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Api).serve_forever()
PY
api=$!

say "boot the container"
# What an earlier rehearsal installed goes, so the steps run as on a new machine.
rm -rf "$root/root/minsheng" "$root/var/lib/minsheng" "$root/etc/minsheng" "$root"/etc/systemd/system/minsheng* \
    "$root"/etc/systemd/system/*.wants/minsheng* "$root"/usr/local/bin/minsheng*
chroot "$root" userdel minsheng 2>/dev/null || true
mkdir -p /run/systemd/nspawn "$root/root/minsheng/target/release"
git ls-files -z | xargs -0 cp --parents -t "$root/root/minsheng"
cp "${CARGO_TARGET_DIR:-target}/release/minsheng" "$root/root/minsheng/target/release/"
systemd-nspawn -D "$root" --boot --register=no --keep-unit --console=pipe >/tmp/minsheng-rehearsal.log 2>&1 &
nspawn=$!
trap 'kill $api 2>/dev/null; kill $nspawn 2>/dev/null; wait $nspawn 2>/dev/null' EXIT
inside() { nsenter -t "$init" -a "$@"; }
init=""
for _ in $(seq 60); do
    init=$(pgrep -P "$nspawn" -x systemd || true)
    [ -n "$init" ] && break
    sleep 1
done
[ -n "$init" ] || { echo "the container did not boot: /tmp/minsheng-rehearsal.log" >&2; exit 1; }
# A step that fails shows what the service said.
trap 'echo "-- journalctl -u minsheng:"; inside journalctl -u minsheng --no-pager -o cat | tail -n 20' ERR
inside systemctl is-system-running --wait || true

# The README's sh blocks, in order: the first under "## Deploy", the first under "## Restore".
block() {
    awk -v section="## $1" '$0 == section {on = 1; next} on && /^## / {exit}
        on && /^```sh$/ {code = 1; next} code && /^```$/ {exit} code {print}' README.md |
        sed -e ':a' -e '/\\$/N; s/\\\n//; ta'
}
# A block runs as one shell script, as a person pastes it: `cd` carries to the next line, and
# the first step that fails stops it (each step is echoed first).
run_inside() {
    inside bash -c "cd /root/minsheng && set -ex && $1"
}

say "README Deploy"
deploy=""
while IFS= read -r step; do
    case "$step" in
        cargo\ build*) echo "(cargo build: done on the host above)"; continue ;;
    esac
    deploy+="$step"$'\n'
    case "$step" in
        *"/etc/minsheng/env"*)
            # "then set TELOXIDE_TOKEN, MINSHENG_ADMINS, the proxy": here, for the fake API.
            deploy+="sed -i -e 's/^TELOXIDE_TOKEN=.*/TELOXIDE_TOKEN=123456:REHEARSAL/' -e 's/^MINSHENG_ADMINS=.*/MINSHENG_ADMINS=900001/' /etc/minsheng/env"$'\n'
            deploy+="echo TELOXIDE_API_URL=http://127.0.0.1:$port >> /etc/minsheng/env"$'\n'
            # And the web view on, to see the confined service may listen.
            deploy+="echo MINSHENG_WEB_LISTEN=127.0.0.1:$web >> /etc/minsheng/env"$'\n' ;;
    esac
done < <(block Deploy)
run_inside "$deploy"

check="runuser -u minsheng -- minsheng status --check --database /var/lib/minsheng/data/minsheng.db"
# The service has polled the fake API within 30 s: the check passes (shown once it does).
healthy() {
    for _ in $(seq 30); do
        inside bash -c "$check" >/dev/null 2>&1 && break
        sleep 1
    done
    run_inside "$check"
}
say "the service polls: $check"
healthy
say "the web view answers: GET /healthz"
curl -fsS "http://127.0.0.1:$web/healthz"
echo
run_inside "systemctl start minsheng-health.service"  # a oneshot: fails when the check does
run_inside "systemctl list-timers --no-pager 'minsheng*'"

say "a backup now (README: systemctl start minsheng-backup)"
run_inside "systemctl start minsheng-backup.service"
backup=$(inside bash -c 'ls /var/lib/minsheng/backups/*.db' | head -1)
echo "backup: $backup"

say "README Restore, with that backup"
restore=$(block Restore)
run_inside "${restore//backups\/minsheng-20250310-023000.db/$backup}"
healthy

say "a graceful stop"
run_inside "systemctl stop minsheng && journalctl -u minsheng --no-pager -o cat | tail -n 3"
say "rehearsed: Deploy and Restore worked"
