#!/usr/bin/env bash
# Regenerates the sticker set from Twemoji's graphics (CC-BY 4.0) in the npm package
# @twemoji/svg: copies the pictures listed in assets/stickers/stickers.tsv into
# assets/stickers/ and writes src/stickers/catalog.rs, which compiles them into the
# program. Nothing is downloaded when Clipwright runs.
#
#   scripts/update-stickers.sh            # uses npm pack (the npm registry)
#   scripts/update-stickers.sh DIR        # uses an unpacked package in DIR instead
set -euo pipefail

PACKAGE="@twemoji/svg@15.0.0"
root=$(cd "$(dirname "$0")/.." && pwd)
list="$root/assets/stickers/stickers.tsv"
out_dir="$root/assets/stickers"
catalog="$root/src/stickers/catalog.rs"

die() { echo "update-stickers: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ $# -ge 1 ]]; then
    pkg=$1
else
    command -v npm >/dev/null || die "npm is needed (apt-get install npm)"
    (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
    tar -xzf "$work"/twemoji-svg-*.tgz -C "$work"
    pkg="$work/package"
fi
[[ -d "$pkg" ]] || die "$pkg is not a folder"

# Start from an empty set, so a sticker taken off the list goes too.
find "$out_dir" -maxdepth 1 -name '*.svg' -delete
{
    echo "//! The sticker set, written by \`scripts/update-stickers.sh\` from"
    echo "//! \`assets/stickers/stickers.tsv\` and Twemoji's graphics ($PACKAGE, CC-BY 4.0):"
    echo "//! edit the list and run the script rather than this file."
    echo
    echo "use super::Sticker;"
    echo "use crate::timeline::FaceAnchor::{Centre, Eyes, HeadTop, Mouth, Nose};"
    echo
    echo "/// A sticker from its picture's file name (in \`assets/stickers/\`), name, pin and words."
    echo "macro_rules! sticker {"
    echo "    (\$file:literal, \$name:literal, \$pin:ident, \$words:literal) => {"
    echo "        Sticker {"
    echo "            name: \$name,"
    echo "            words: \$words,"
    echo "            pin: \$pin,"
    echo "            svg: include_str!(concat!(\"../../assets/stickers/\", \$file, \".svg\")),"
    echo "        }"
    echo "    };"
    echo "}"
    echo
    echo "/// Every sticker, in the order the gallery shows them: one a line, as in the list."
    echo "#[rustfmt::skip]"
    echo "pub(super) const STICKERS: &[Sticker] = &["
} >"$catalog"
count=0
while IFS=$'\t' read -r file name pin words; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    [[ -f "$pkg/$file.svg" ]] || die "$PACKAGE has no $file.svg (for $name)"
    case "$pin" in
        head) anchor=HeadTop ;; eyes) anchor=Eyes ;; nose) anchor=Nose ;;
        mouth) anchor=Mouth ;; face) anchor=Centre ;;
        *) die "$name: pin must be head, eyes, nose, mouth or face, not '$pin'" ;;
    esac
    cp "$pkg/$file.svg" "$out_dir/$file.svg"
    echo "    sticker!(\"$file\", \"$name\", $anchor, \"$words\")," >>"$catalog"
    count=$((count + 1))
done <"$list"
echo "];" >>"$catalog"
echo "update-stickers: $count stickers from $PACKAGE into $out_dir and $catalog"
