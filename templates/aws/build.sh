#!/usr/bin/env bash
# Builds the one artifact the three functions share: Hosts.Aws published as Native AOT for Lambda's arm64
# provided.al2023, its executable renamed to bootstrap (the name that runtime starts) beside the native libraries it
# loads (librdkafka). template.yaml's CodeUri points at the folder this writes.
#
#   bash templates/aws/build.sh [rid=linux-arm64]
#
# Native AOT cannot cross-compile between operating systems, and across architectures it needs that architecture's
# linker and sysroot: build on an arm64 Linux machine (or CI runner), or pass linux-x64 and change the template's
# Architectures and layer to x86_64.
set -euo pipefail
cd "$(dirname "$0")/../.."
rid=${1:-linux-arm64}
publish=artifacts/aws/publish
function=artifacts/aws/function
rm -rf "$publish" "$function"
dotnet publish src/Hosts.Aws -c Release -r "$rid" -p:PublishAot=true -o "$publish" -nologo
mkdir -p "$function"
cp "$publish/GameBackend.Hosts.Aws" "$function/bootstrap"
find "$publish" -maxdepth 1 -name '*.so*' -exec cp {} "$function/" \;
echo "$function: $(ls "$function" | tr '\n' ' ')"
