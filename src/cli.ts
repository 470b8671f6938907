#!/usr/bin/env node
// The program: the command line's exit code for these arguments (everything else is in src/cli/main.ts).
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
