"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import toast from "react-hot-toast";
import { notificationKeys } from "@/api/notifications";
import { useSession } from "@/api/session";
import { channelKeys } from "../api/keys";
import { channelsQueryOptions } from "../api/list-channels";
import { sentence } from "../lib/health";
import { platformName } from "../lib/platforms";

/** What to say when the callback sent a code without a message. */
const FALLBACK_MESSAGES: Readonly<Record<string, string>> = {
  access_denied: "You didn't approve LetsGrow on the platform, so nothing was connected.",
  state_invalid: "That sign-in link expired or was already used. Start connecting again.",
  platform_rejected: "The platform refused to connect this account.",
  platform_unavailable: "The platform couldn't be reached. Try again in a moment.",
  channel_exists: "This account is already connected as a channel.",
};

export function oauthErrorMessage(code: string, message: string | null): string {
  const text = message?.trim();
  if (text) return sentence(text);
  return FALLBACK_MESSAGES[code] ?? `Connecting didn't work (${code}). Try again.`;
}

/**
 * Back from a platform's consent page: the server's OAuth callback redirects to
 * `/channels/?connected=<channel id>` or `/channels/?oauth_error=<code>&message=<text>`.
 * Says how it went in a toast, refreshes the list and removes the query from the URL.
 * Must render under <Suspense> (useSearchParams in a static export).
 */
export function OAuthReturn() {
  const params = useSearchParams();
  const router = useRouter();
  const queryClient = useQueryClient();
  const authenticated = useSession((s) => s.status === "authenticated");
  const connected = params.get("connected");
  const code = params.get("oauth_error");
  const message = params.get("message");
  const handled = useRef<string | null>(null);

  useEffect(() => {
    if ((!connected && !code) || !authenticated) return;
    const key = `${connected}|${code}|${message}`;
    if (handled.current === key) return; // Strict Mode runs effects twice; toast once.
    handled.current = key;

    if (code) {
      toast.error(oauthErrorMessage(code, message), { id: "oauth-return", duration: 8000 });
      router.replace("/channels/");
      return;
    }
    void (async () => {
      let text = "Channel connected.";
      try {
        // Whatever is cached predates the callback: mark it stale, then read it fresh.
        await queryClient.invalidateQueries({ queryKey: channelKeys.all });
        const list = await queryClient.fetchQuery(channelsQueryOptions());
        const channel = list.find((c) => c.id === connected);
        if (channel) text = `Connected ${channel.handle} on ${platformName(channel.platform)}.`;
      } catch {
        // The list shows its own error; the connection itself succeeded.
      }
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all }); // a reconnect may clear one
      toast.success(text, { id: "oauth-return" });
      router.replace("/channels/");
    })();
  }, [authenticated, code, connected, message, queryClient, router]);

  return null;
}
