/**
 * The GitHub objects the stand-in returns, built to the shapes GitHub's description requires (every
 * required member present, with a value of the documented type) from the stand-in's state. URLs point at
 * the stand-in itself (`api`) and at a made-up web root (`web`); ids are the stand-in's counters.
 */

export interface Urls {
  api: string;
  web: string;
}

export interface RepoInfo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  createdAt: string;
}

const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString("base64");

export function userOf(urls: Urls, login: string, id: number, type: "User" | "Bot" = "User") {
  // GitHub escapes a bot's brackets in its URLs (`github-actions%5Bbot%5D`).
  const path = encodeURIComponent(login);
  const api = `${urls.api}/users/${path}`;
  return {
    login,
    id,
    node_id: nodeId("User", id),
    avatar_url: `${urls.web}/avatars/${path}`,
    gravatar_id: "",
    url: api,
    html_url: `${urls.web}/${path}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

export function repositoryOf(urls: Urls, repo: RepoInfo, ownerId: number) {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${full}`;
  const templated: Record<string, string> = {
    archive_url: "/{archive_format}{/ref}",
    assignees_url: "/assignees{/user}",
    blobs_url: "/git/blobs{/sha}",
    branches_url: "/branches{/branch}",
    collaborators_url: "/collaborators{/collaborator}",
    comments_url: "/comments{/number}",
    commits_url: "/commits{/sha}",
    compare_url: "/compare/{base}...{head}",
    contents_url: "/contents/{+path}",
    git_commits_url: "/git/commits{/sha}",
    git_refs_url: "/git/refs{/sha}",
    git_tags_url: "/git/tags{/sha}",
    issue_comment_url: "/issues/comments{/number}",
    issue_events_url: "/issues/events{/number}",
    issues_url: "/issues{/number}",
    keys_url: "/keys{/key_id}",
    labels_url: "/labels{/name}",
    milestones_url: "/milestones{/number}",
    notifications_url: "/notifications{?since,all,participating}",
    pulls_url: "/pulls{/number}",
    releases_url: "/releases{/id}",
    statuses_url: "/statuses/{sha}",
    trees_url: "/git/trees{/sha}",
    contributors_url: "/contributors",
    deployments_url: "/deployments",
    downloads_url: "/downloads",
    events_url: "/events",
    forks_url: "/forks",
    hooks_url: "/hooks",
    languages_url: "/languages",
    merges_url: "/merges",
    stargazers_url: "/stargazers",
    subscribers_url: "/subscribers",
    subscription_url: "/subscription",
    tags_url: "/tags",
    teams_url: "/teams",
  };
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: full,
    owner: userOf(urls, repo.owner, ownerId),
    private: true,
    html_url: `${urls.web}/${full}`,
    description: null,
    fork: false,
    url: api,
    ...Object.fromEntries(Object.entries(templated).map(([k, suffix]) => [k, `${api}${suffix}`])),
    clone_url: `${urls.web}/${full}.git`,
    git_url: `git://example.invalid/${full}.git`,
    ssh_url: `git@example.invalid:${full}.git`,
    svn_url: `${urls.web}/${full}`,
    mirror_url: null,
    homepage: null,
    language: "TypeScript",
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
  };
}

/** The GitHub App the stand-in's checks come from (`github-actions`, as for a workflow's GITHUB_TOKEN). */
export function appOf(urls: Urls, createdAt: string) {
  return {
    id: 15368,
    slug: "github-actions",
    node_id: nodeId("Integration", 15368),
    owner: userOf(urls, "github", 9919),
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: `${urls.web}/features/actions`,
    html_url: `${urls.web}/apps/github-actions`,
    created_at: createdAt,
    updated_at: createdAt,
    permissions: {
      checks: "write",
      contents: "write",
      pull_requests: "write",
      issues: "write",
      metadata: "read",
    },
    events: ["check_run", "pull_request", "push"],
  };
}

export interface PullState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  user: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  mergeable: boolean | null;
  comments: number;
}

export function pullOf(urls: Urls, repo: RepoInfo, ownerId: number, pr: PullState) {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${urls.api}/repos/${full}`;
  const html = `${urls.web}/${full}/pull/${pr.number}`;
  const repository = repositoryOf(urls, repo, ownerId);
  const side = (s: { ref: string; sha: string }) => ({
    label: `${repo.owner}:${s.ref}`,
    ref: s.ref,
    sha: s.sha,
    user: userOf(urls, repo.owner, ownerId),
    repo: repository,
  });
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userOf(urls, pr.user, pr.userId),
    body: pr.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pr.head),
    base: side(pr.base),
    _links: {
      self: link(`${api}/pulls/${pr.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pr.number}`),
      comments: link(`${api}/issues/${pr.number}/comments`),
      review_comments: link(`${api}/pulls/${pr.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pr.number}/commits`),
      statuses: link(`${api}/statuses/${pr.head.sha}`),
    },
    author_association: "OWNER",
    auto_merge: null,
    draft: false,
    merged: pr.mergedAt !== null,
    mergeable: pr.mergeable,
    rebaseable: pr.mergeable,
    mergeable_state: pr.mergeable === false ? "dirty" : "clean",
    merged_by: pr.mergedBy ? userOf(urls, pr.mergedBy, pr.userId) : null,
    comments: pr.comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
}

export function commentOf(urls: Urls, repo: RepoInfo, c: CommentState) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url: `${urls.api}/repos/${full}/issues/comments/${c.id}`,
    html_url: `${urls.web}/${full}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${full}/issues/${c.issue}`,
    body: c.body,
    user: userOf(urls, c.user, c.userId, c.user.endsWith("[bot]") ? "Bot" : "User"),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: "NONE",
  };
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: string;
  message: string;
  title?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
}

export function checkRunOf(urls: Urls, repo: RepoInfo, c: CheckRunState) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: c.id,
    node_id: nodeId("CheckRun", c.id),
    head_sha: c.headSha,
    external_id: null,
    url: `${urls.api}/repos/${full}/check-runs/${c.id}`,
    html_url: `${urls.web}/${full}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      ...c.output,
      annotations_count: c.annotations.length,
      annotations_url: `${urls.api}/repos/${full}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: c.id },
    app: appOf(urls, c.startedAt),
    pull_requests: [],
  };
}

export function gitRefOf(urls: Urls, repo: RepoInfo, ref: string, sha: string) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    ref,
    node_id: Buffer.from(`Ref:${full}:${ref}`).toString("base64"),
    url: `${urls.api}/repos/${full}/git/${ref}`,
    object: { type: "commit", sha, url: `${urls.api}/repos/${full}/git/commits/${sha}` },
  };
}

export interface StatusState {
  id: number;
  sha: string;
  state: string;
  description: string | null;
  targetUrl: string | null;
  context: string;
  createdAt: string;
  creator: string;
  creatorId: number;
}

export function statusOf(urls: Urls, repo: RepoInfo, s: StatusState) {
  return {
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`,
    avatar_url: `${urls.web}/avatars/${encodeURIComponent(s.creator)}`,
    id: s.id,
    node_id: nodeId("StatusContext", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: userOf(urls, s.creator, s.creatorId),
  };
}
