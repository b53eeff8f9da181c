import { useMutation } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { OAuthStartRequest, OAuthStartResponse } from "./types";

/** Asks the server for the platform's authorization page (it keeps the PKCE verifier and state). */
export function startOAuth(input: OAuthStartRequest): Promise<OAuthStartResponse> {
  return call(api.POST("/api/v1/channels/oauth/start", { body: input }));
}

/** Only http(s) pages: never follow a `javascript:` or other scheme from a response. */
export function isNavigableUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * Starts an OAuth connection and sends the browser to the platform. After the user
 * decides there, the server's callback brings them back to /channels/ with
 * `?connected=<id>` or `?oauth_error=<code>&message=…` (see OAuthReturn).
 */
export function useStartOAuth() {
  return useMutation({
    mutationFn: async (input: OAuthStartRequest) => {
      const { authorize_url } = await startOAuth(input);
      if (!isNavigableUrl(authorize_url)) {
        throw new ApiError(502, {
          code: "bad_authorize_url",
          message: "The server answered with an authorization address LetsGrow won't open. Try again.",
        });
      }
      return authorize_url;
    },
    onSuccess: (url) => {
      window.location.assign(url);
    },
  });
}
