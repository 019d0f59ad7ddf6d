# Sourced by the headless-Chromium tests, with $source_dir (the source tree)
# and $work (a scratch folder) set: installs Debian's chromium via
# scripts/setup --with-chromium when missing, failing (never skipping) if
# that is impossible, and defines render_dom.

if ! "$source_dir/scripts/setup" --with-chromium >"$work/setup.log" 2>&1 ||
   ! command -v chromium >/dev/null; then
  cat "$work/setup.log" >&2
  echo "FAIL: chromium is not installed and scripts/setup --with-chromium could not install it" >&2
  exit 1
fi

# Renders page $1 headless and writes its DOM, after scripts ran, to $2.
render_dom() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --dump-dom "file://$1" >"$2" 2>"$work/chromium.log" || {
    cat "$work/chromium.log" >&2
    echo "FAIL: chromium could not render $1" >&2
    exit 1
  }
}
