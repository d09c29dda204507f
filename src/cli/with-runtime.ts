import { loadConfig } from '../core/config.ts';
import { openRuntime, type Runtime } from '../core/runtime.ts';
import { chainAll } from '../core/journal/chain.ts';

/** Opens the configured database for one command, and links what it journalled before closing. */
export async function withRuntime(work: (rt: Runtime) => Promise<void>): Promise<void> {
  const rt = await openRuntime(loadConfig(), { chainer: false, jobs: false });
  try {
    await work(rt);
    await chainAll(rt.db);
  } finally {
    await rt.close();
  }
}

export function generatedPassword(): string {
  return `n3sp-${crypto.randomUUID().slice(0, 18)}`;
}
