import { Notice } from "@/components/ui/notice";
import type { ImportResult } from "../api/types";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What an import did: the summary, then every failed row with its column, code and message. */
export function ImportReport({ result, dryRun }: { result: ImportResult; dryRun: boolean }) {
  const failed = result.rows.filter((r) => !r.ok);
  const notes = result.rows.filter((r) => r.ok && r.note);
  const total = result.rows_ok + result.rows_failed;
  const outcome = result.committed
    ? `Imported ${plural(result.posts_created, "post")}.`
    : dryRun
      ? "Validation only: nothing was imported."
      : "Nothing was imported.";

  return (
    <section aria-labelledby="import-report-heading" className="space-y-4" data-testid="import-report">
      <h3 id="import-report-heading" className="text-sm font-semibold text-fg">
        Import report
      </h3>
      <Notice tone={result.committed ? "info" : failed.length ? "error" : "info"} testId="import-summary">
        <p>
          <strong className="font-semibold">{plural(total, "row")} checked:</strong>{" "}
          <span data-testid="import-ok-count">{result.rows_ok} OK</span>,{" "}
          <span data-testid="import-failed-count">{result.rows_failed} with errors</span>. {outcome}
        </p>
      </Notice>

      {failed.length > 0 && (
        <h4 className="text-sm font-medium text-fg">{result.committed ? "Rows skipped" : "Rows with errors"}</h4>
      )}
      {failed.length > 0 && (
        <div
          className="relative overflow-x-auto rounded-lg border border-line"
          role="region"
          aria-label={result.committed ? "Rows skipped" : "Rows with errors"}
          tabIndex={0}
        >
          <table className="w-full min-w-[32rem] text-left text-sm" data-testid="import-failed-rows">
            <caption className="sr-only">{result.committed ? "Rows skipped" : "Rows with errors"}</caption>
            <thead className="bg-subtle text-xs tracking-wide text-muted uppercase">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Row</th>
                <th scope="col" className="px-3 py-2 font-medium">Column</th>
                <th scope="col" className="px-3 py-2 font-medium">Code</th>
                <th scope="col" className="px-3 py-2 font-medium">Problem</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {failed.map((r, i) => (
                <tr key={`${r.row}-${r.field ?? ""}-${r.code ?? ""}-${i}`} data-testid="import-failed-row" data-row={r.row}>
                  <th scope="row" className="px-3 py-2 font-mono font-medium text-fg tabular-nums">
                    {r.row}
                  </th>
                  <td className="px-3 py-2 font-mono text-xs text-fg">{r.field ?? "—"}</td>
                  <td className="px-3 py-2 font-mono text-xs text-muted">{r.code ?? "—"}</td>
                  <td className="px-3 py-2 break-words text-fg">{r.message ?? "This row can't be imported."}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {notes.length > 0 && (
        <div className="space-y-1 text-sm">
          <h4 className="font-medium text-fg">Times moved by a daylight-saving change</h4>
          <ul className="list-disc space-y-0.5 pl-5 text-muted">
            {notes.map((r) => (
              <li key={r.row}>
                Row {r.row}: {r.note}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
