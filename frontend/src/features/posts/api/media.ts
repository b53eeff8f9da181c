import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { uploadWithProgress } from "@/api/upload";
import { postKeys } from "./keys";
import type { components } from "@/api/generated/schema";
import type { Media } from "./types";

export type MediaUsage = components["schemas"]["MediaUsage"];

export const MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export function listMedia(): Promise<Media[]> {
  return call(api.GET("/api/v1/media"));
}

export function mediaQueryOptions() {
  // Preview links are signed for an hour.
  return queryOptions({ queryKey: postKeys.media(), queryFn: listMedia, staleTime: 30 * 60_000 });
}

/** The media library (for previews of images a saved post refers to by id). */
export function useMediaLibrary(enabled = true) {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...mediaQueryOptions(), enabled: authenticated && enabled });
}

export function getMediaUsage(): Promise<MediaUsage> {
  return call(api.GET("/api/v1/media/usage"));
}

export function mediaUsageQueryOptions() {
  return queryOptions({ queryKey: postKeys.mediaUsage(), queryFn: getMediaUsage });
}

/** How much of the media allowance the library uses (Settings). */
export function useMediaUsage() {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...mediaUsageQueryOptions(), enabled: authenticated });
}

/** Sends the file's bytes as the body (media_upload takes no multipart), reporting progress. */
export function uploadMedia(file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Media> {
  return uploadWithProgress<Media>({
    url: `/api/v1/media?filename=${encodeURIComponent(file.name)}`,
    body: file,
    contentType: file.type || "application/octet-stream",
    onProgress,
    signal,
  });
}

export function useUploadMedia() {
  const queryClient = useQueryClient();
  return useCallback(
    async (file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal) => {
      const media = await uploadMedia(file, onProgress, signal);
      queryClient.setQueryData<Media[]>(postKeys.media(), (old) => (old ? [media, ...old] : old));
      void queryClient.invalidateQueries({ queryKey: postKeys.mediaUsage() });
      return media;
    },
    [queryClient],
  );
}
