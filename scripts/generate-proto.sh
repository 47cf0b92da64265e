#!/usr/bin/env bash
# Regenerates Sources/BoxOfficeProto/boxoffice.pb.swift from proto/boxoffice.proto.
#
#   scripts/generate-proto.sh          write the generated code
#   scripts/generate-proto.sh --check  exit 1 if the committed code differs from a fresh generation
#
# Needs protoc (Debian: protobuf-compiler). protoc-gen-swift is taken from $PATH, or built from the
# swift-protobuf version this package resolves (once, into .build-protoc/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

command -v protoc >/dev/null || { echo "protoc is missing: apt-get install protobuf-compiler" >&2; exit 1; }

plugin=$(command -v protoc-gen-swift || true)
if [ -z "$plugin" ]; then
  swift build -c release --scratch-path .build-protoc --product protoc-gen-swift >&2
  plugin="$root/.build-protoc/release/protoc-gen-swift"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" \
  --swift_opt=Visibility=Public \
  --swift_out="$out" -I proto proto/boxoffice.proto

target=Sources/BoxOfficeProto/boxoffice.pb.swift
if [ "${1:-}" = "--check" ]; then
  if ! diff -q "$out/boxoffice.pb.swift" "$target" >/dev/null; then
    echo "$target is stale: run scripts/generate-proto.sh and commit the result" >&2
    exit 1
  fi
  echo "generated code is up to date"
else
  cp "$out/boxoffice.pb.swift" "$target"
  echo "wrote $target"
fi
