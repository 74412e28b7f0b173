#!/usr/bin/env bash
# System packages govhall needs beyond Python: CJK fonts (PDF notices: a sans and a serif face), poppler (PDF
# checks in tests), gettext (compiling translations), Debian's chromium (browser tests), wrk (make bench). Installed when missing and running as root; otherwise say what to install.
set -euo pipefail
missing=()
fc-list 2>/dev/null | grep -q "WenQuanYi Micro Hei" || missing+=(fonts-wqy-microhei)
# A serif (Ming/Song) Chinese face for the body of the written notices; without it they fall back to WenQuanYi.
fc-list 2>/dev/null | grep -q "AR PL UMing" || missing+=(fonts-arphic-uming)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v wrk >/dev/null || missing+=(wrk)
command -v chromium >/dev/null || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "govhall needs these system packages; install them, e.g.:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
