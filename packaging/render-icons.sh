#!/bin/sh
# Renders the hicolor PNG sizes of the application icon from its SVG. Run by hand after editing
# the SVG, and commit the PNGs: the build and the package install them as they are, so neither
# needs an SVG renderer. Needs rsvg-convert (apt-get install librsvg2-bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=org.packetlens.PacketLens
svg="$here/icons/hicolor/scalable/apps/$name.svg"
command -v rsvg-convert >/dev/null ||
    { echo "render-icons.sh: rsvg-convert missing (apt-get install librsvg2-bin)" >&2; exit 1; }
for size in 16 22 24 32 48 64 128 256; do
    dir="$here/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --format png "$svg" --output "$dir/$name.png"
done
echo "rendered $(ls "$here"/icons/hicolor/*/apps/$name.png | wc -l) PNGs from $svg"
