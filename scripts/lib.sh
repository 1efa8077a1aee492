# Helpers shared by scripts/demo, scripts/test and .ci/run (sourced, not run).

# The interpreter that creates .venv: PYTHON if set, else python3.11, else python3 when it is 3.11 or newer.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Growth Hub needs Python 3.11 or newer (python3.11); set PYTHON=/path/to/python3.11." >&2
    return 1
}

# ensure_venv REQUIREMENTS_FILE: create .venv if missing and install the file, unless the same requirements
# were already installed (a hash of every requirements*.txt is kept in var/).
ensure_venv() {
    local requirements="$1" python stamp wanted
    if [ ! -x .venv/bin/python ]; then
        python="$(find_python)"
        echo "Creating the virtual environment in .venv with $python ..."
        "$python" -m venv .venv
    fi
    mkdir -p var
    stamp="var/.installed-${requirements%.txt}.sha256"
    wanted="$(cat requirements*.txt | .venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "Installing $requirements into .venv ..."
        .venv/bin/python -m pip install -qq --disable-pip-version-check -r "$requirements"
        echo "$wanted" >"$stamp"
    fi
}

# The browser tests drive Debian's Chromium (never a browser Playwright downloads). Install it when missing and
# this is root; otherwise say so loudly: the browser tests then fail, they are not skipped.
ensure_chromium() {
    local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
    [ -x "$chromium" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Chromium for the browser tests (apt-get install chromium) ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq chromium >/dev/null ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; } || true
    fi
    if [ ! -x "$chromium" ]; then
        echo "WARNING: no Chromium at $chromium; the browser tests will FAIL. Install it (apt-get install chromium)" >&2
        echo "         or point CHROMIUM_PATH at a Chromium binary." >&2
    fi
}

# own_session COMMAND...: run COMMAND in a session of its own (setsid, where there is one), so a Ctrl-C at the terminal
# reaches only the script, which then stops COMMAND itself, in order, instead of every process exiting at once.
own_session() {
    if command -v setsid >/dev/null 2>&1; then
        exec setsid "$@"
    fi
    exec "$@"
}

# supervise NAME LOG COMMAND...: run COMMAND in the background with its output appended to LOG, and start it again
# whenever it exits on its own, after 1, 2, 4 ... up to 30 s (back to 1 s once a run lasted a minute), saying so on
# the terminal and in LOG. SIGTERM to the supervisor (its pid is in $!) stops COMMAND and does not restart it.
supervise() {
    local name="$1" log="$2"
    shift 2
    (
        child=""
        stop() {
            if [ -n "$child" ]; then
                kill -TERM "$child" 2>/dev/null || true
                wait "$child" 2>/dev/null || true
            fi
            exit 0
        }
        trap stop TERM
        delay=1
        while :; do
            started=$SECONDS
            (own_session "$@") >>"$log" 2>&1 &
            child=$!
            status=0
            wait "$child" || status=$?
            child=""
            if [ $((SECONDS - started)) -ge 60 ]; then
                delay=1
            fi
            echo "[$(date '+%F %T')] $name exited with status $status; restarting it in ${delay} s." | tee -a "$log" >&2
            sleep "$delay" &
            wait $! || true
            delay=$((delay * 2 > 30 ? 30 : delay * 2))
        done
    ) &
}

# redis-server for the PostgreSQL + Redis run and for the tests that stop and start a broker of their own
# (tests/test_broker_outage.py, skipped without it). Installed when missing and this is root; else said loudly.
ensure_redis_server() {
    command -v redis-server >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server (apt-get install redis-server) ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq redis-server >/dev/null ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null; } || true
    fi
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "WARNING: no redis-server; the Redis test run and the broker outage test cannot run. Install it" >&2
        echo "         (apt-get install redis-server)." >&2
    fi
}
