import { loadConfig } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { buildApp } from './app.ts';

/** The OpenAPI document as the routes define it, as stable, pretty-printed JSON. */
export async function generateOpenApi(): Promise<string> {
  const rt = await openRuntime({ ...loadConfig({ N3SP_AUDIT_KEY: 'openapi', N3SP_DATA_DIR: 'memory://' }), databaseUrl: undefined, dataDir: 'memory://' }, { chainer: false });
  try {
    const app = await buildApp(rt);
    await app.ready();
    const document = JSON.stringify(app.swagger(), null, 2) + '\n';
    await app.close();
    return document;
  } finally {
    await rt.close();
  }
}
