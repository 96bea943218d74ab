/** The evidence chain: whether it verifies, then each record (expandable to its full detail). */
import type { EvidenceView } from "./api.js";

export function EvidenceChain({ evidence }: { evidence: EvidenceView }) {
  return (
    <section class="evidence" aria-label="Evidence">
      <h3>
        Evidence chain:{" "}
        <span class={evidence.verification.ok ? "healthy" : "unhealthy"} data-testid="chain-status">
          {evidence.verification.ok ? "verified" : "BROKEN"}
        </span>{" "}
        ({evidence.records.length} records)
      </h3>
      {evidence.verification.problems.length > 0 && (
        <ul class="error">
          {evidence.verification.problems.map((p) => (
            <li key={`${p.kind}${p.seq}`}>
              {p.kind} #{p.seq}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <ol class="records">
        {evidence.records.map((record) => (
          <li key={record.seq}>
            <details>
              <summary>
                #{record.seq} <strong>{record.action}</strong> {record.subject} · {record.result} ·{" "}
                <time>{record.timestamp}</time> · <code>{record.chain.digest.slice(7, 19)}</code>
              </summary>
              <pre>{JSON.stringify(record, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
