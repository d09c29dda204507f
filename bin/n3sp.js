#!/usr/bin/env node
// n3sp is written in TypeScript and run directly through tsx; there is no separate build of the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
