/**
 * ownershipIndex: who owns what in the delivery repository — for each site, the identities the objects of
 * every `rendered/<site>/<intent-id>/` package at a commit claim (functions/render/findOwnershipConflicts.ts),
 * so that a run can refuse an intent rendering an object another intent's package already holds.
 *
 * Incremental: a package's claims are read once per package tree id (trees are content-addressed), and a
 * site's owner table is updated from the packages whose tree changed since the commit it was built at, so
 * a service running thousands of intents reads one site tree per check, not every package.
 */
import git from "isomorphic-git";
import {
  type OwnershipClaim,
  type OwnershipConflict,
  ownedObjectsOf,
} from "../../functions/render/findOwnershipConflicts.js";
import { objectsOfPackage } from "../reconcile/readPackage.js";
import { listFiles, type RepoCtx, readTreeEntries, treeOfCommit } from "./treeOps.js";

interface SiteTable {
  /** Tree id of `rendered/<site>` the table was built from (`null`: none). */
  tree: string | null;
  /** intent id → its package's tree id and claimed keys. */
  packages: Map<string, { oid: string; keys: string[] }>;
  /** key → the intents claiming it (more than one only where the repository already holds a conflict). */
  owners: Map<string, string[]>;
}

export interface OwnershipIndex {
  /**
   * The claims among `claims` that another intent's package at `commit` already holds (`commit` null: an
   * empty repository). A claim of an intent's own package is none.
   */
  conflictsAt(
    repo: RepoCtx,
    commit: string | null,
    claims: readonly OwnershipClaim[],
  ): Promise<OwnershipConflict[]>;
}

export function createOwnershipIndex(): OwnershipIndex {
  const tables = new Map<string, SiteTable>();
  const keysOfTree = new Map<string, string[]>();

  const packageKeys = async (repo: RepoCtx, oid: string): Promise<string[]> => {
    const known = keysOfTree.get(oid);
    if (known) return known;
    const files: Record<string, string> = {};
    for (const [path, entry] of await listFiles(repo, oid)) {
      const { blob } = await git.readBlob({
        fs: repo.fs,
        gitdir: repo.gitdir,
        oid: entry.oid,
        cache: repo.cache,
      });
      files[path] = Buffer.from(blob).toString("utf8");
    }
    const keys = [...new Set(ownedObjectsOf(objectsOfPackage(files)).map((o) => o.key))];
    keysOfTree.set(oid, keys);
    return keys;
  };

  const tableAt = async (repo: RepoCtx, siteTree: string | null, site: string): Promise<SiteTable> => {
    const table: SiteTable = tables.get(site) ?? { tree: null, packages: new Map(), owners: new Map() };
    tables.set(site, table);
    if (table.tree === siteTree && siteTree !== null) return table;
    const entries = new Map(
      (await readTreeEntries(repo, siteTree)).filter((e) => e.type === "tree").map((e) => [e.path, e.oid]),
    );
    const drop = (intentId: string, keys: readonly string[]) => {
      for (const key of keys) {
        const left = (table.owners.get(key) ?? []).filter((id) => id !== intentId);
        if (left.length) table.owners.set(key, left);
        else table.owners.delete(key);
      }
    };
    for (const [intentId, pkg] of table.packages) {
      if (entries.get(intentId) === pkg.oid) continue;
      drop(intentId, pkg.keys);
      table.packages.delete(intentId);
    }
    const added = [...entries].filter(([intentId]) => !table.packages.has(intentId));
    for (const [intentId, oid] of added.sort(([a], [b]) => (a < b ? -1 : 1))) {
      const keys = await packageKeys(repo, oid);
      table.packages.set(intentId, { oid, keys });
      for (const key of keys) table.owners.set(key, [...(table.owners.get(key) ?? []), intentId]);
    }
    table.tree = siteTree;
    return table;
  };

  return {
    async conflictsAt(repo, commit, claims) {
      if (commit === null || claims.length === 0) return [];
      const root = await readTreeEntries(repo, await treeOfCommit(repo, commit));
      const rendered = root.find((e) => e.path === "rendered" && e.type === "tree");
      const siteTrees = new Map(
        (await readTreeEntries(repo, rendered?.oid ?? null))
          .filter((e) => e.type === "tree")
          .map((e) => [e.path, e.oid]),
      );
      const conflicts: OwnershipConflict[] = [];
      for (const claim of claims) {
        const table = await tableAt(repo, siteTrees.get(claim.site) ?? null, claim.site);
        for (const object of claim.owned) {
          const owner = (table.owners.get(object.key) ?? []).find((id) => id !== claim.intentId);
          if (owner !== undefined)
            conflicts.push({ site: claim.site, intentId: claim.intentId, owner, object });
        }
      }
      return conflicts;
    },
  };
}
