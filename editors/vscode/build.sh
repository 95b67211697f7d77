#!/usr/bin/env bash
# Build the VS Code extension: install the pinned node packages (package-lock.json), compile
# the TypeScript and package okr-lsp.vsix. Needs node >= 20 and npm's registry.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install tsc -p ./
npx --no-install vsce package --out okr-lsp.vsix
echo "built editors/vscode/okr-lsp.vsix"
