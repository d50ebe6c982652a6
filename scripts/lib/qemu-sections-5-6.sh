# Sourced by scripts/qemu-test after its section 4 (it uses that script's functions and state):
# section 5, the server dies for good and C is promoted from its screen; section 6, DATA fills
# the card. The script's header describes both.
# shellcheck shell=bash disable=SC2154
say "5. the server dies for good: C is promoted from its screen, B follows"
t_p=$(date +%s.%N)
if [ -z "$c_up" ]; then
  fail "section 5 needs C set up as A's client by section 3"
else
  for n in A B C; do [ -f "$w/$n.log" ] && mv "$w/$n.log" "$w/$n-before5.log"; done
  py=$(python3 -c 'import sys; print(sys.executable)')
  "$py" scripts/lib/lan-hub.py --dir "$w" --ports A,B,C --seconds 900 --pidfile "$w/hub.pid" &
  disown  # stopped by its pid file below
  deadline=$(( $(date +%s) + 10 ))
  until [ -S "$w/hub-C.sock" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.1; done
  c_stick=$w/C.stick
  rm -f "$c_stick"
  truncate -s 32M "$c_stick" && mkfs.vfat -n TILL-BACKUP "$c_stick" >/dev/null
  boot A 52:54:00:77:00:01 7 hub
  boot B 52:54:00:77:00:02 8 hub
  boot C 52:54:00:77:00:03 9 hub
  if wait_for A 'modes: ready' 150 && wait_for B 'syncing with A' 150 && wait_for C 'syncing with A' 150; then
    ok "A, B and C boot on one LAN (a hub); B and C sync with A"
    kill -9 "$(cat "$w/A.pid")"
    wait_exit A 10 || true
    t_dead=$(date +%s.%N)
    ok "A is gone for good (SIGKILL to its QEMU)"
    # shellcheck disable=SC2046
    step "C's sign-in: Ann's PIN" 'screen showing sale' sale-empty,sale type_and_enter C 2468 &&
      step "Status" 'screen showing status' status-client tap C $(tap_at sale-empty OpenStatus) &&
      step "Settings asks for a manager's PIN" 'screen showing pin-pad' pinpad-approve \
        tap C $(tap_at status-client OpenSettings) &&
      step "the PIN opens Settings, with Make this register the server" 'screen showing settings' settings-client \
        type_and_enter C 2468 &&
      step "Make this register the server asks for the PIN again" 'screen showing pin-pad' pinpad-approve \
        tap C $(tap_at settings-client Promote) &&
      step "the PIN: C serves the store at term 1" 'promoted on the screen by Ann: term 1' banner-promoted \
        type_and_enter C 2468
    # The manager backs the store up to the USB stick from Settings (C is the server now). After
    # 03:00 UTC (the default backup_at) the nightly backup runs as soon as the stick is seen: it
    # goes first, so the button does not find the stick busy. Escape dismisses the promotion's
    # banner, so the PIN pad has its own layout.
    if [ "$(date -u +%H%M)" -ge 300 ]; then wait_for C 'nightly backup: ' 120 || true; fi
    key C esc
    # shellcheck disable=SC2046
    step "Settings on the new server asks for a manager's PIN" 'screen showing pin-pad' pinpad-approve \
        tap C $(tap_at status-server OpenSettings) &&
      step "the PIN opens Settings" 'screen showing settings' settings-server type_and_enter C 2468 &&
      tap C $(tap_at settings-server BackupToStick) &&
      if wait_for C 'stick backup from the screen' 120; then
        ok "C: Back up to USB wrote $(grep -a -o 'stick backup from the screen: [^ ]*' "$w/C.log" | head -n1 | sed 's/.*: //') to the FAT stick and unmounted it"
      else
        fail "C: Back up to USB: $(grep -a 'stick' "$w/C.log" | tail -n 2 | tr -d '\r')"
      fi
    if wait_for C 'listening on' 60 && wait_for B 'syncing with C' 120; then
      ok "B follows C by itself, $(elapsed "$t_dead") s after A died: $(grep -a 'syncing with C' "$w/B.log" | head -n1 | tr -d '\r' | sed 's/.*: syncing/syncing/')"
      before=$(status C || true); before=${before%% *}; before=${before#orders=}
      console B "ring 1"
      deadline=$(( $(date +%s) + 120 ))
      while [ "$(date +%s)" -lt "$deadline" ]; do
        b=$(status B || true); c=$(status C || true)
        [ "${c%% *}" = "orders=$(( ${before:-0} + 1 ))" ] && [ "$b" = "${c%% *} pending=0" ] && break
        sleep 1
      done
      if [ "${c%% *}" = "orders=$(( ${before:-0} + 1 ))" ] && [ "$b" = "${c%% *} pending=0" ]; then
        ok "a sale rung on B reached C, the new server (C had ${before:-?} orders, now ${c%% *})"
      else
        fail "B's sale reaches C: C had ${before:-?}, now '$c'; B '$b'"
      fi
    else
      fail "C serves and B follows it: $(grep -a 'promoted\|listening on\|stepping' "$w/C.log" | tail -n 2 | tr -d '\r'); B: $(grep -a 'syncing with\|scan' "$w/B.log" | tail -n 2 | tr -d '\r')"
    fi
  else
    fail "A, B and C boot on one LAN and sync with A"
  fi
  for n in B C; do
    console "$n" poweroff
    wait_exit "$n" 30 || kill -9 "$(cat "$w/$n.pid")"
  done
  [ -s "$w/hub.pid" ] && kill "$(cat "$w/hub.pid")" 2>/dev/null || true
  # The stick, read on the host: the backup is there and restores the store C held then.
  stick_file=$({ grep -a -o 'stick backup from the screen: till-C-[0-9TZ]*\.tillbak' "$w/C.log" || true; } | head -n1 | sed 's/.*: //')
  if [ -n "$stick_file" ] && mdir -i "$c_stick" -b :: | grep -q "$stick_file" &&
     mcopy -n -i "$c_stick" "::$stick_file" "$w/$stick_file" &&
     "$host_till" --data "$w/C-restored" restore "$w/$stick_file" --secret "$secret" > "$w/restore.out" 2>&1; then
    ok "the stick holds $stick_file; the host restores it: $(head -n1 "$w/restore.out")"
  else
    fail "the stick's backup: '${stick_file:-none}' on it; $(head -n1 "$w/restore.out" 2>/dev/null)"
  fi
  if dump_db B "$w/B-db5" && dump_db C "$w/C-db5"; then
    order_ids "$w/B-db5" > "$w/B5.orders" || true
    order_ids "$w/C-db5" > "$w/C5.orders" || true
    if [ "$(wc -l < "$w/C5.orders")" -gt 10 ] && same_orders "$w/B5.orders" "$w/C5.orders"; then
      ok "B and C hold the same $(wc -l < "$w/C5.orders") orders (by order id), C serving"
    else
      fail "B and C after the promotion: B has $(wc -l < "$w/B5.orders"), C $(wc -l < "$w/C5.orders") orders, or their ids differ"
    fi
  else
    fail "copy B's and C's databases after section 5"
  fi
fi
p_s=$(elapsed "$t_p")

say "6. DATA fills the card: E grows at boot, and across a power cut during the grow"
t_e=$(date +%s.%N)
cat > "$w/E.toml" <<CFG
[register]
mode = "standalone"
name = "E"
[network]
address = "10.77.0.5/24"
[device]
debug_console = true
CFG
scripts/build-image --config "$w/E.toml" --output "$w/E.img" >/dev/null
# data_mib NAME: DATA's file system size in MiB, read on the host from the image.
data_mib() {
  dd if="$w/$1.img" of="$w/$1.data" bs=1M skip=65 status=none
  dumpe2fs -h "$w/$1.data" 2>/dev/null | awk -F: '/^Block count/ {c=$2} /^Block size/ {s=$2} END {printf "%d", c*s/1048576}'
}
boot E 52:54:00:77:00:05 10 A
wait_for E 'modes: ready' 90 && console E "ring 3"
if wait_for E 'order committed' 90 3; then
  console E poweroff
  wait_exit E 30 || kill -9 "$(cat "$w/E.pid")"
  ok "E rings 3 orders on the card as built (DATA $(data_mib E) MiB)"
  mv "$w/E.log" "$w/E-1.log"
  truncate -s 512M "$w/E.img"
  boot E 52:54:00:77:00:05 10 A
  if wait_for E 'growing DATA from' 90; then
    kill -9 "$(cat "$w/E.pid")"
    wait_exit E 10 || true
    ok "E killed the moment it said: $(grep -a -o 'growing DATA from [^:]*' "$w/E.log" | head -n1)"
  else
    fail "E grows DATA on a 512 MiB card: $(grep -a 'DATA' "$w/E.log" | tail -n 2 | tr -d '\r')"
  fi
  mv "$w/E.log" "$w/E-2.log"
  boot E 52:54:00:77:00:05 10 A
  if wait_for E 'modes: ready' 90; then
    e=$(status E || true)
    console E poweroff
    wait_exit E 30 || kill -9 "$(cat "$w/E.pid")"
    mib=$(data_mib E)
    check "E boots after the cut with DATA filling the 512 MiB card ($mib MiB) and its orders ($e)" \
      test "$mib" -ge 430 -a "${e%% *}" = "orders=3"
  else
    fail "E boots after a power cut during the grow"
  fi
  # What a cut between the partition table and the file system leaves: the table says 703 MiB,
  # the file system is still 447. The boot must finish the grow.
  mv "$w/E.log" "$w/E-3.log"
  truncate -s 768M "$w/E.img"
  echo ", +" | sfdisk -q -N 2 --no-reread "$w/E.img" >/dev/null 2>&1
  boot E 52:54:00:77:00:05 10 A
  if wait_for E 'modes: ready' 90; then
    e=$(status E || true)
    console E poweroff
    wait_exit E 30 || kill -9 "$(cat "$w/E.pid")"
    mib=$(data_mib E)
    check "a grown partition with the file system not grown yet: the boot grows it ($mib MiB, $(grep -a -o "growing DATA's file system[^;]*" "$w/E.log" | head -n1 | tr -d '\r')), orders kept ($e)" \
      test "$mib" -ge 680 -a "${e%% *}" = "orders=3"
  else
    fail "E boots on a card whose partition grew but not its file system"
  fi
else
  fail "E rings its 3 demo orders"
fi
e_s=$(elapsed "$t_e")

