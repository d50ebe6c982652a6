# Till's boot script (U-Boot; scripts/build-image compiles it into BOOT's boot.scr; the rules
# in docs/ARCHITECTURE.md, "Updates"). BOOT holds two slots, slot-a/ and slot-b/, each a kernel
# (vmlinuz) and an initramfs (initrd.img). slots.txt says which slot is good ("active") and
# which one an update wrote ("trying"); `till` writes it. tried.txt is the one file this script
# writes: the slot it is about to try. A slot is tried once: if the next boot finds tried.txt
# naming the slot still to be tried, that try did not end with `till` marking the slot good (a
# crash, a hang and the watchdog, a power cut), and the good slot boots instead, told so on the
# kernel's command line (till.failed=SLOT), so the register reports the failed update.
setenv active a
setenv trying
setenv tried
setenv failed
setenv part ${devtype} ${devnum}:${distro_bootpart}
if load ${part} ${scriptaddr} slots.txt; then env import -t ${scriptaddr} ${filesize} active trying; fi
if load ${part} ${scriptaddr} tried.txt; then env import -t ${scriptaddr} ${filesize} tried; fi
setenv slot ${active}
if test -n "${trying}"; then
  if test "${tried}" = "${trying}"; then
    echo "till: slot ${trying} was tried and not marked good; booting slot ${active}"
    setenv failed ${trying}
  else
    setenv tried ${trying}
    env export -t ${scriptaddr} tried
    fatwrite ${part} ${scriptaddr} tried.txt ${filesize}
    setenv slot ${trying}
    echo "till: trying slot ${slot} once"
  fi
fi
# Boots ${slot}: arm64's gzipped Image through booti (unpacked at kernel_comp_addr_r, within
# the 256 MiB of the smallest box), armv7's zImage through bootz (scripts/build-image writes the
# architecture's command into the line below).
setenv kernel_comp_addr_r 0x46000000
setenv kernel_comp_size 0x2000000
setenv load_slot 'load ${part} ${kernel_addr_r} slot-${slot}/vmlinuz && load ${part} ${ramdisk_addr_r} slot-${slot}/initrd.img && setenv rd_size ${filesize}'
setenv boot_slot 'setenv bootargs "console=ttyAMA0 panic=5 quiet vt.global_cursor_default=0 till.slot=${slot} till.failed=${failed}"; if run load_slot; then @BOOTCMD@ ${kernel_addr_r} ${ramdisk_addr_r}:${rd_size} ${fdt_addr}; fi'
run boot_slot
# Only reached when that slot could not be loaded or booted: the good slot, and it is reported.
if test "${slot}" != "${active}"; then
  echo "till: slot ${slot} did not boot; booting slot ${active}"
  setenv failed ${slot}
  setenv slot ${active}
  run boot_slot
fi
