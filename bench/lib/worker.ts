import { fork, type ChildProcess } from 'node:child_process';

/**
 * A benchmark's helper process (the n3sp server, or the baseline driving the database
 * directly), called from the runner over Node's IPC channel. Keeping each in its own process
 * lets its resident memory be read on its own, and keeps the load generator's work out of it.
 */
export interface Worker {
  pid: number;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Asks the worker to close (its `close` handler), then waits for it to exit. */
  stop(): Promise<void>;
}

type Reply = { id: number; result?: unknown; error?: string };

export async function forkWorker(modulePath: string | URL, options: { env?: NodeJS.ProcessEnv; stdout?: 'inherit' | 'ignore' } = {}): Promise<Worker> {
  // N3SP_BENCH_CPU_PROF=<folder>: each worker writes a V8 CPU profile there when it stops.
  const profile = process.env.N3SP_BENCH_CPU_PROF;
  const child: ChildProcess = fork(modulePath instanceof URL ? modulePath.pathname : modulePath, [], {
    execArgv: [...process.execArgv, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    env: { ...process.env, ...options.env },
    // Inherits --import tsx from the runner, so the worker is TypeScript too.
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
    // Structured clone, so latency arrays cross as Float64Arrays.
    serialization: 'advanced',
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: Reply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`worker ${modulePath} exited (${code ?? signal})`));
    pending.clear();
  });
  const call = <T>(method: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`worker ${modulePath} is not running`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, args });
    });
  await call('ping');
  return {
    pid: child.pid!,
    call,
    stop: async () => {
      if (child.exitCode === null && child.connected) {
        await call('close').catch(() => undefined);
        child.disconnect();
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The worker's side: answers calls with its handlers; `ping` and `memory` come built in. */
export function serveWorker(handlers: Record<string, (...args: any[]) => unknown>): void {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  sampler.unref();
  const builtIn: Record<string, (...args: any[]) => unknown> = {
    ping: () => 'pong',
    /** Resident memory now and its peak since the last `resetPeak`, in bytes. */
    memory: () => {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      return { rss, peakRss: peak };
    },
    resetPeak: () => {
      peak = process.memoryUsage().rss;
    },
  };
  const all = { ...builtIn, ...handlers };
  process.on('message', async (message: { id: number; method: string; args: unknown[] }) => {
    try {
      const handler = all[message.method];
      if (!handler) throw new Error(`no handler ${message.method}`);
      const result = await handler(...message.args);
      process.send?.({ id: message.id, result: result ?? null });
    } catch (error) {
      process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
