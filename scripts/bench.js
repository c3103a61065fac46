#!/usr/bin/env node
// `npm run bench`: runs the TypeScript benchmark through tsx, so a checkout needs no compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/bench/main.ts');
await main(process.argv.slice(2));
