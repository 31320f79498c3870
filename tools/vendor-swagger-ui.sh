#!/usr/bin/env bash
# Refreshes static/vendor/swagger-ui/ from the npm registry: the files `/docs/api` serves from our
# own origin (no CDN). Pin the version here; the server embeds the files at build time.
#   bash tools/vendor-swagger-ui.sh            # the pinned version
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=5.35.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null && tar xzf swagger-ui-dist-*.tgz)
dest=static/vendor/swagger-ui
mkdir -p "$dest"
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$work/package/$f" "$dest/$f"
done
echo "swagger-ui-dist@$VERSION" > "$dest/VERSION"
echo "vendored swagger-ui-dist@$VERSION into $dest"
