import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager, 0.25) on 127.0.0.1, configured
 * to send its webhooks to a test's n3sp. Clustering is off; its storage is a temporary folder.
 */
export const ALERTMANAGER_BINARY = ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager', '/usr/local/bin/alertmanager'].find((p) => existsSync(p));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningAlertmanager {
  url: string;
  /** Posts alerts to Alertmanager's own API (v2), as Prometheus does. */
  postAlerts(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startAlertmanager(options: { webhookUrl: string; token: string; groupWait?: string; groupInterval?: string }): Promise<RunningAlertmanager> {
  if (!ALERTMANAGER_BINARY) throw new Error('prometheus-alertmanager is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'n3sp-alertmanager-'));
  const port = await freePort();
  const config = [
    'route:',
    '  receiver: n3sp',
    "  group_by: ['alertname']",
    `  group_wait: ${options.groupWait ?? '1s'}`,
    `  group_interval: ${options.groupInterval ?? '1s'}`,
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: n3sp',
    '    webhook_configs:',
    `      - url: '${options.webhookUrl}'`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: '${options.token}'`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  let output = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=debug'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${output}`);
    try {
      const ready = await fetch(`${url}/-/ready`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager did not become ready: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((a) => ({ generatorURL: 'http://prometheus.test/graph', annotations: {}, ...a }))) });
      if (!response.ok) throw new Error(`alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    stop,
    log: () => output,
  };
}
