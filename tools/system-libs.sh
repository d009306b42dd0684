#!/bin/sh
# Checks the system libraries WeasyPrint needs; installs them with apt-get when run as root,
# otherwise prints the exact command to run and fails.
#   sh tools/system-libs.sh            what `make` needs
#   sh tools/system-libs.sh --browser  also Chromium, for the browser tests of the web app and
#                                      the --html preview (CI); building PDFs never needs it
set -eu

if [ "${1:-}" = "--browser" ]; then
    sh "$0"
    [ -x /usr/bin/chromium ] && exit 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Chromium for the browser tests"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        exit 0
    fi
    echo "Missing: Chromium, for the web app's browser tests. Install it with:" >&2
    echo "    sudo apt-get install -y chromium" >&2
    exit 1
fi

APT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk"

if [ "$(uname -s)" = "Darwin" ]; then
    if command -v brew >/dev/null 2>&1 && brew list pango >/dev/null 2>&1; then
        exit 0
    fi
    echo "Missing system libraries: Pango (with HarfBuzz). Install them with:" >&2
    echo "    brew install pango" >&2
    exit 1
fi

missing=""
has_lib() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$1"; }
has_lib "libpango-1.0.so.0" || missing="$missing libpango-1.0-0"
has_lib "libpangoft2-1.0.so.0" || missing="$missing libpangoft2-1.0-0"
# Without harfbuzz-subset WeasyPrint falls back to fontTools: ~10x slower font subsetting.
has_lib "libharfbuzz-subset.so.0" || missing="$missing libharfbuzz-subset0"
# Fallback fonts for names Atkinson Hyperlegible cannot set (the font-family stack in
# styles/print.css names each one): Noto Sans for Vietnamese, Greek and Cyrillic and one Noto font
# per script from Armenian to Ethiopic (fonts-noto-core, ~42 MB), Noto Sans CJK for Chinese,
# Japanese and Korean (~91 MB), DejaVu Sans last for symbols. One file stands for each package.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
[ -e /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf ] || missing="$missing fonts-noto-core"
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$missing fonts-noto-cjk"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system libraries:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $APT_PACKAGES >/dev/null
    exit 0
fi

echo "Missing system libraries:$missing" >&2
echo "Install them with:" >&2
echo "    sudo apt-get install -y $APT_PACKAGES" >&2
echo "then run make again." >&2
exit 1
