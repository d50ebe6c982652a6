# Sourced by scripts/qemu-test after section 6 (it uses that script's functions and state):
# section 7, updates through the boot loader's slots (issue 18, items 2 and 3; docs/ARCHITECTURE.md,
# "Updates"). U boots through Debian's U-Boot for QEMU's virt machine and the image's boot.scr.
# Each update is written into U's BOOT by U's own aarch64 `till update apply` (run on this host
# under qemu-aarch64-static, on a copy of BOOT taken out and put back with mtools), then U boots:
#   - release N+1 (this source built with TILL_VERSION): QEMU is killed during its first boot
#     (power cut), so the boot loader goes back to N, which reports the failed update and sells;
#     applied again, N+1 boots, marks its slot good, keeps every order and sells;
#   - a bundle of another architecture, a changed byte and a downgrade: refused, BOOT unchanged;
#   - release N+2 whose /init exits at start: the kernel panics and resets, U-Boot gives up on
#     the slot, N+1 boots again and reports the failed update.
# shellcheck shell=bash disable=SC2154
say "7. updates through U-Boot's A/B slots: a power cut on first boot, rollback, a bundle that does not start"
t_u=$(date +%s.%N)
if [ "$arch" != aarch64 ]; then
  skip "section 7 (updates): aarch64 only"
else
  cat > "$w/U.toml" <<CFG
[register]
mode = "standalone"
name = "U"
[network]
address = "10.77.0.9/24"
[device]
debug_console = true
CFG
  key=tests/fixtures/update-test-key.pem
  ver_n=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
  IFS=. read -r vmaj vmin vpat <<< "$ver_n"
  ver_n1="$vmaj.$vmin.$((vpat + 1))" ver_n2="$vmaj.$vmin.$((vpat + 2))"
  scripts/build-image --config "$w/U.toml" --output "$w/U.img" >/dev/null
  # Section 8's server S and client K, on release N too (built before N+1 replaces the binary).
  for n in S K; do
    case $n in
      S) role='mode = "server"' addr=10.77.0.11 ;;
      K) role=$'mode = "client"\nserver = "scan"' addr=10.77.0.12 ;;
    esac
    printf '[register]\n%s\nname = "%s"\nsecret = "%s"\n[network]\naddress = "%s/24"\n[device]\ndebug_console = true\n' \
      "$role" "$n" "$secret" "$addr" > "$w/$n.toml"
    scripts/build-image --config "$w/$n.toml" --output "$w/$n.img" >/dev/null
  done
  cp target/aarch64-unknown-linux-musl/release/till "$w/till-n"
  t_n1=$(date +%s.%N)
  TILL_VERSION=$ver_n1 scripts/build-image --config "$w/U.toml" --output "$w/U-n1.img" \
    --bundle "$w/n1.tillupd" --key "$key" >/dev/null
  n1_build_s=$(elapsed "$t_n1")
  rm -f "$w/U-n1.img"
  # N+2: N+1's initramfs with an /init that exits at once.
  rm -rf "$w/broken-root" && cp -a out/initramfs-aarch64 "$w/broken-root"
  printf '#!/bin/sh\necho "broken release: init exits"\nexit 1\n' > "$w/broken-root/init"
  python3 scripts/lib/mkcpio.py "$w/broken-root" "$w/broken.cpio.gz" --node dev/console:c:5:1 --node dev/null:c:1:3
  "$host_till" update pack --version "$ver_n2" --arch aarch64 --key "$key" --kernel out/vmlinuz-aarch64.slot \
    --initrd "$w/broken.cpio.gz" --out "$w/n2-broken.tillupd" >/dev/null
  "$host_till" update pack --version "$ver_n2" --arch armv7 --key "$key" --kernel out/vmlinuz-aarch64.slot \
    --initrd "$w/broken.cpio.gz" --out "$w/n2-armv7.tillupd" >/dev/null
  cp "$w/n1.tillupd" "$w/n1-bad.tillupd"
  printf 'X' | dd of="$w/n1-bad.tillupd" bs=1 seek=$(( $(stat -c %s "$w/n1.tillupd") - 100 )) conv=notrunc status=none
  ok "U's image (N = $ver_n), the N+1 bundle ($(stat -c %s "$w/n1.tillupd") B, built in $n1_build_s s) and the bad ones"

  # boot_part IMG DIR / put_boot IMG DIR: BOOT's files out of the image and back (mtools).
  boot_out() { rm -rf "$2" && mkdir -p "$2" && dd if="$1" of="$w/U.boot" bs=1M skip=1 count=64 status=none &&
               mcopy -s -n -i "$w/U.boot" '::*' "$2/"; }
  boot_in() { mcopy -o -s -i "$w/U.boot" "$2"/* :: && dd if="$w/U.boot" of="$1" bs=1M seek=1 conv=notrunc status=none; }
  # apply TILL BUNDLE: U's BOOT updated by the aarch64 TILL; prints its exit code.
  apply() {
    boot_out "$w/U.img" "$w/U-boot" || { echo 99; return; }
    local rc=0
    qemu-aarch64-static "$1" update apply "$2" --boot "$w/U-boot" > "$w/apply.out" 2>&1 || rc=$?
    [ "$rc" -ne 0 ] || boot_in "$w/U.img" "$w/U-boot" || rc=98
    echo "$rc"
  }
  # console_update: the answer to the console's `update` ("update version V slot S; …").
  console_update() {
    local before
    before=$(grep -c 'init: update version' "$w/U.log" || true)
    console U update
    wait_for U 'init: update version' 10 $((before + 1)) || return 1
    grep 'init: update version' "$w/U.log" | tail -n1 | tr -d '\r' | sed 's/.*init: update //'
  }
  # U is standalone: its events wait for no one (pending), only its orders count.
  u_orders() { status U | sed 's/ .*//'; }
  # u_says PATTERN: the console's `update` answer matches. u_rings N WHAT: one more order, N in all.
  u_says() { local line; line=$(console_update || true); check "the console's update: $line" grep -q "$1" <<< "$line"; }
  u_rings() {
    console U "ring 1"
    for _ in $(seq 50); do [ "$(u_orders)" = "orders=$1" ] && break; sleep 0.2; done
    check "$2" test "$(u_orders)" = "orders=$1"
  }
  u_boot() { [ -f "$w/U.log" ] && cat "$w/U.log" >> "$w/U-all.log"; boot U 52:54:00:77:00:09 10 A; }
  u_off() { console U poweroff; wait_exit U 60 || { kill -9 "$(cat "$w/U.pid")"; wait_exit U 5; }; }

  u_boot
  if wait_for U 'modes: ready' 120; then
    ok "U boots through U-Boot's boot.scr, slot a ($(elapsed "$(cat "$w/U.t0")") s to ready)"
    console U "ring 3"
    for _ in $(seq 50); do [ "$(u_orders)" = orders=3 ] && break; sleep 0.2; done
    check "U rings 3 orders on N" test "$(u_orders)" = orders=3
    u_off
    rc=$(apply "$w/till-n" "$w/n1.tillupd")
    check "U's till $ver_n applies $ver_n1 into slot b (exit $rc: $(tail -n1 "$w/apply.out"))" test "$rc" = 0
    # Power cut during the first boot of slot b: once its register is starting.
    u_boot
    if wait_for U 'trying slot b once' 60 && wait_for U "update: trying $ver_n1" 120; then
      kill -9 "$(cat "$w/U.pid")"; wait_exit U 10 || true
      ok "QEMU killed during the first boot of $ver_n1"
      u_boot
      wait_for U 'modes: ready' 120 || true
      check "U-Boot goes back to slot a after the cut" grep -q 'slot b was tried and not marked good; booting slot a' "$w/U.log"
      check "the register reports the failed update at boot" grep -q "update: $ver_n1 (slot b) did not start" "$w/U.log"
      u_says "version $ver_n slot a; $ver_n1 failed to start; back on $ver_n"
      u_rings 4 "U sells on $ver_n after the cut: 4 orders"
    else
      fail "U's first boot of slot b (power cut)"
    fi
    u_off
    rc=$(apply "$w/till-n" "$w/n1.tillupd")
    check "$ver_n1 applied again (exit $rc)" test "$rc" = 0
    t_up=$(date +%s.%N)
    u_boot
    if wait_for U "in slot b is ready and synced: marked good" 150; then
      ok "U boots $ver_n1 from slot b and marks it good ($(elapsed "$t_up") s from power-on)"
      u_says "version $ver_n1 slot b; no update pending"
      u_rings 5 "U keeps its 4 orders and sells on $ver_n1: 5 orders"
    else
      fail "U boots $ver_n1 and marks slot b good"
    fi
    u_off
    # Refusals by the new release's own till, with nothing written.
    cp target/aarch64-unknown-linux-musl/release/till "$w/till-n1"
    boot_out "$w/U.img" "$w/U-before" || true
    for case in "n2-armv7:3:another architecture" "n1-bad:21:a changed byte" "n1:3:not newer"; do
      IFS=: read -r file want what <<< "$case"
      rc=$(apply "$w/till-n1" "$w/$file.tillupd")
      boot_out "$w/U.img" "$w/U-after" || true
      check "$what: refused (exit $rc), BOOT unchanged" test "$rc" = "$want" -a -z "$(diff -r "$w/U-before" "$w/U-after")"
    done
    # A release whose /init exits: the kernel panics, resets, U-Boot goes back to slot b.
    rc=$(apply "$w/till-n1" "$w/n2-broken.tillupd")
    check "$ver_n2 (an /init that exits) applied into slot a (exit $rc)" test "$rc" = 0
    u_boot
    if wait_for U 'broken release: init exits' 120 && wait_for U 'modes: ready' 120; then
      check "U-Boot goes back to slot b by itself ($(elapsed "$(cat "$w/U.t0")") s from power-on to ready)" grep -q 'slot a was tried and not marked good; booting slot b' "$w/U.log"
      u_says "version $ver_n1 slot b; $ver_n2 failed to start; back on $ver_n1"
      check "U still holds its 5 orders" test "$(u_orders)" = orders=5
    else
      fail "U falls back from a release that does not start"
    fi
    u_off
  else
    fail "U boots through U-Boot"
  fi
fi
u_s=$(elapsed "$t_u")
