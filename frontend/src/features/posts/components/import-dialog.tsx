"use client";

import { useId, useRef, useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { useImportCsv } from "../api/csv";
import type { ImportResult } from "../api/types";
import { CSV_COLUMNS, CSV_EXAMPLE } from "../lib/csv-format";
import { ImportReport } from "./import-report";

type Phase = { kind: "idle" } | { kind: "uploading"; fraction: number } | { kind: "checking" };

interface Outcome {
  result: ImportResult;
  dryRun: boolean;
  skipInvalid: boolean;
}

/**
 * CSV import: pick a file, optionally validate only, upload with a real progress bar
 * (XMLHttpRequest upload events), then the per-row report. When bad rows stopped the
 * import, it offers to import just the valid ones (skip_invalid).
 */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const importCsv = useImportCsv();
  const fileId = useId();
  const formatId = useId();
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [validateOnly, setValidateOnly] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = phase.kind !== "idle";

  const reset = () => {
    setFile(null);
    setOutcome(null);
    setError(null);
    setPhase({ kind: "idle" });
    if (input.current) input.current.value = "";
  };

  const close = () => {
    abort.current?.abort();
    reset();
    setValidateOnly(false);
    onClose();
  };

  const run = async (dryRun: boolean, skipInvalid: boolean) => {
    if (!file) {
      setError("Choose a CSV file first.");
      input.current?.focus();
      return;
    }
    setError(null);
    setPhase({ kind: "uploading", fraction: 0 });
    abort.current = new AbortController();
    try {
      const result = await importCsv(file, {
        dryRun,
        skipInvalid,
        signal: abort.current.signal,
        onProgress: (fraction) => setPhase(fraction >= 1 ? { kind: "checking" } : { kind: "uploading", fraction }),
      });
      setOutcome({ result, dryRun, skipInvalid });
      if (result.committed) toast.success(`Imported ${result.posts_created} post${result.posts_created === 1 ? "" : "s"}.`);
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") return;
      setError(errorMessage(e));
    } finally {
      setPhase({ kind: "idle" });
      abort.current = null;
    }
  };

  const result = outcome?.result;
  const offerValid = result && !result.committed && result.rows_failed > 0 && result.rows_ok > 0;
  const offerAll = result && !result.committed && outcome.dryRun && result.rows_failed === 0 && result.rows_ok > 0;
  const percent = phase.kind === "uploading" ? Math.round(phase.fraction * 100) : phase.kind === "checking" ? 100 : 0;

  return (
    <Dialog open={open} onClose={close} title="Import posts from CSV" size="lg" testId="import-dialog" busy={false}>
      <div className="space-y-5">
        <details className="group rounded-lg border border-line bg-subtle/50 px-4 py-3 text-sm" open={!result}>
          <summary className="cursor-pointer font-medium text-fg" id={formatId}>
            File format
          </summary>
          <p className="mt-2 text-muted">
            UTF-8 CSV with a header row; one post per row, columns in any order. Every row is checked before anything
            is saved: one bad row imports nothing unless you choose to skip it.
          </p>
          <ul className="mt-3 space-y-1.5" data-testid="csv-columns" aria-labelledby={formatId}>
            {CSV_COLUMNS.map((c) => (
              <li key={c.name} className="grid gap-x-3 sm:grid-cols-[9rem_1fr]">
                <span>
                  <code className="font-mono text-xs font-semibold text-fg">{c.name}</code>{" "}
                  <span className="text-xs text-muted">{c.required ? "required" : "optional"}</span>
                </span>
                <span className="text-muted">{c.meaning}</span>
              </li>
            ))}
          </ul>
          <pre className="mt-3 overflow-x-auto rounded-md bg-surface px-3 py-2 font-mono text-xs text-fg" tabIndex={0} role="region" aria-label="Example file">
            {CSV_EXAMPLE}
          </pre>
        </details>

        {!result && (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              void run(validateOnly, false);
            }}
            noValidate
          >
            <div className="space-y-1.5">
              <label htmlFor={fileId} className="block text-sm font-medium text-fg">
                CSV file
              </label>
              <input
                ref={input}
                id={fileId}
                type="file"
                accept=".csv,text/csv"
                data-autofocus
                disabled={busy}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setError(null);
                }}
                className="block w-full rounded-lg border border-line bg-surface text-sm text-fg file:mr-3 file:border-0 file:border-r file:border-line file:bg-subtle file:px-3 file:py-2 file:text-sm file:font-medium file:text-fg"
              />
              {file && (
                <p className="text-xs text-muted">
                  {file.name} · {formatBytes(file.size)}
                </p>
              )}
            </div>
            <label className="flex items-start gap-2.5 text-sm text-fg">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-[var(--accent)]"
                checked={validateOnly}
                disabled={busy}
                onChange={(e) => setValidateOnly(e.target.checked)}
              />
              <span>
                Validate only
                <span className="block text-muted">Check every row and show the report; import nothing.</span>
              </span>
            </label>
            {busy && <UploadProgress percent={percent} checking={phase.kind === "checking"} />}
            {error && (
              <Notice tone="error" live testId="import-error">
                <p>{error}</p>
              </Notice>
            )}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="ghost" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                {validateOnly ? "Validate file" : "Import file"}
              </Button>
            </div>
          </form>
        )}

        {result && outcome && (
          <>
            <ImportReport result={result} dryRun={outcome.dryRun} />
            {busy && <UploadProgress percent={percent} checking={phase.kind === "checking"} />}
            {error && (
              <Notice tone="error" live testId="import-error">
                <p>{error}</p>
              </Notice>
            )}
            <div className="flex flex-wrap justify-end gap-2 border-t border-line pt-4">
              <Button variant="ghost" onClick={reset} disabled={busy}>
                Choose another file
              </Button>
              {offerValid && (
                <Button onClick={() => void run(false, true)} loading={busy}>
                  Import the {result.rows_ok} valid row{result.rows_ok === 1 ? "" : "s"}
                </Button>
              )}
              {offerAll && (
                <Button onClick={() => void run(false, false)} loading={busy}>
                  Import {result.rows_ok} row{result.rows_ok === 1 ? "" : "s"}
                </Button>
              )}
              {!offerValid && !offerAll && (
                <Button variant={result.committed ? "primary" : "secondary"} onClick={close}>
                  Done
                </Button>
              )}
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}

function UploadProgress({ percent, checking }: { percent: number; checking: boolean }) {
  return (
    <div className="space-y-1.5" data-testid="import-progress">
      <div className="flex justify-between text-xs text-muted">
        <span>{checking ? "Uploaded; checking every row…" : "Uploading…"}</span>
        <span className="tabular-nums">{percent}%</span>
      </div>
      <progress
        className="h-2 w-full overflow-hidden rounded-full [&::-moz-progress-bar]:bg-accent [&::-webkit-progress-bar]:bg-subtle [&::-webkit-progress-value]:bg-accent"
        max={100}
        value={percent}
        aria-label="Upload progress"
      />
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
