import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, call } from "@/api/client";
import { uploadWithProgress } from "@/api/upload";
import { postKeys } from "./keys";
import type { components } from "@/api/generated/schema";
import type { ImportResult } from "./types";

type Schemas = components["schemas"];

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

/** What one view of the queue shows: these posts' channels in these states (and channel). */
export type ExportSelection = Schemas["ExportRequest"];

/**
 * Exactly the posts a view shows, as CSV (posts_export_selection_csv needs the
 * bearer token, so fetch it rather than link to it).
 */
export async function exportCsv(selection: ExportSelection): Promise<Blob> {
  return call(api.POST("/api/v1/posts/export", { body: selection, parseAs: "blob" }));
}

/** Downloads the export as `letsgrow-<tab>-<date>.csv`. */
export async function downloadExport(selection: ExportSelection, name: string, now: Date = new Date()): Promise<void> {
  const blob = await exportCsv(selection);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `letsgrow-${name}-${now.toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
