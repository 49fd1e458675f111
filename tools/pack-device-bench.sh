#!/usr/bin/env bash
# Packs what the GPU benchmark needs on the device machine (which has
# PyTorch but no Node) into .gpu/ and .gl/ (both git-ignored):
#   .gpu/node.xz          this machine's node binary
#   .gpu/gpu-bench.mjs    runtime/src/bench/gpu.ts, bundled (webgpu external)
#   .gpu/node_modules/webgpu  Dawn for linux-x64 only
#   .gpu/sv_fixtures.py   the PyTorch definitions (--bench-gpu: eager and torch.compile)
#   .gl/*.deb             the Vulkan/GL loaders
# Then run on the device, carrying .gpu and .gl:
#   for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig;
#   mkdir -p /tmp/n && xz -dc .gpu/node.xz > /tmp/n/node && chmod +x /tmp/n/node;
#   xz -d .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz;
#   /tmp/n/node .gpu/gpu-bench.mjs 1024 32; python3 .gpu/sv_fixtures.py --bench-gpu 1024 32
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu && mkdir -p .gpu/node_modules/webgpu/dist/linux-x64 .gl
node_modules/.bin/esbuild runtime/src/bench/gpu.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.gpu/gpu-bench.mjs --external:webgpu --log-level=warning
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
xz -T2 -9 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz
xz -T2 -c "$(readlink -f "$(command -v node)")" > .gpu/node.xz
cp tools/sv_fixtures.py .gpu/
if ! ls .gl/*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update -q
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .gpu .gl
