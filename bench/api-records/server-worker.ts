// The n3sp server under test, in a process of its own: opened and served as `n3sp serve` does
// (openRuntime, buildApp with request logging at the configured level, listen), on 127.0.0.1 and
// a free port, with an administrator and an API token made for the load generator.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/core/config.ts';
import { openRuntime, type Runtime } from '../../src/core/runtime.ts';
import { buildApp } from '../../src/core/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import { principalFor } from '../../src/core/auth/principals.ts';
import { chainAll, verifyChain } from '../../src/core/journal/chain.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { createToken } from '../../src/modules/identity/service.ts';
import { serveWorker } from '../lib/worker.ts';

let rt: Runtime | undefined;
let app: FastifyInstance | undefined;

serveWorker({
  /**
   * Env as `n3sp serve` reads it (DATABASE_URL, N3SP_DATA_DIR, N3SP_AUDIT_KEY, N3SP_LOG_LEVEL);
   * `poolSize`: the PostgreSQL pool, set to the baseline's so that neither side has more
   * connections than the other.
   */
  start: async (env: Record<string, string>, options: { poolSize?: number } = {}) => {
    const config = loadConfig({ ...process.env, ...env });
    rt = await openRuntime(config, { chainer: false, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
    // The seed's journal entries, unchained as after a crash: linked before anything else
    // writes (a write pokes the chainer), and timed.
    const t0 = performance.now();
    const chained = await chainAll(rt.db);
    const chainMs = performance.now() - t0;
    const user = await createUser(rt, SYSTEM_ACTOR, { username: 'bench', displayName: 'Benchmark', roles: ['administrator'] });
    const token = await createToken(rt, principalFor({ ...user, organisation_ids: [] }, 'token'), user.id, { name: 'bench' });
    rt.chainer.start();
    app = await buildApp(rt, { logger: { level: config.logLevel } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}`, token: token.token, userId: user.id, chained, chainMs };
  },
  /** Journal entries not yet linked into the audit chain. */
  unchained: async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from journal where chain_seq is null`.execute(rt!.db);
    return rows[0]!.n;
  },
  verify: async () => verifyChain(rt!.db, rt!.config.auditKey),
  close: async () => {
    await app?.close();
    await rt?.close();
  },
});
