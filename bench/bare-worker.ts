// The platform's floor: a Worker that forwards each request to UPSTREAM (same path, method, headers, body) and
// returns the upstream response's body unchanged. Built with wrangler and run on workerd next to tracegate.
interface Env {
  UPSTREAM: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const upstream = await fetch(env.UPSTREAM + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  },
} satisfies ExportedHandler<Env>;
