// The floor for any gateway that reads what it forwards: a Worker that parses the client's JSON body, sets the
// upstream model, calls UPSTREAM with a timeout signal, checks the answer is JSON and returns it. No routing, no
// config, no auth, no tracing. bench/variants.mjs serves it next to the bare Worker and tracegate, so the share of
// the bare Worker's throughput left to everything tracegate does beyond parsing is visible.
interface Env {
  UPSTREAM: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const body = JSON.parse(await request.text()) as Record<string, unknown>;
    body.model = String(body.model).replace(/^bench\//, "");
    const upstream = await fetch(`${env.UPSTREAM}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(600_000),
    });
    const text = await upstream.text();
    JSON.parse(text);
    return new Response(text, { status: upstream.status, headers: { "content-type": "application/json" } });
  },
} satisfies ExportedHandler<Env>;
