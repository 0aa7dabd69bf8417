#!/usr/bin/env node
// The compiled CLI lives in dist/, bundled into dist/bundle/ (both built by `npm install` through
// the `prepare` script; see rolldown.config.mjs).
import { main } from '../dist/bundle/cli.js';

process.exitCode = await main(process.argv.slice(2));
