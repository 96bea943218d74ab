/**
 * A stand-in OpenAI-compatible chat-completions server (the real LLM cannot be had in tests): a node
 * `http` server on 127.0.0.1 that holds to the public contract — `POST /v1/chat/completions` with a Bearer
 * key, a JSON body with `model`, `messages` (role/content) and `response_format` — and answers from a
 * script, one entry per request: a message content (valid, malformed or schema-violating JSON), an HTTP
 * status (429 with Retry-After, 500), or a hang (the client's timeout). Every request is kept for asserts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Scripted =
  | { content: string }
  | { status: number; retryAfter?: string; body?: string }
  | { hang: true };

export interface StandInRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } };
  };
}

export interface OpenAiStandIn {
  baseUrl: string;
  requests: StandInRequest[];
  /** Answers still to give; when empty, the server answers 500 (a test asked more than it scripted). */
  script(...answers: Scripted[]): void;
  close(): Promise<void>;
}

export async function startOpenAiStandIn(key: string): Promise<OpenAiStandIn> {
  const queue: Scripted[] = [];
  const requests: StandInRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, type: string) =>
    send(res, status, { error: { message, type, param: null, code: null } });

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      return error(res, 404, `no route ${req.method} ${req.url}`, "invalid_request_error");
    }
    if (req.headers.authorization !== `Bearer ${key}`) {
      return error(res, 401, "Incorrect API key provided", "invalid_request_error");
    }
    let body: StandInRequest["body"];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return error(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    const messagesOk =
      Array.isArray(body.messages) &&
      body.messages.length > 0 &&
      body.messages.every(
        (m) => ["system", "user", "assistant"].includes(m.role) && typeof m.content === "string",
      );
    if (typeof body.model !== "string" || !messagesOk) {
      return error(res, 400, "'model' and 'messages' are required", "invalid_request_error");
    }
    const format = body.response_format;
    if (
      format &&
      (format.type !== "json_schema" || !format.json_schema?.name || !format.json_schema.schema)
    ) {
      return error(res, 400, "response_format json_schema needs name and schema", "invalid_request_error");
    }
    requests.push({ authorization: req.headers.authorization, body });
    const next = queue.shift();
    if (!next) return error(res, 500, "the stand-in has no scripted answer left", "server_error");
    if ("hang" in next) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if ("status" in next) {
      return send(
        res,
        next.status,
        next.body ?? { error: { message: "Rate limit reached", type: "rate_limit_exceeded" } },
        next.retryAfter ? { "retry-after": next.retryAfter } : {},
      );
    }
    send(res, 200, {
      id: `chatcmpl-${requests.length}`,
      object: "chat.completion",
      created: 1_700_000_000 + requests.length,
      model: body.model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: next.content } }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => queue.push(...answers),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
