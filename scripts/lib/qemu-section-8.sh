# Sourced by scripts/qemu-test after section 7 (it uses that script's functions and state, and
# section 7's bundles): section 8, an update over the store's LAN (issue 18, item 4). S (server)
# and K (client, `server = "scan"`) boot through U-Boot on release N and sell. S is powered off
# and boots again with a USB stick labelled TILL-UPDATE holding the N+1 bundle (a FAT image on
# QEMU's usb-storage), as an installer brings a release; S stages it, and K fetches the bundle
# over the sealed channel, applies it, restarts through U-Boot, syncs with S (still on N) and
# keeps the slot; then S, every client on N+1, updates itself. Both end on N+1 with the same
# orders. Then N+2, whose /init exits, is staged: K tries it, U-Boot goes back to N+1, K reports
# the failure and does not try it again, and S, seeing a client fail it, does not apply it.
# shellcheck shell=bash disable=SC2154
say "8. an update over the store's LAN: staged on the server S, the client K first, then S"
t_l=$(date +%s.%N)
if [ "$arch" != aarch64 ] || [ ! -s "$w/n1.tillupd" ] || [ ! -s "$w/S.img" ]; then
  skip "section 8 (LAN update): aarch64 only, after section 7's bundles"
else
  # stage BUNDLE: a USB stick labelled TILL-UPDATE holding BUNDLE (a FAT image on QEMU's
  # usb-storage), plugged into S from its next power-on; S stages what it finds on it.
  stage() {
    s_stick=$w/S-update.stick
    rm -f "$s_stick"
    truncate -s 64M "$s_stick" && mkfs.vfat -n TILL-UPDATE "$s_stick" >/dev/null &&
      mcopy -i "$s_stick" "$1" "::$(basename "$1")"
  }
  # says NAME PATTERN: the console's `update` answer of NAME matches PATTERN.
  update_line() {
    local before
    before=$(grep -c 'init: update version' "$w/$1.log" || true)
    console "$1" update
    wait_for "$1" 'init: update version' 10 $((before + 1)) || return 1
    grep 'init: update version' "$w/$1.log" | tail -n1 | tr -d '\r' | sed 's/.*init: update //'
  }
  says() { local line; line=$(update_line "$1" || true); check "$1's console: $line" grep -q "$2" <<< "$line"; }
  keep_log() { if [ -f "$w/$1.log" ]; then cat "$w/$1.log" >> "$w/$1-all.log"; fi; }
  boot_s() { keep_log S; boot S 52:54:00:77:00:11 11 K; }
  boot_k() { keep_log K; boot K 52:54:00:77:00:12 12 S; }
  off() { console "$1" poweroff; wait_exit "$1" 60 || { kill -9 "$(cat "$w/$1.pid")"; wait_exit "$1" 5; }; }
  boot_s; boot_k
  if wait_for S 'modes: ready' 120 && wait_for K 'syncing with S' 120; then
    ok "S and K boot through U-Boot on $ver_n; K syncs with S"
    console S "ring 2"; console K "ring 2"
    for _ in $(seq 100); do [ "$(status S)" = "orders=4 pending=0" ] && [ "$(status K)" = "orders=4 pending=0" ] && break; sleep 0.3; done
    check "S and K hold the 4 orders rung on them" test "$(status S)" = "orders=4 pending=0" -a "$(status K)" = "orders=4 pending=0"
    off S
    check "a TILL-UPDATE stick holding $ver_n1 for S" stage "$w/n1.tillupd"
    t_stage=$(date +%s.%N)
    boot_s
    wait_for S "staged $ver_n1 for aarch64 from the USB stick" 90 &&
      ok "S stages $ver_n1 from the stick ($(elapsed "$t_stage") s from power-on)" || fail "S stages $ver_n1 from the stick"
    # A power cut while K writes the slot: K boots its good slot, sells, and takes the update again.
    if wait_for K "writing $ver_n1 into the inactive boot slot" 240; then
      kill -9 "$(cat "$w/K.pid")"; wait_exit K 10 || true
      ok "QEMU killed while K writes $ver_n1 into slot b"
      boot_k
      if wait_for K 'modes: ready' 120; then
        # Cut mid-write: slot a, the update to be taken again; cut just after the write ended:
        # slot b on trial. Either way K boots and sells.
        k_line=$(update_line K || true)
        check "K's console after the cut: $k_line" grep -q "version $ver_n slot a\|version $ver_n1 slot b" <<< "$k_line"
        console K "ring 1"
        for _ in $(seq 100); do [ "$(status K)" = "orders=5 pending=0" ] && break; sleep 0.3; done
        check "K sells after the cut: 5 orders, all at S" test "$(status K)" = "orders=5 pending=0"
      else
        fail "K boots after the cut in the middle of writing its slot"
      fi
    else
      fail "K starts writing $ver_n1"
    fi
    # K: fetch, apply, restart (the same QEMU: U-Boot again), try slot b, sync with S, keep it.
    if { grep -q "version $ver_n1 slot b" <<< "${k_line:-}" ||
         { wait_for K "wrote $ver_n1 into slot b" 240 && wait_for K 'trying slot b once' 120; }; } &&
       wait_for K "in slot b is ready and synced: marked good" 180; then
      ok "K takes $ver_n1 from S, restarts into it and keeps it after syncing with S on $ver_n ($(elapsed "$t_stage") s from S's start)"
      if wait_for S 'trying slot b once' 240 && wait_for S "in slot b is ready and synced: marked good" 180; then
        ok "S updates itself once K runs $ver_n1 ($(elapsed "$t_stage") s from staging to the whole store on $ver_n1)"
      else
        fail "S updates itself after K"
      fi
      wait_for K 'syncing with S' 120 || true
      says S "version $ver_n1 slot b; no update pending"
      says K "version $ver_n1 slot b; no update pending"
      console S "ring 1"; console K "ring 1"
      for _ in $(seq 100); do [ "$(status S)" = "orders=7 pending=0" ] && [ "$(status K)" = "orders=7 pending=0" ] && break; sleep 0.3; done
      check "both sell on $ver_n1 and hold the same 7 orders" test "$(status S)" = "orders=7 pending=0" -a "$(status K)" = "orders=7 pending=0"
    else
      fail "K updates to $ver_n1 over the LAN"
    fi
    # N+2 does not start: K goes back by itself and reports it; S does not take it.
    off S
    check "a TILL-UPDATE stick holding $ver_n2 (an /init that exits) for S" stage "$w/n2-broken.tillupd"
    boot_s
    wait_for S "staged $ver_n2 for aarch64 from the USB stick" 90 &&
      ok "S stages $ver_n2 from the stick" || fail "S stages $ver_n2 from the stick"
    if wait_for K "wrote $ver_n2 into slot a" 240 && wait_for K 'broken release: init exits' 120 &&
       wait_for K "update: $ver_n2 (slot a) did not start" 180; then
      ok "K tries $ver_n2, U-Boot goes back to slot b by itself"
      wait_for K 'syncing with S' 120 || true
      says K "version $ver_n1 slot b; $ver_n2 failed to start; back on $ver_n1"
      off K; off S
      mkdir -p "$w/S-db8"
      dump_db S "$w/S-db8" || true
      debugfs -R "rdump updates $w/S-db8" "$w/S.data" >/dev/null 2>&1 || true
      st=$("$host_till" --data "$w/S-db8" update status --json 2>/dev/null || true)
      check "S lists K on $ver_n1, failed on $ver_n2 ($(python3 -c 'import json,sys; print([(r["name"], r["version"], r["state"]) for r in json.load(sys.stdin)["registers"]])' <<< "$st" 2>/dev/null))" \
        python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin)["registers"] if x["name"]=="K"]; sys.exit(0 if r and r[0]["version"]==sys.argv[1] and "failed" in r[0]["state"] else 1)' "$ver_n1" <<< "$st"
      check "S did not take $ver_n2 (no slot a written on S)" test "$(grep -c "wrote $ver_n2" "$w/S.log" || true)" = 0
      check "K did not try $ver_n2 twice" test "$(cat "$w/K-all.log" "$w/K.log" | grep -c "wrote $ver_n2 into slot")" = 1
    else
      fail "K falls back from $ver_n2 and reports it"
      off K; off S
    fi
  else
    fail "S and K boot through U-Boot"
  fi
fi
l_s=$(elapsed "$t_l")
