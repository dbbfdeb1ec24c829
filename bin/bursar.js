#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly.
import '../src/cli/main.ts';
