"use client";

import { Suspense, useRef, useState } from "react";
import { errorMessage } from "@/api/errors";
import { useNotifications } from "@/api/notifications";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { PageLoader } from "@/components/ui/spinner";
import { useChannels } from "../api/list-channels";
import { needsReconnect } from "../lib/health";
import { ChannelCard } from "./channel-card";
import { ConnectPanel } from "./connect-panel";
import { OAuthReturn } from "./oauth-return";
import { ReconnectNotice } from "./reconnect-notice";

const PANEL_ID = "connect-channel";

/**
 * The Channels page: reconnect banner, connect panel, and the list (or its empty state);
 * also where the server's OAuth callback sends the browser back to (OAuthReturn).
 */
export function ChannelsView() {
  const channels = useChannels();
  const notifications = useNotifications();
  const [connectOpen, setConnectOpen] = useState(false);
  const openButton = useRef<HTMLButtonElement>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const list = channels.data ?? [];

  const closePanel = () => {
    setConnectOpen(false);
    requestAnimationFrame(() => openButton.current?.focus());
  };

  return (
    <>
      <Suspense fallback={null}>
        <OAuthReturn />
      </Suspense>
      <PageHeader
        title="Channels"
        description="The accounts and endpoints LetsGrow publishes to, with the health of each."
        actions={
          <Button
            ref={openButton}
            onClick={() => (connectOpen ? closePanel() : setConnectOpen(true))}
            aria-expanded={connectOpen}
            aria-controls={connectOpen ? PANEL_ID : undefined}
          >
            <Icon name="plus" className="size-4" />
            Connect a channel
          </Button>
        }
      />

      <ReconnectNotice channels={needsReconnect(list)} notifications={notifications.data} />

      {connectOpen && <ConnectPanel id={PANEL_ID} onClose={closePanel} />}

      {channels.isPending ? (
        <PageLoader label="Loading your channels…" />
      ) : channels.isError ? (
        <Notice tone="error">{errorMessage(channels.error)}</Notice>
      ) : list.length === 0 ? (
        !connectOpen && (
          <EmptyState
            icon="channels"
            title="No channels connected yet"
            status={null}
            footer={
              <Button onClick={() => setConnectOpen(true)}>
                <Icon name="plus" className="size-4" />
                Connect your first channel
              </Button>
            }
          >
            Connect Bluesky with an app password; Mastodon, X, LinkedIn, Reddit, Instagram or Threads by approving
            LetsGrow on the platform; or a webhook that delivers your posts to Discord, Slack, n8n or your own
            endpoint.
          </EmptyState>
        )
      ) : (
        <section aria-labelledby="channel-list-heading">
          <h2
            id="channel-list-heading"
            ref={listHeading}
            tabIndex={-1}
            className="mb-3 text-sm font-medium text-muted outline-none"
          >
            {list.length === 1 ? "1 connected channel" : `${list.length} connected channels`}
          </h2>
          <ul className="space-y-3" data-testid="channel-list">
            {list.map((channel) => (
              <ChannelCard
                key={channel.id}
                channel={channel}
                onDisconnected={() => requestAnimationFrame(() => (listHeading.current ?? openButton.current)?.focus())}
              />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
