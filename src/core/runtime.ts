import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase, type OpenOptions } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { Journal } from './journal/journal.ts';
import { JournalChainer } from './journal/chain.ts';
import { PrincipalCache } from './auth/principal-cache.ts';
import { JobWorker, type JobWorkerOptions } from './jobs/worker.ts';

export interface Runtime extends AppContext {
  /** Runs due background jobs; absent when opened with `jobs: false` (CLI commands). */
  jobs?: JobWorker;
  close(): Promise<void>;
}

/**
 * Opens the database named by the configuration, brings its schema up to date and starts the
 * journal chainer (which first catches up anything a crash left unchained) and the job worker.
 */
export async function openRuntime(
  config: Config,
  options: Partial<OpenOptions> & { migrate?: boolean; chainer?: boolean; jobs?: false | JobWorkerOptions } = {},
): Promise<Runtime> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, ...options });
  if (options.migrate !== false) await migrate(database.db);
  const chainer = new JournalChainer(database.db);
  if (options.chainer !== false) chainer.start();
  const rt: Runtime = {
    db: database.db,
    engine: database.engine,
    config,
    journal: new Journal(config.auditKey),
    chainer,
    principals: new PrincipalCache(),
    close: async () => {
      await rt.jobs?.stop();
      await chainer.stop();
      await database.close();
    },
  };
  if (options.jobs !== false) {
    rt.jobs = new JobWorker(rt, options.jobs);
    rt.jobs.start();
  }
  return rt;
}
