#!/usr/bin/env node
// Entry point of the `cbrain` command. The sources are TypeScript run through tsx's loader,
// so a fresh clone needs no build step before `npm start` or `npx cbrain`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
