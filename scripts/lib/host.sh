# Shared helpers for the image scripts: host packages and Debian arm64/armhf downloads.
# Sourced, not run. Everything is idempotent: a second run installs and downloads nothing.

say() { printf '\n== %s\n' "$*" >&2; }

# The machine's qemu-utils comes from bookworm-backports, which breaks bookworm's
# qemu-system-common (docs/ARCHITECTURE.md): QEMU packages must come from backports too.
BACKPORTS_LIST=/etc/apt/sources.list.d/till-backports.sources
ensure_backports() {
  if [ ! -f "$BACKPORTS_LIST" ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding bookworm-backports to apt's sources ($BACKPORTS_LIST)"
    cat > "$BACKPORTS_LIST" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    APT_UPDATED=
  fi
}

# apt with arm64 and armhf indexes too, without adding them to dpkg's architectures (nothing
# foreign is ever installed on the host; packages are only downloaded and unpacked).
APT_ARCH=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o APT::Architectures::=armhf)
APT_UPDATED=
apt_update() {
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update (amd64 + arm64 + armhf indexes)"
    apt-get "${APT_ARCH[@]}" update -qq >&2
    APT_UPDATED=1
  fi
}

# need_cmd COMMAND PACKAGE [apt options…]: installs PACKAGE when COMMAND is missing.
need_cmd() {
  local cmd=$1 pkg=$2
  shift 2
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/sbin/$cmd" ]; then
    ensure_backports
    apt_update
    say "installing $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get "${APT_ARCH[@]}" install -y -qq "$@" "$pkg" >&2
  fi
}

# deb_fetch PACKAGE:ARCH DIR: downloads the newest .deb of a package into DIR (once) and prints
# its path.
deb_fetch() {
  local pkg=$1 dir=$2 name
  mkdir -p "$dir"
  name=${pkg%%:*}
  local found arch=${pkg##*:}
  found=$(ls "$dir"/"${name}"_*_"$arch".deb 2>/dev/null | head -n1 || true)
  if [ -z "$found" ]; then
    apt_update
    say "downloading $pkg"
    # Stale lists name a version the mirror dropped: refresh once and retry.
    (cd "$dir" && apt-get "${APT_ARCH[@]}" -o APT::Sandbox::User=root download -qq "$pkg" >&2) \
      || { APT_UPDATED=; apt_update; (cd "$dir" && apt-get "${APT_ARCH[@]}" -o APT::Sandbox::User=root download -qq "$pkg" >&2); }
    found=$(ls "$dir"/"${name}"_*_"$arch".deb | head -n1)
  fi
  printf '%s\n' "$found"
}

# kernel_abi FLAVOUR ARCH: the ABI (e.g. 6.1.0-37) Debian's kernel meta-package for FLAVOUR
# (arm64 on arm64, armmp on armhf) depends on today; old ABIs drop off the mirror, so it is
# resolved at build time, never written down.
kernel_abi() {
  local flavour=${1:-arm64} arch=${2:-arm64} abi
  # apt's lists from an earlier run are enough; update only when they do not know the package.
  abi=$(apt-cache "${APT_ARCH[@]}" depends "linux-image-$flavour:$arch" 2>/dev/null \
    | sed -n "s/.*Depends: linux-image-\([0-9][^:]*\)-$flavour.*/\1/p" | head -n1)
  if [ -z "$abi" ]; then
    apt_update
    abi=$(apt-cache "${APT_ARCH[@]}" depends "linux-image-$flavour:$arch" 2>/dev/null \
      | sed -n "s/.*Depends: linux-image-\([0-9][^:]*\)-$flavour.*/\1/p" | head -n1)
  fi
  printf '%s\n' "$abi"
}
