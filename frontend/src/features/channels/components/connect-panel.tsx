"use client";

import { useEffect, useRef, useState } from "react";
import { errorMessage } from "@/api/errors";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { usePlatforms } from "../api/list-platforms";
import type { Platform, PlatformInfo } from "../api/types";
import { connectOptions, type ConnectOption } from "../lib/platforms";
import { BlueskyForm } from "./bluesky-form";
import { MastodonForm } from "./mastodon-form";
import { OAuthConnect } from "./oauth-connect";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { UnavailableReason } from "./unavailable-reason";
import { WebhookForm } from "./webhook-form";

/** When channels_platforms fails: what needs no server configuration still works. */
const FALLBACK: readonly PlatformInfo[] = [
  { platform: "bluesky", connect: "app_password", available: true, reason: null },
  { platform: "webhook", connect: "webhook", available: true, reason: null },
];

function defaultChoice(options: readonly ConnectOption[]): Platform | null {
  return (options.find((o) => o.id === "bluesky" && o.available) ?? options.find((o) => o.available) ?? options[0])?.id ?? null;
}

/**
 * "Connect a channel": choose a platform from what this server offers (channels_platforms;
 * those it isn't configured for stay choosable, to show why), then its form or button.
 */
export function ConnectPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const platforms = usePlatforms();
  const [picked, setPicked] = useState<Platform | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const options = platforms.data ? connectOptions(platforms.data) : platforms.isError ? connectOptions(FALLBACK) : null;
  const choice = options?.find((o) => o.id === picked) ?? options?.find((o) => o.id === defaultChoice(options)) ?? null;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <Card labelledBy={`${id}-heading`} className="mb-6">
      <div id={id} className="flex items-start justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
        <div className="space-y-1">
          <h2 id={`${id}-heading`} ref={heading} tabIndex={-1} className="text-base font-semibold text-fg outline-none">
            Connect a channel
          </h2>
          <p className="text-sm text-muted">LetsGrow checks the account with the platform before saving anything.</p>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
          aria-label="Close connect a channel"
        >
          <Icon name="close" />
        </button>
      </div>
      <CardBody className="space-y-6">
        {platforms.isError && (
          <Notice tone="error" testId="platforms-error">
            <p>
              Couldn&apos;t load the platforms this server can connect ({errorMessage(platforms.error)}). Bluesky and
              webhooks still work.
            </p>
            <Button variant="secondary" size="sm" onClick={() => void platforms.refetch()} loading={platforms.isFetching}>
              Try again
            </Button>
          </Notice>
        )}

        {!options ? (
          <div className="flex items-center gap-2 py-6 text-sm text-muted" role="status">
            <Spinner className="size-4" />
            Loading platforms…
          </div>
        ) : (
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-fg">Platform</legend>
            <div className="grid gap-3 sm:grid-cols-2" data-testid="platform-options">
              {options.map((p) => (
                <label
                  key={p.id}
                  data-platform={p.id}
                  data-available={p.available}
                  className={cn(
                    "flex cursor-pointer items-start gap-3 rounded-xl border px-4 py-3 transition-colors",
                    choice?.id === p.id ? "border-accent bg-accent-soft/60" : "border-line hover:bg-subtle",
                  )}
                >
                  <PlatformIcon platform={p.id} className={cn(!p.available && "opacity-70")} />
                  <span className="min-w-0 flex-1">
                    <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <span id={`${id}-${p.id}-name`} className="font-medium text-fg">
                        {p.name}
                      </span>
                      {!p.available && (
                        <span id={`${id}-${p.id}-status`}>
                          <Badge>Not available</Badge>
                        </span>
                      )}
                    </span>
                    <span id={`${id}-${p.id}-blurb`} className="mt-0.5 block text-sm text-muted">
                      {p.blurb}
                    </span>
                  </span>
                  <input
                    type="radio"
                    name="platform"
                    value={p.id}
                    aria-labelledby={`${id}-${p.id}-name`}
                    aria-describedby={`${id}-${p.id}-blurb${p.available ? "" : ` ${id}-${p.id}-status`}`}
                    checked={choice?.id === p.id}
                    onChange={() => setPicked(p.id)}
                    className="mt-1 size-4 shrink-0 accent-accent"
                  />
                </label>
              ))}
            </div>
          </fieldset>
        )}

        {choice && (
          <div className="border-t border-line pt-6" data-testid="connect-details">
            <ConnectDetails key={choice.id} option={choice} onClose={onClose} />
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function ConnectDetails({ option, onClose }: { option: ConnectOption; onClose: () => void }) {
  if (!option.available && (option.connect === "app_password" || option.connect === "webhook")) {
    return <UnavailableReason id={`${option.id}-unavailable`} option={option} />;
  }
  switch (option.connect) {
    case "app_password":
      return <BlueskyForm onConnected={onClose} onCancel={onClose} />;
    case "webhook":
      return <WebhookForm onDone={onClose} onCancel={onClose} />;
    case "instance_oauth2":
      return <MastodonForm option={option} onCancel={onClose} />;
    case "oauth2_pkce":
      return <OAuthConnect option={option} onCancel={onClose} />;
  }
}
