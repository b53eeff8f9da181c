import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, call } from "@/api/client";
import { uploadWithProgress } from "@/api/upload";
import { postKeys } from "./keys";
import type { ImportResult } from "./types";

export interface ImportOptions {
  dryRun: boolean;
  skipInvalid: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** posts_import_csv with the file as a text/csv body; XHR so large files show real progress. */
export function importCsv(file: Blob, { dryRun, skipInvalid, onProgress, signal }: ImportOptions): Promise<ImportResult> {
  const query = new URLSearchParams({ dry_run: String(dryRun), skip_invalid: String(skipInvalid) });
  return uploadWithProgress<ImportResult>({
    url: `/api/v1/posts/import?${query}`,
    body: file,
    contentType: "text/csv",
    onProgress,
    signal,
  });
}

export function useImportCsv() {
  const queryClient = useQueryClient();
  return useCallback(
    async (file: Blob, options: ImportOptions) => {
      const result = await importCsv(file, options);
      if (result.committed) void queryClient.invalidateQueries({ queryKey: postKeys.lists() });
      return result;
    },
    [queryClient],
  );
}

/** The queue as CSV (posts_export_csv needs the bearer token, so fetch it rather than link to it). */
export async function exportCsv(): Promise<Blob> {
  return call(api.GET("/api/v1/posts/export", { parseAs: "blob" }));
}

/** Downloads the export as `letsgrow-queue-<date>.csv`. */
export async function downloadExport(now: Date = new Date()): Promise<void> {
  const blob = await exportCsv();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `letsgrow-queue-${now.toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
