"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { errorMessage } from "@/api/errors";
import { useNotifications } from "@/api/notifications";
import { Icon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { useDismiss } from "@/lib/use-dismiss";
import { useMarkNotificationsRead } from "../api/mark-read";
import { badgeText, bellLabel, unreadCount } from "../lib/notifications";
import { NotificationItem } from "./notification-item";

/**
 * Top-bar notifications centre: a bell with the unread count and a panel of the latest
 * notifications (non-modal: Escape, a click outside or tabbing away closes it, and
 * focus returns to the bell). Polls every 30 s while the tab is visible.
 */
export function NotificationsBell() {
  const notifications = useNotifications({ poll: true });
  const markRead = useMarkNotificationsRead();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();
  const list = notifications.data ?? [];
  const unread = unreadCount(list);
  const badge = badgeText(unread);

  const closePanel = useCallback(() => setOpen(false), []);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  useEffect(() => {
    if (open) panel.current?.focus();
  }, [open]);
  useDismiss(open, closePanel, root, button);

  const now = Date.now();

  return (
    <div
      ref={root}
      className="relative"
      onBlur={(event) => {
        if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={bellLabel(unread)}
        title="Notifications"
        className="relative inline-flex size-9 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
        data-testid="notifications-button"
      >
        <Icon name="bell" className="size-5" />
        {badge && (
          <span
            aria-hidden="true"
            className="absolute top-0.5 right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-danger px-1 text-[0.625rem] leading-none font-semibold text-surface ring-2 ring-surface"
            data-testid="notifications-badge"
          >
            {badge}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={panel}
          id={panelId}
          role="dialog"
          aria-labelledby={headingId}
          tabIndex={-1}
          // Fixed to the right edge below the 4rem top bar, so it fits a 375 px screen.
          className="fixed top-16 right-2 left-2 z-40 mt-1 flex max-h-[calc(100dvh-5rem)] flex-col overflow-hidden rounded-xl border border-line bg-surface shadow-lg outline-none sm:left-auto sm:right-4 sm:w-96"
          data-testid="notifications-panel"
        >
          <div className="flex items-center justify-between gap-3 border-b border-line px-4 py-3">
            <h2 id={headingId} className="text-sm font-semibold text-fg">
              Notifications
            </h2>
            {list.length > 0 && (
              <button
                type="button"
                onClick={() => markRead.mutate({})}
                disabled={unread === 0}
                className="rounded-md px-2 py-1 text-sm font-medium text-accent-text hover:bg-subtle disabled:cursor-default disabled:text-muted disabled:hover:bg-transparent"
              >
                Mark all read
              </button>
            )}
          </div>
          <div className="min-h-0 overflow-y-auto overscroll-contain">
            {notifications.isPending ? (
              <div role="status" className="flex items-center justify-center gap-2 px-4 py-8 text-sm text-muted">
                <Spinner className="size-4" />
                Loading notifications…
              </div>
            ) : notifications.isError && !notifications.data ? (
              <div className="space-y-3 px-4 py-6 text-sm">
                <p className="text-danger">{errorMessage(notifications.error)}</p>
                <button
                  type="button"
                  onClick={() => void notifications.refetch()}
                  className="rounded-md px-2 py-1 font-medium text-accent-text hover:bg-subtle"
                >
                  Try again
                </button>
              </div>
            ) : list.length === 0 ? (
              <p className="px-4 py-8 text-center text-sm text-muted" data-testid="notifications-empty">
                Nothing new. Problems with channels or posts show up here.
              </p>
            ) : (
              <ul className="divide-y divide-line" aria-labelledby={headingId}>
                {list.map((n) => (
                  <NotificationItem
                    key={n.id}
                    notification={n}
                    now={now}
                    onOpen={(leaves) => {
                      if (!n.read_at) markRead.mutate({ ids: [n.id] });
                      if (leaves) close();
                    }}
                  />
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
