# Sourced before each `sh root` block of docs/OPERATIONS.md when systemd is not PID 1 (a CI
# container). `systemctl` then does for kioskpay's units what systemd would, with the real
# binaries and files the package installed:
#   enable, disable, mask, unmask: systemctl itself (it makes the links without a manager);
#   start, stop, restart kioskd(.service|.socket): /usr/sbin/kioskd as ExecStart= runs it: its
#     user and group, its /proc (scripts/unit-proc.py), its system-call filter
#     (scripts/unit-seccomp.py), $STATE_DIRECTORY and $RUNTIME_DIRECTORY; it binds the socket
#     itself (mode 0660, group kiosk, as kioskd.socket would);
#   start kiosk-front@TTY: kioskd first (the unit Wants=kioskd.socket); there is no console
#     here, so what the unit runs, as its user, with --check: served, or the block fails;
#   daemon-reload: systemd-analyze verify of the installed units with their drop-ins;
#   status: whether the emulated kioskd runs.
# Anything else is refused, so the document cannot use a verb this file does not know.
# Needs: KIOSKPAY_SCRIPTS (the repository's scripts/), KIOSKPAY_EMULATION (a scratch directory).

kioskpay_running() {
    [ -f "$KIOSKPAY_EMULATION/kioskd.pid" ] && kill -0 "$(cat "$KIOSKPAY_EMULATION/kioskd.pid")" 2>/dev/null
}

kioskpay_start_kioskd() {
    kioskpay_running && return 0
    local unit=/lib/systemd/system/kioskd.service
    install -d -m 0755 -o kioskd -g kiosk /run/kioskd
    (
        # As systemd starts a service: no descriptor but 0-2. What the caller had open (the test
        # runner's pipes, its process-watching socket) must not live on in the daemon.
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        STATE_DIRECTORY=/var/lib/kioskd RUNTIME_DIRECTORY=/run/kioskd SWIFT_BACKTRACE=enable=no \
            exec python3 "$KIOSKPAY_SCRIPTS/unit-proc.py" "$unit" -- \
            setpriv --reuid=kioskd --regid=kiosk --init-groups -- \
            python3 "$KIOSKPAY_SCRIPTS/unit-seccomp.py" "$unit" -- \
            /usr/sbin/kioskd --config /etc/kioskd/kioskd.toml
    ) >>"$KIOSKPAY_EMULATION/kioskd.log" 2>&1 </dev/null &
    echo $! > "$KIOSKPAY_EMULATION/kioskd.pid"
    local i
    for i in $(seq 1 600); do
        if ! kioskpay_running; then
            echo "kioskd exited at start:" >&2; tail -n 20 "$KIOSKPAY_EMULATION/kioskd.log" >&2; return 1
        fi
        [ -S /run/kioskd/kioskd.sock ] && kioskctl hello >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "kioskd did not answer within 60 s" >&2
    return 1
}

kioskpay_stop_kioskd() {
    kioskpay_running || return 0
    local pid
    pid=$(cat "$KIOSKPAY_EMULATION/kioskd.pid")
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$KIOSKPAY_EMULATION/kioskd.pid"
}

kioskpay_unit() {
    local verb=$1 unit=$2
    case "$unit" in
        kioskd|kioskd.service|kioskd.socket)
            case "$verb" in
                start) kioskpay_start_kioskd ;;
                stop) kioskpay_stop_kioskd ;;
                restart|try-restart) kioskpay_stop_kioskd && kioskpay_start_kioskd ;;
                status)
                    if kioskpay_running; then echo "● $unit - active (running), pid $(cat "$KIOSKPAY_EMULATION/kioskd.pid")"
                    else echo "○ $unit - inactive (dead)"; return 3; fi ;;
                *) echo "systemctl $verb $unit: not emulated" >&2; return 1 ;;
            esac ;;
        kiosk-front@*)
            [ -f /lib/systemd/system/kiosk-front@.service ] || { echo "no kiosk-front@.service" >&2; return 1; }
            case "$verb" in
                # Wants=kioskd.socket: starting the front starts the daemon's socket first.
                start|restart) kioskpay_start_kioskd && runuser -u kiosk-front -- /usr/bin/kiosk-front --check ;;
                stop) ;;
                *) echo "systemctl $verb $unit: not emulated" >&2; return 1 ;;
            esac ;;
        *) echo "systemctl $verb $unit: not a kioskpay unit" >&2; return 1 ;;
    esac
}

systemctl() {
    local verb=$1; shift
    local now=0 units=() arg
    for arg in "$@"; do
        if [ "$arg" = --now ]; then now=1; else units+=("$arg"); fi
    done
    case "$verb" in
        enable|disable|mask|unmask)
            command systemctl "$verb" "${units[@]}" || return
            if [ "$now" = 1 ] && [ "$verb" != mask ] && [ "$verb" != unmask ]; then
                for arg in "${units[@]}"; do kioskpay_unit "$([ "$verb" = enable ] && echo start || echo stop)" "$arg" || return; done
            fi ;;
        daemon-reload)
            systemd-analyze verify --man=no /lib/systemd/system/kioskd.service /lib/systemd/system/kioskd.socket ;;
        start|stop|restart|try-restart|status)
            local status=0
            for arg in "${units[@]}"; do kioskpay_unit "$verb" "$arg" || status=$?; done
            return $status ;;
        *) echo "systemctl $verb: not emulated (Tests/Fixtures/docs/without-systemd.sh)" >&2; return 1 ;;
    esac
}
