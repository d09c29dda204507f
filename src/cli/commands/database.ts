import { loadConfig } from '../../core/config.ts';
import { openDatabase } from '../../core/db/database.ts';
import { migrate } from '../../core/db/migrate.ts';
import { counted } from '../../domain/words.ts';

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(database.db, (name) => console.log(`applied ${name}`));
    console.log(applied.length ? `${counted(applied.length, 'migration')} applied` : 'database is up to date');
  } finally {
    await database.close();
  }
}
