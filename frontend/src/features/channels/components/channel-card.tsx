"use client";

import { useRef, useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { Badge } from "@/components/ui/badge";
import { useDisconnectChannel } from "../api/disconnect-channel";
import { useTestChannel } from "../api/test-channel";
import { useSetChannelPaused } from "../api/update-channel";
import type { Channel } from "../api/types";
import { channelHealth, formatLocalTime } from "../lib/health";
import { hasPublishingSettings, settingsSummary } from "../lib/channel-settings";
import { channelKind } from "../lib/platforms";
import { ChannelName } from "./channel-name";
import { ChannelSettingsEditor } from "./channel-settings-editor";
import { HealthBadge } from "./health-badge";
import { QueueSlotsEditor } from "./queue-slots-editor";
import { PlatformIcon } from "@/components/ui/platform-icon";

/**
 * One connected channel: what it is, its health, queue slots, publishing settings (Reddit
 * and Mastodon), Pause/Resume, Test and Disconnect (confirmed first).
 */
export function ChannelCard({ channel, onDisconnected }: { channel: Channel; onDisconnected?: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [slotsOpen, setSlotsOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsButton = useRef<HTMLButtonElement>(null);
  const test = useTestChannel();
  const pause = useSetChannelPaused();
  const paused = Boolean(channel.paused_at);
  const disconnect = useDisconnectChannel();
  const trigger = useRef<HTMLButtonElement>(null);
  const kind = channelKind(channel.platform, channel.settings);
  const headingId = `channel-${channel.id}`;
  const editable = hasPublishingSettings(channel.platform);
  const summary = settingsSummary(channel);

  const closeSettings = () => {
    setSettingsOpen(false);
    requestAnimationFrame(() => settingsButton.current?.focus());
  };

  const runTest = async () => {
    try {
      const checked = await test.mutateAsync(channel.id);
      const health = channelHealth(checked);
      if (checked.status === "ok") toast.success(`${checked.handle} works.`);
      else toast.error(`${checked.handle}: ${health.label}.${health.detail ? ` ${health.detail}` : ""}`);
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  const togglePaused = async () => {
    try {
      await pause.mutateAsync({ id: channel.id, paused: !paused });
      toast.success(paused ? `Resumed ${channel.handle}: waiting posts go out now.` : `Paused ${channel.handle}: its posts wait until you resume.`);
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  const confirmDisconnect = async () => {
    try {
      await disconnect.mutateAsync(channel.id);
      toast.success(`Disconnected ${channel.handle}. Its stored credentials were deleted.`);
      onDisconnected?.();
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  return (
    <li
      aria-labelledby={headingId}
      className="rounded-xl border border-line bg-surface shadow-xs"
      data-testid="channel-card"
      data-platform={channel.platform}
    >
      <div className="flex flex-col gap-4 px-4 py-4 sm:flex-row sm:items-start sm:px-5">
        <div className="flex min-w-0 flex-1 gap-3.5">
          <PlatformIcon platform={channel.platform} />
          <div className="min-w-0 flex-1 space-y-1">
            <ChannelName channel={channel} headingId={headingId} />
            <p className="text-sm text-muted">
              <span>{kind}</span>
              <span aria-hidden="true"> · </span>
              <span className="break-all">{channel.base_url}</span>
            </p>
            {summary && (
              <p className="text-sm break-words text-muted" data-testid="channel-settings-summary">
                {summary}
              </p>
            )}
            <p className="text-sm text-muted" data-testid="channel-last-checked">
              {channel.last_checked_at ? (
                <>
                  Last checked <time dateTime={channel.last_checked_at}>{formatLocalTime(channel.last_checked_at)}</time>
                </>
              ) : (
                "Not checked since it was connected"
              )}
              {channel.last_outcome_at && (
                <>
                  <span aria-hidden="true"> · </span>
                  Last post sent <time dateTime={channel.last_outcome_at}>{formatLocalTime(channel.last_outcome_at)}</time>
                </>
              )}
            </p>
          </div>
        </div>
        <div className="space-y-1 sm:max-w-72 sm:text-right">
          <HealthBadge channel={channel} />
          {paused && (
            <div data-testid="channel-paused">
              <Badge tone="warn">
                <Icon name="pause" className="size-3" />
                Paused
              </Badge>
            </div>
          )}
        </div>
      </div>
      {slotsOpen && (
        <section id={`${headingId}-slots`} aria-label={`Queue slots for ${channel.handle}`} className="border-t border-line">
          <QueueSlotsEditor channelId={channel.id} handle={channel.handle} />
        </section>
      )}
      {editable && settingsOpen && (
        <section
          id={`${headingId}-settings`}
          aria-label={`Publishing settings for ${channel.handle}`}
          className="border-t border-line"
        >
          <ChannelSettingsEditor channel={channel} onClose={closeSettings} />
        </section>
      )}
      <div className="flex flex-wrap items-center justify-end gap-2 rounded-b-xl border-t border-line bg-subtle/60 px-4 py-3 sm:px-5">
        {confirming ? (
          <div className="flex w-full flex-wrap items-center justify-end gap-2" role="group" aria-label={`Confirm disconnecting ${channel.handle}`}>
            <p className="mr-auto text-sm text-fg">
              Disconnect <strong className="break-all">{channel.handle}</strong>? Its stored credentials are deleted.
            </p>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => trigger.current?.focus());
              }}
            >
              Cancel
            </Button>
            <Button variant="danger" size="sm" onClick={confirmDisconnect} loading={disconnect.isPending} autoFocus>
              Yes, disconnect
            </Button>
          </div>
        ) : (
          <>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => setSlotsOpen((o) => !o)}
              aria-expanded={slotsOpen}
              aria-controls={slotsOpen ? `${headingId}-slots` : undefined}
              aria-label={`Queue slots for ${channel.handle}`}
            >
              <Icon name="clock" className="size-4" />
              Queue slots
            </Button>
            {editable && (
              <Button
                ref={settingsButton}
                variant="ghost"
                size="sm"
                onClick={() => setSettingsOpen((o) => !o)}
                aria-expanded={settingsOpen}
                aria-controls={settingsOpen ? `${headingId}-settings` : undefined}
                aria-label={`Publishing settings for ${channel.handle}`}
              >
                <Icon name="settings" className="size-4" />
                Settings
              </Button>
            )}
            <Button
              variant="secondary"
              size="sm"
              onClick={togglePaused}
              loading={pause.isPending}
              aria-label={`${paused ? "Resume" : "Pause"} ${channel.handle}`}
            >
              {!pause.isPending && <Icon name={paused ? "play" : "pause"} className="size-4" />}
              {paused ? "Resume" : "Pause"}
            </Button>
            <Button variant="secondary" size="sm" onClick={runTest} loading={test.isPending} aria-label={`Test ${channel.handle}`}>
              {!test.isPending && <Icon name="activity" className="size-4" />}
              Test
            </Button>
            <Button
              ref={trigger}
              variant="danger"
              size="sm"
              onClick={() => setConfirming(true)}
              aria-label={`Disconnect ${channel.handle}`}
            >
              <Icon name="trash" className="size-4" />
              Disconnect
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
