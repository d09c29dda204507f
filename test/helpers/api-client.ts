import type { FastifyInstance } from 'fastify';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // Tests read response bodies loosely; the schema tests check their shape.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls the API in-process (Fastify's inject): the whole request path, without a socket. */
export class ApiClient {
  constructor(private readonly app: FastifyInstance, private readonly headers: Record<string, string> = {}) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers: { ...this.headers, ...headers, ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}) },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = response.body;
    let parsed: unknown = text;
    if (String(response.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.statusCode, headers: response.headers, body: parsed };
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  patch(url: string, body: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', url, body, headers);
  }
  delete(url: string, headers?: Record<string, string>) {
    return this.request('DELETE', url, undefined, headers);
  }
}
