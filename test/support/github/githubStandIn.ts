/**
 * A stand-in for the subset of GitHub's REST API that intentops uses — refs, pull requests (open, update,
 * merge), issue comments, check runs, commit statuses — stateful, on 127.0.0.1, with the repository itself
 * kept by the real `git http-backend` (test/support/gitHttpServer.ts): refs and commits are read from and
 * written to that bare repository with the real `git` (a merge is `git merge-tree` + `git commit-tree`).
 *
 * Every request and every response is checked against GitHub's published OpenAPI description
 * (openApiContract.ts); what does not hold is collected in `violations`, which tests assert empty. An
 * unknown route, a request the description rejects, an undocumented status or a response body that does
 * not match its schema are all violations. Faults are injected per operation (`inject`) to exercise retries
 * and error paths; a response can be corrupted on purpose (`corrupt`) to show the check catches it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type GitHttpServer, gitCli, gitEnv } from "../gitHttpServer.js";
import {
  type CheckRunState,
  type CommentState,
  checkRunOf,
  commentOf,
  gitRefOf,
  type PullState,
  pullOf,
  type RepoInfo,
  type StatusState,
  statusOf,
  type Urls,
} from "./fixtures.js";
import {
  type MatchedOperation,
  matchOperation,
  type Violation,
  validateRequest,
  validateResponse,
} from "./openApiContract.js";

export interface RepoState {
  info: RepoInfo;
  bare: string;
  pulls: PullState[];
  comments: CommentState[];
  checkRuns: CheckRunState[];
  statuses: StatusState[];
}

export interface HandledRequest {
  operationId: string;
  method: string;
  path: string;
  status: number;
  injected: boolean;
}

export interface GitHubStandIn {
  /** REST API base URL (octokit's `baseUrl`). */
  url: string;
  /** Registers `owner/name` backed by a new bare repository on the git server; returns its clone URL. */
  createRepo(owner: string, name: string): Promise<string>;
  repo(owner: string, name: string): RepoState;
  violations: Violation[];
  requests: HandledRequest[];
  /** The next `times` requests for `operationId` answer `status` (a GitHub error body) instead. */
  inject(operationId: string, status: number, times?: number): void;
  /** The next response of `operationId` is passed through `mutate` before it is sent (contract tests). */
  corrupt(operationId: string, mutate: (body: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  git: GitHttpServer;
  /** token → login. A request without a known token gets 401. */
  tokens: Record<string, string>;
  /** Timestamps of created objects; default a clock that starts at 2026-11-30T10:00:00Z and ticks 1 s. */
  clock?: () => Date;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Handler = (ctx: Ctx) => Promise<Reply> | Reply;
interface Ctx {
  op: MatchedOperation;
  repo: RepoState;
  body: Record<string, unknown>;
  query: URLSearchParams;
  login: string;
}

const DOCS = "https://docs.github.com/rest";
const error = (status: number, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { message, documentation_url: DOCS, ...extra },
});

export async function startGitHubStandIn(options: StandInOptions): Promise<GitHubStandIn> {
  let tick = Date.parse("2026-11-30T10:00:00Z");
  const clock =
    options.clock ??
    (() => {
      tick += 1000;
      return new Date(tick);
    });
  const now = () =>
    clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  const repos = new Map<string, RepoState>();
  const violations: Violation[] = [];
  const requests: HandledRequest[] = [];
  const faults = new Map<string, Array<number>>();
  const corruptions = new Map<string, (body: Record<string, unknown>) => void>();
  let nextId = 1000;
  const userIds = new Map<string, number>();
  const userId = (login: string) => {
    if (!userIds.has(login)) userIds.set(login, 5000 + userIds.size);
    return userIds.get(login)!;
  };
  let urls: Urls = { api: "", web: "http://github.invalid" };

  const git = (repo: RepoState, args: string[], env: NodeJS.ProcessEnv = {}) =>
    gitCli(args, repo.bare, { ...gitEnv(repo.bare), ...env });
  const resolveBranch = async (repo: RepoState, branch: string): Promise<string | undefined> =>
    (
      await git(repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]).catch(() => "")
    ).trim() || undefined;
  /** The tree of merging `head` into `base`, or undefined on conflicts. */
  const mergeTree = async (repo: RepoState, base: string, head: string) => {
    try {
      return (await git(repo, ["merge-tree", "--write-tree", base, head])).split("\n")[0]!.trim();
    } catch {
      return undefined;
    }
  };
  const refreshPull = async (repo: RepoState, pr: PullState) => {
    if (pr.state === "open") {
      pr.head.sha = (await resolveBranch(repo, pr.head.ref)) ?? pr.head.sha;
      pr.base.sha = (await resolveBranch(repo, pr.base.ref)) ?? pr.base.sha;
      pr.mergeable = (await mergeTree(repo, pr.base.sha, pr.head.sha)) !== undefined;
    }
    return pullOf(urls, repo.info, userId(repo.info.owner), pr);
  };
  const findPull = (repo: RepoState, number: string) => repo.pulls.find((p) => p.number === Number(number));

  const handlers: Record<string, Handler> = {
    "git/get-ref": async ({ repo, op }) => {
      const ref = op.params.ref!;
      const sha = ref.startsWith("heads/") ? await resolveBranch(repo, ref.slice(6)) : undefined;
      return sha
        ? { status: 200, body: gitRefOf(urls, repo.info, `refs/${ref}`, sha) }
        : error(404, "Not Found");
    },
    "git/create-ref": async ({ repo, body }) => {
      const ref = String(body.ref);
      const sha = String(body.sha);
      if (!/^refs\/heads\/./.test(ref)) return error(422, "Reference name must start with 'refs/heads/'");
      try {
        await git(repo, ["update-ref", ref, sha, ""]);
      } catch {
        return error(422, "Reference already exists");
      }
      return { status: 201, body: gitRefOf(urls, repo.info, ref, sha) };
    },
    "pulls/create": async ({ repo, body, login }) => {
      const head = String(body.head).replace(/^[^:]+:/, "");
      const base = String(body.base);
      const headSha = await resolveBranch(repo, head);
      const baseSha = await resolveBranch(repo, base);
      if (!headSha || !baseSha) {
        return error(422, "Validation Failed", {
          errors: [{ resource: "PullRequest", field: headSha ? "base" : "head", code: "invalid" }],
        });
      }
      if (repo.pulls.some((p) => p.state === "open" && p.head.ref === head && p.base.ref === base)) {
        return error(422, "Validation Failed", {
          errors: [
            {
              resource: "PullRequest",
              code: "custom",
              message: `A pull request already exists for ${head}.`,
            },
          ],
        });
      }
      const at = now();
      const pr: PullState = {
        number: repo.pulls.length + 1,
        id: nextId++,
        title: String(body.title ?? head),
        body: typeof body.body === "string" ? body.body : null,
        state: "open",
        head: { ref: head, sha: headSha },
        base: { ref: base, sha: baseSha },
        user: login,
        userId: userId(login),
        createdAt: at,
        updatedAt: at,
        closedAt: null,
        mergedAt: null,
        mergeCommitSha: null,
        mergedBy: null,
        mergeable: null,
        comments: 0,
      };
      repo.pulls.push(pr);
      return { status: 201, body: await refreshPull(repo, pr) };
    },
    "pulls/get": async ({ repo, op }) => {
      const pr = findPull(repo, op.params.pull_number!);
      return pr ? { status: 200, body: await refreshPull(repo, pr) } : error(404, "Not Found");
    },
    "pulls/list": async ({ repo, query }) => {
      const state = query.get("state") ?? "open";
      const list = repo.pulls.filter((p) => state === "all" || p.state === state);
      return { status: 200, body: await Promise.all(list.map((p) => refreshPull(repo, p))) };
    },
    "pulls/update": async ({ repo, op, body }) => {
      const pr = findPull(repo, op.params.pull_number!);
      if (!pr) return error(404, "Not Found");
      if (typeof body.title === "string") pr.title = body.title;
      if (typeof body.body === "string") pr.body = body.body;
      if (body.state === "closed" && pr.state === "open") {
        await refreshPull(repo, pr);
        pr.state = "closed";
        pr.closedAt = now();
      } else if (body.state === "open" && pr.state === "closed" && !pr.mergedAt) {
        pr.state = "open";
        pr.closedAt = null;
      }
      pr.updatedAt = now();
      return { status: 200, body: await refreshPull(repo, pr) };
    },
    "pulls/merge": async ({ repo, op, body, login }) => {
      const pr = findPull(repo, op.params.pull_number!);
      if (!pr) return error(404, "Not Found");
      if (pr.state !== "open") return error(405, "Pull Request is not mergeable");
      await refreshPull(repo, pr);
      if (typeof body.sha === "string" && body.sha !== pr.head.sha) {
        return error(409, "Head branch was modified. Review and try the merge again.");
      }
      const tree = await mergeTree(repo, pr.base.sha, pr.head.sha);
      if (!tree) return error(405, "Pull Request is not mergeable");
      const title = String(
        body.commit_title ?? `Merge pull request #${pr.number} from ${repo.info.owner}/${pr.head.ref}`,
      );
      const message = typeof body.commit_message === "string" ? `${title}\n\n${body.commit_message}` : title;
      const date = now();
      const sha = (
        await git(repo, ["commit-tree", tree, "-p", pr.base.sha, "-p", pr.head.sha, "-m", message], {
          GIT_AUTHOR_NAME: login,
          GIT_AUTHOR_EMAIL: `${login}@users.noreply.github.invalid`,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_NAME: "GitHub",
          GIT_COMMITTER_EMAIL: "noreply@github.invalid",
          GIT_COMMITTER_DATE: date,
        })
      ).trim();
      try {
        await git(repo, ["update-ref", `refs/heads/${pr.base.ref}`, sha, pr.base.sha]);
      } catch {
        return error(409, "Base branch was modified. Review and try the merge again.");
      }
      Object.assign(pr, {
        state: "closed",
        mergedAt: date,
        closedAt: date,
        updatedAt: date,
        mergeCommitSha: sha,
        mergedBy: login,
      });
      return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
    },
    "issues/list-comments": ({ repo, op, query }) => {
      if (!findPull(repo, op.params.issue_number!)) return error(404, "Not Found");
      const all = repo.comments.filter((c) => c.issue === Number(op.params.issue_number));
      const perPage = Math.min(100, Number(query.get("per_page") ?? 30));
      const page = Number(query.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const self = `${urls.api}/repos/${repo.info.owner}/${repo.info.name}/issues/${op.params.issue_number}/comments`;
      const link = (p: number, rel: string) => `<${self}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, "next"), link(last, "last")] : [];
      return {
        status: 200,
        body: all.slice((page - 1) * perPage, page * perPage).map((c) => commentOf(urls, repo.info, c)),
        headers: links.length ? { link: links.join(", ") } : {},
      };
    },
    "issues/create-comment": ({ repo, op, body, login }) => {
      const pr = findPull(repo, op.params.issue_number!);
      if (!pr) return error(404, "Not Found");
      if (String(body.body).length > 65_536) {
        return error(422, "Validation Failed", {
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
          ],
        });
      }
      const at = now();
      const comment: CommentState = {
        id: nextId++,
        issue: pr.number,
        body: String(body.body),
        user: login,
        userId: userId(login),
        createdAt: at,
        updatedAt: at,
      };
      repo.comments.push(comment);
      pr.comments++;
      return { status: 201, body: commentOf(urls, repo.info, comment) };
    },
    "issues/update-comment": ({ repo, op, body }) => {
      const comment = repo.comments.find((c) => c.id === Number(op.params.comment_id));
      if (!comment) return error(404, "Not Found");
      if (String(body.body).length > 65_536) {
        return error(422, "Validation Failed", {
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
          ],
        });
      }
      comment.body = String(body.body);
      comment.updatedAt = now();
      return { status: 200, body: commentOf(urls, repo.info, comment) };
    },
    "issues/delete-comment": ({ repo, op }) => {
      const index = repo.comments.findIndex((c) => c.id === Number(op.params.comment_id));
      if (index < 0) return error(404, "Not Found");
      const [removed] = repo.comments.splice(index, 1);
      const pr = findPull(repo, String(removed!.issue));
      if (pr) pr.comments--;
      return { status: 204 };
    },
    "checks/create": async ({ repo, body }) => {
      const output = (body.output ?? {}) as Record<string, unknown>;
      const annotations = (output.annotations ?? []) as CheckRunState["annotations"];
      if (annotations.length > 50) return error(422, "Only 50 annotations are allowed per request");
      const headSha = String(body.head_sha);
      const exists = await git(repo, ["cat-file", "-e", `${headSha}^{commit}`]).then(
        () => true,
        () => false,
      );
      if (!exists) return error(422, "No commit found for SHA: " + headSha);
      const at = now();
      const completed = body.conclusion !== undefined || body.status === "completed";
      if (body.status === "completed" && body.conclusion === undefined) {
        return error(422, "Conclusion is required when status is completed");
      }
      const run: CheckRunState = {
        id: nextId++,
        name: String(body.name),
        headSha,
        status: completed ? "completed" : String(body.status ?? "queued"),
        conclusion: completed ? String(body.conclusion) : null,
        detailsUrl: typeof body.details_url === "string" ? body.details_url : null,
        startedAt: typeof body.started_at === "string" ? body.started_at : at,
        completedAt: completed ? (typeof body.completed_at === "string" ? body.completed_at : at) : null,
        output: {
          title: typeof output.title === "string" ? output.title : null,
          summary: typeof output.summary === "string" ? output.summary : null,
          text: typeof output.text === "string" ? output.text : null,
        },
        annotations: [...annotations],
      };
      repo.checkRuns.push(run);
      return { status: 201, body: checkRunOf(urls, repo.info, run) };
    },
    "checks/update": ({ repo, op, body }) => {
      const run = repo.checkRuns.find((r) => r.id === Number(op.params.check_run_id));
      if (!run) return error(404, "Not Found");
      const output = body.output as Record<string, unknown> | undefined;
      const annotations = (output?.annotations ?? []) as CheckRunState["annotations"];
      if (annotations.length > 50) return error(422, "Only 50 annotations are allowed per request");
      if (output) {
        if (typeof output.title === "string") run.output.title = output.title;
        if (typeof output.summary === "string") run.output.summary = output.summary;
        if (typeof output.text === "string") run.output.text = output.text;
        run.annotations.push(...annotations); // GitHub appends annotations on update
      }
      if (body.conclusion !== undefined) {
        run.status = "completed";
        run.conclusion = String(body.conclusion);
        run.completedAt = now();
      }
      return { status: 200, body: checkRunOf(urls, repo.info, run) };
    },
    "repos/create-commit-status": ({ repo, op, body, login }) => {
      const status: StatusState = {
        id: nextId++,
        sha: op.params.sha!,
        state: String(body.state),
        description: typeof body.description === "string" ? body.description : null,
        targetUrl: typeof body.target_url === "string" ? body.target_url : null,
        context: typeof body.context === "string" ? body.context : "default",
        createdAt: now(),
        creator: login,
        creatorId: userId(login),
      };
      repo.statuses.push(status);
      return { status: 201, body: statusOf(urls, repo.info, status) };
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      violations.push({ operationId: "?", where: "response", message: `stand-in failed: ${String(cause)}` });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "stand-in error", documentation_url: DOCS }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, undefined, method, url.pathname, error(400, "Problems parsing JSON"), false);
      }
    }
    const op = matchOperation(method, url.pathname);
    if (!op) {
      violations.push({
        operationId: "?",
        where: "request",
        message: `${method} ${url.pathname} is not in GitHub's description`,
      });
      return send(res, undefined, method, url.pathname, error(404, "Not Found"), false);
    }
    const auth = req.headers.authorization ?? "";
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1];
    const login = token ? options.tokens[token] : undefined;
    if (!login) return send(res, op, method, url.pathname, error(401, "Requires authentication"), true);
    const problems = validateRequest(op, url.searchParams, body);
    if (problems.length) {
      for (const message of problems)
        violations.push({ operationId: op.operationId, where: "request", message });
      return send(res, op, method, url.pathname, error(422, "Invalid request.", { errors: problems }), true);
    }
    const queued = faults.get(op.operationId);
    if (queued?.length) {
      const status = queued.shift()!;
      return send(res, op, method, url.pathname, error(status, "Injected fault"), true);
    }
    const repo = repos.get(`${op.params.owner}/${op.params.repo}`);
    if (!repo) return send(res, op, method, url.pathname, error(404, "Not Found"), false);
    const handler = handlers[op.operationId];
    if (!handler) {
      violations.push({
        operationId: op.operationId,
        where: "request",
        message: "not implemented by the stand-in",
      });
      return send(res, op, method, url.pathname, error(404, "Not Found"), true);
    }
    const reply = await handler({
      op,
      repo,
      body: (body ?? {}) as Record<string, unknown>,
      query: url.searchParams,
      login,
    });
    const mutate = corruptions.get(op.operationId);
    if (mutate && reply.body && typeof reply.body === "object") {
      corruptions.delete(op.operationId);
      mutate(reply.body as Record<string, unknown>);
    }
    return send(res, op, method, url.pathname, reply, false);
  }

  /** `exempt`: GitHub answers 401 and injected outages on any operation, documented there or not. */
  function send(
    res: ServerResponse,
    op: MatchedOperation | undefined,
    method: string,
    path: string,
    reply: Reply,
    exempt: boolean,
  ) {
    if (op && !exempt) {
      for (const message of validateResponse(op, reply.status, reply.body)) {
        violations.push({ operationId: op.operationId, where: "response", message });
      }
    }
    requests.push({
      operationId: op?.operationId ?? "?",
      method,
      path,
      status: reply.status,
      injected: exempt,
    });
    const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
      "x-github-api-version-selected": "2022-11-28",
      ...reply.headers,
    });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  urls = { api: `http://127.0.0.1:${port}`, web: "http://github.invalid" };

  return {
    url: urls.api,
    violations,
    requests,
    async createRepo(owner, name) {
      const cloneUrl = await options.git.createRepo(`${owner}/${name}`);
      repos.set(`${owner}/${name}`, {
        info: { id: nextId++, owner, name, defaultBranch: "main", createdAt: now() },
        bare: options.git.repoPath(`${owner}/${name}`),
        pulls: [],
        comments: [],
        checkRuns: [],
        statuses: [],
      });
      return cloneUrl;
    },
    repo(owner, name) {
      const repo = repos.get(`${owner}/${name}`);
      if (!repo) throw new Error(`no repository ${owner}/${name}`);
      return repo;
    },
    inject(operationId, status, times = 1) {
      faults.set(operationId, [...(faults.get(operationId) ?? []), ...Array(times).fill(status)]);
    },
    corrupt(operationId, mutate) {
      corruptions.set(operationId, mutate);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
