#!/usr/bin/env bash
# Regenerates the README screenshots in docs/screenshots/ from the pages feedfold serves.
#
# Usage: bash docs/screenshots.sh [PATH-TO-FEEDFOLD]
#   The binary is $1, else $FEEDFOLD, else target/release/feedfold (build it first:
#   `cargo build --release`). Needs `chromium` (Debian: apt-get install chromium) and python3.
#
# It copies the bundled config.toml and feeds/ into a temp folder, runs `feedfold serve`
# there on a free loopback port, screenshots the home page, an Arabic and an English article
# (the Arabic one also at phone width), a channel page, a feed opened in a browser, the 404
# page, an article with a translation and an author's page; then adds a draft and
# screenshots the home page of `serve --preview`.
# Every process it starts is stopped on exit; the repository itself is only written to in
# docs/screenshots/.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-${FEEDFOLD:-$repo/target/release/feedfold}}
[[ $bin == /* ]] || bin=$PWD/$bin
[[ -x $bin ]] || { echo "feedfold binary not found: $bin (pass it as \$1 or FEEDFOLD)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "chromium is missing (apt-get install chromium)" >&2; exit 2; }
out=$repo/docs/screenshots
mkdir -p "$out"

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# serve [--preview]: starts feedfold in the temp site, sets $base, waits for /readyz.
serve() {
  local port; port=$(free_port)
  base=http://127.0.0.1:$port
  (cd "$tmp/site" && exec "$bin" -q serve "$@" --listen "127.0.0.1:$port") >>"$tmp/serve.log" 2>&1 &
  pids+=($!); server=$!
  for _ in $(seq 1 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz" || true) == 200 ]] && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  echo "feedfold serve did not become ready; its log:" >&2; cat "$tmp/serve.log" >&2; exit 1
}

stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }

# shot NAME URL [WIDTH,HEIGHT]. Headless Chromium now and then captures before every tile is
# painted (a blank rectangle at the bottom right), so shoot until two captures agree.
shot() {
  local prev="" sum
  for _ in 1 2 3 4 5; do
    timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
      --no-first-run --run-all-compositor-stages-before-draw --user-data-dir="$tmp/chrome" \
      --window-size="${3:-1200,900}" --screenshot="$tmp/shot.png" "$2" >>"$tmp/chromium.log" 2>&1 \
      || { echo "chromium failed on $2; its log:" >&2; tail -20 "$tmp/chromium.log" >&2; exit 1; }
    sum=$(cksum <"$tmp/shot.png")
    if [[ $sum == "$prev" ]]; then mv "$tmp/shot.png" "$out/$1.png"; echo "  $1.png  <- $2"; return; fi
    prev=$sum
  done
  echo "chromium never gave the same picture of $2 twice" >&2; exit 1
}

# article_path LANG CHANNEL [longest]: path of the first item of CHANNEL/feed.json whose
# language (or, without one, its title's script) matches; with `longest`, the fullest one.
article_path() {
  curl -sf "$base/$2/feed.json" | python3 -c '
import json, re, sys, urllib.parse
want, longest = sys.argv[1], sys.argv[2:] == ["longest"]
items = json.load(sys.stdin)["items"]
if longest: items.sort(key=lambda i: -len(i.get("content_html") or ""))
ar = lambda i: re.search("[\u0600-\u06ff]", i.get("title", ""))
for i in items:
    lang = i.get("language") or ""
    if lang.startswith(want) or (not lang and (ar(i) if want == "ar" else not ar(i))):
        print(urllib.parse.urlsplit(i["url"]).path); break
' "$1" ${3:-}
}

mkdir -p "$tmp/site"
cp -p "$repo/config.toml" "$tmp/site/"
cp -Rp "$repo/feeds" "$tmp/site/"  # -p: undated articles keep their files' dates

echo "serving $tmp/site"
serve
ar=$(article_path ar world); en=$(article_path en tech longest)
[[ -n $ar && -n $en ]] || { echo "no Arabic or English article found in the feeds" >&2; exit 1; }
shot home "$base/"
shot article-ar "$base$ar"
shot article-ar-phone "$base$ar" 420,900
shot article-en "$base$en"
shot channel "$base/world/"
shot feed-in-browser "$base/world/rss.xml"
shot not-found "$base/no-such-page"
# The English half of the bundled Arabic and English pair, and its Arabic author's page.
shot article-translated "$base/tech/a-solar-powered-desalination-plant-starts-production-on-the-coast/"
shot author "$base/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/"
stop

cat >"$tmp/site/feeds/world/draft-sample.md" <<'EOF'
---
title: "مسودة: خطة النقل العام الجديدة"
draft: true
---

تعتزم البلدية إطلاق خطة جديدة للنقل العام تضيف ثلاثة خطوط للحافلات السريعة وتمد ساعات
عمل القطارات حتى منتصف الليل، على أن يبدأ التنفيذ مطلع العام المقبل.

وقال مسؤول في إدارة النقل إن الخطة ستعرض على المجلس البلدي الشهر المقبل، وإن آراء السكان
ستجمع عبر استبيان مفتوح قبل اعتماد المسارات النهائية.
EOF
echo "serving the preview"
serve --preview
shot preview "$base/"
stop
echo "wrote $(ls "$out" | wc -l) screenshots to $out"
