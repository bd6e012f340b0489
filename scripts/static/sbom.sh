#!/usr/bin/env bash
# scripts/static/sbom.sh SYSROOT OUT VERSION — write OUT/sbom.cdx.json, a
# CycloneDX 1.5 SBOM of the static build: every library linked into the
# tools of OUT/bin (from SYSROOT/manifest.tsv, written by deps.sh: name,
# Debian source version, SPDX licence, source package, note) and musl.
# Deterministic: no timestamp but the commit's (SOURCE_DATE_EPOCH).
set -euo pipefail
root=$1 out=$2 version=$3
manifest=$root/manifest.tsv
[ -r "$manifest" ] || { echo "sbom: $manifest missing" >&2; exit 3; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
stamp=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

# JSON string escaping for the few characters that can occur here
js() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

{
	printf '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.5",\n  "version": 1,\n'
	printf '  "metadata": {\n    "timestamp": %s,\n' "$(js "$stamp")"
	printf '    "component": {"type": "application", "bom-ref": "gsa", "name": "gsa", "version": %s},\n' "$(js "$version")"
	printf '    "properties": [{"name": "gsa:tools", "value": %s}]\n  },\n' "$(js "$(cd "$out/bin" && ls | tr '\n' ' ' | sed 's/ $//')")"
	printf '  "components": [\n'
	sep=
	while IFS=$'\t' read -r name ver lic src note; do
		purl="pkg:deb/debian/$src@${ver//:/%3A}?arch=source&distro=bookworm"
		if [[ $lic == *" "* ]]; then licj="{\"expression\": $(js "$lic")}"
		elif [[ $lic == LicenseRef-* ]]; then licj="{\"license\": {\"name\": $(js "${lic#LicenseRef-}")}}"
		else licj="{\"license\": {\"id\": $(js "$lic")}}"; fi
		props=
		[ -n "${note:-}" ] && props=", \"properties\": [{\"name\": \"gsa:note\", \"value\": $(js "$note")}]"
		printf '%s    {"type": "library", "bom-ref": %s, "name": %s, "version": %s, "purl": %s, "licenses": [%s]%s}' \
			"$sep" "$(js "$name")" "$(js "$name")" "$(js "$ver")" "$(js "$purl")" "$licj" "$props"
		sep=$',\n'
	done <"$manifest"
	printf '\n  ],\n  "dependencies": [{"ref": "gsa", "dependsOn": [%s]}]\n}\n' \
		"$(cut -f1 "$manifest" | while read -r n; do js "$n"; printf ', '; done | sed 's/, $//')"
} >"$out/sbom.cdx.json.tmp"
mv "$out/sbom.cdx.json.tmp" "$out/sbom.cdx.json"
echo "sbom: $out/sbom.cdx.json ($(wc -l <"$manifest") libraries)" >&2
