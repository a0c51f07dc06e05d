#!/usr/bin/env bash
# Provides a JDK 21 on a Debian 12 machine, whose own packages have none, and prints its home.
#
# Debian 13's openjdk-21-jdk-headless is built against a newer C library than Debian 12 has, so it
# is unpacked together with Debian 13's own libc6 into a private folder, and its ELF files are
# pointed at that C library (patchelf). Nothing is installed system-wide except patchelf (a Debian
# 12 package) when it is missing; nothing is downloaded but Debian packages, from the Debian
# registry this machine's apt is already configured with. Idempotent: a JDK already provided is
# reused; a half-made one is never used (it is built aside and renamed when it works).
#
#   scripts/provide-jdk21.sh        prints the JDK's home, e.g. /var/cache/page-owner/jdk21/jdk
#
# Where: $PAGEOWNER_CACHE, folder jdk21; by default /var/cache/page-owner for root (so that the tests
# can run it as another user too: root's home is not theirs to read), else ~/.cache/page-owner.
set -euo pipefail

default_cache() {
  if [ "$(id -u)" -eq 0 ]; then
    echo /var/cache/page-owner
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/page-owner"
  fi
}
cache="${PAGEOWNER_CACHE:-$(default_cache)}"
dest="$cache/jdk21"
home="$dest/jdk"
suite="${PAGEOWNER_JDK21_SUITE:-trixie}"
# NOTE: raise when the way the JDK is made changes, so that one made the old way is made again.
recipe=2

fail() {
  echo "provide-jdk21.sh: $*" >&2
  exit 1
}

works() { # whether $1/bin/java runs and is a 21
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] &&
    "$1/bin/java" -version 2>&1 | grep -q 'version "21[."]'
}

provided() {
  works "$home" && [ "$(cat "$dest/recipe" 2>/dev/null)" = "$recipe" ]
}

if provided; then
  echo "$home"
  exit 0
fi
mkdir -p "$cache"
chmod 755 "$cache"
# NOTE: two test runs at once make it once: the second waits, then finds it made.
exec 9>"$cache/.jdk21.lock"
flock 9
if provided; then
  echo "$home"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "needs apt-get (a Debian machine)"
command -v dpkg >/dev/null 2>&1 || fail "needs dpkg"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd="sudo"
if ! command -v patchelf >/dev/null 2>&1; then
  echo "provide-jdk21.sh: installing patchelf with apt-get" >&2
  $sudo_cmd apt-get update -qq >&2 || true
  $sudo_cmd apt-get install -y -qq patchelf >&2 || fail "could not install patchelf"
fi

# The Debian registry this machine already uses, read from its apt configuration.
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
  [ -n "$uri" ] && break
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list)
fi
[ -n "$uri" ] || fail "no Debian registry found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "no $keyring (package debian-archive-keyring)"

work=$(mktemp -d "$cache/.jdk21-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/archives/partial" "$work/root"
cat >"$work/parts/$suite.sources" <<EOF
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: $keyring
EOF
apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/parts"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::Cache::archives=$work/archives"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)"
)
echo "provide-jdk21.sh: downloading openjdk-21-jdk-headless and libc6 of Debian $suite into $dest" >&2
apt-get -qq "${apt_opts[@]}" update >&2 || fail "apt-get update of Debian $suite failed"
(cd "$work/archives" && apt-get -qq "${apt_opts[@]}" download \
  openjdk-21-jre-headless openjdk-21-jdk-headless libc6 >&2) || fail "apt-get download failed"
for deb in "$work"/archives/*.deb; do
  dpkg -x "$deb" "$work/root"
done

root="$work/root"
jvm="$root/usr/lib/jvm/java-21-openjdk-amd64"
[ -d "$jvm" ] || fail "the package did not unpack to usr/lib/jvm/java-21-openjdk-amd64"
libc="$root/usr/lib/x86_64-linux-gnu"
[ -e "$libc/ld-linux-x86-64.so.2" ] || fail "libc6 has no ld-linux-x86-64.so.2"

# Debian's JDK links its conf files and some libraries to /etc/java-21-openjdk: point them into the root.
while IFS= read -r link; do
  target=$(readlink "$link")
  case "$target" in
    /*) [ -e "$root$target" ] && ln -sfn "$root$target" "$link" ;;
  esac
done < <(find "$jvm" -type l)

# The final paths, so that the ELF files name where they will live, not the work folder.
final_root="$dest/root"
final_libc="$final_root/usr/lib/x86_64-linux-gnu"
# NOTE: every program, not only bin/: the JDK starts lib/jspawnhelper for each child process.
while IFS= read -r elf; do
  head -c 4 "$elf" | grep -q 'ELF' || continue
  if patchelf --print-interpreter "$elf" >/dev/null 2>&1; then
    patchelf --set-interpreter "$final_libc/ld-linux-x86-64.so.2" \
      --set-rpath "$final_libc:\$ORIGIN/../lib:\$ORIGIN/../lib/server:\$ORIGIN:\$ORIGIN/server" "$elf"
  elif [[ "$elf" == *.so ]]; then
    patchelf --add-rpath "$final_libc" "$elf"
  fi
done < <(find "$jvm/bin" "$jvm/lib" -type f)
# The links into the root, likewise, by their final path.
while IFS= read -r link; do
  target=$(readlink "$link")
  case "$target" in
    "$root"/*) ln -sfn "$final_root${target#"$root"}" "$link" ;;
  esac
done < <(find "$jvm" -type l)

rm -rf "$dest.old"
[ -e "$dest" ] && mv "$dest" "$dest.old"
mkdir -p "$dest"
chmod -R u+rwX,go+rX "$root"
chmod 755 "$dest"
mv "$root" "$final_root"
ln -sfn "$final_root/usr/lib/jvm/java-21-openjdk-amd64" "$home"
rm -rf "$dest.old"
echo "$recipe" >"$dest/recipe"
works "$home" || fail "the JDK 21 made in $dest does not run: $("$home/bin/java" -version 2>&1 | head -3)"
echo "$home"
