import http from 'node:http';

/**
 * A keep-alive HTTP/1.1 client for the load generator: node:http with one socket per
 * concurrent worker, so connection set-up is not what gets measured. Traffic goes only to the
 * server the benchmark started (127.0.0.1).
 */
export function httpClient(baseUrl: string, sockets: number, headers: Record<string, string> = {}) {
  const url = new URL(baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`benchmarks only talk to 127.0.0.1, not ${url.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const request = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    request,
    /** A request that must answer `status`, or the phase fails with what the server said. */
    expect: async (status: number, method: string, path: string, body?: unknown) => {
      const res = await request(method, path, body);
      if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, expected ${status}: ${res.body.slice(0, 500)}`);
      return res;
    },
    close: () => agent.destroy(),
  };
}
