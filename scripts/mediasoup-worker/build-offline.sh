#!/usr/bin/env bash
# Builds mediasoup's C++ worker without internet access, from Debian packages.
#
# mediasoup's own build downloads its C++ dependencies (meson wraps) from the
# internet. Air-gapped hosts (hospitals, schools) cannot do that, so we build
# the same sources against Debian's libraries instead: each subproject is
# replaced by a small folder in ./subprojects that takes the library from the
# system. mediasoup's meson.build and C++ stay untouched.
#
# Usage: build-offline.sh <mediasoup package dir> <output binary path> <tools dir>
# Needs: the Debian packages listed in debian-packages.txt, python3.
set -euo pipefail

mediasoup_dir=$(cd "$1" && pwd)
output=$2
tools_dir=$3
here=$(cd "$(dirname "$0")" && pwd)

# meson >= 1.1 (Debian 12 ships 1.0): a private virtualenv from the Python
# package index (or its local mirror), else bookworm-backports' meson package.
meson_bin="$tools_dir/venv/bin/meson"
if ! "$meson_bin" --version >/dev/null 2>&1; then
  rm -rf "$tools_dir/venv"
  if python3 -m venv "$tools_dir/venv" >/dev/null &&
    "$tools_dir/venv/bin/pip" install --quiet --disable-pip-version-check 'meson>=1.1' ninja >/dev/null 2>&1; then
    :
  else
    echo "pip could not provide meson; taking it from Debian bookworm-backports" >&2
    "$here/meson-from-backports.sh" "$tools_dir/backports"
    meson_bin="$tools_dir/backports/meson"
  fi
fi
[ -x "$meson_bin" ] || meson_bin="$tools_dir/backports/meson"
export PATH="$tools_dir/venv/bin:$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-worker-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

cp -r "$mediasoup_dir/worker" "$work/worker"
cd "$work/worker"
rm -f subprojects/*.wrap
cp -r "$here/subprojects/." subprojects/
for sub in subprojects/*/; do cp "$here/empty.c" "$sub"; done

# One fix to mediasoup's C++, needed with any OpenSSL built with kernel TLS
# (Debian's is; the copy mediasoup downloads is not). mediasoup's BIO callback
# answers 1 to every control call's "return" phase because it compares the
# operation with == instead of testing the BIO_CB_RETURN bit, so OpenSSL's
# BIO_get_ktls_send() on the DTLS write BIO reads "yes", OpenSSL skips
# allocating its write buffer, and the worker dies (SIGSEGV) on the first DTLS
# handshake with a browser. Testing the bit keeps write behaviour identical.
dtls_source=src/RTC/DtlsTransport.cpp
grep -q '(operationType == BIO_CB_RETURN)' "$dtls_source" ||
  { echo "mediasoup's $dtls_source changed: review the BIO callback fix in $0" >&2; exit 1; }
sed -i 's/(operationType == BIO_CB_RETURN)/((operationType \& BIO_CB_RETURN) != 0)/' "$dtls_source"

# liburing off: Debian's 2.3 lacks io_uring_prep_sendto, and it is only an
# optimisation of the send path.
"$meson_bin" setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
  -Dms_disable_liburing=true build >"$work/meson-setup.log" 2>&1 ||
  { tail -n 40 "$work/meson-setup.log" >&2; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
# The generated FlatBuffers headers must exist before any C++ file compiles.
"$meson_bin" compile -C build -j "$jobs" flatbuffers-generator >"$work/compile.log" 2>&1 &&
  "$meson_bin" compile -C build -j "$jobs" mediasoup-worker >>"$work/compile.log" 2>&1 ||
  { tail -n 40 "$work/compile.log" >&2; exit 1; }

mkdir -p "$(dirname "$output")"
cp build/mediasoup-worker "$output.tmp"
strip "$output.tmp" 2>/dev/null || true
mv "$output.tmp" "$output"
