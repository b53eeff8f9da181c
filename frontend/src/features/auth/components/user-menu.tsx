"use client";

import Link from "next/link";
import { useCallback, useId, useRef, useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Icon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { useDismiss } from "@/lib/use-dismiss";
import { useLogout } from "../api/logout";
import { useMe } from "../api/me";

/** Top-bar account menu (disclosure: a button and a panel of links). */
export function UserMenu() {
  const me = useMe();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const closeMenu = useCallback(() => setOpen(false), []);
  const email = me.data?.email ?? "";
  const initial = email ? email[0]?.toUpperCase() : "";

  useDismiss(open, closeMenu, root, button);

  // mutateAsync, not mutate(…, callbacks): this menu unmounts as soon as the session ends.
  const onLogout = async () => {
    try {
      await logout.mutateAsync();
      toast.success("You're logged out.");
    } catch (error) {
      toast.error(`Logged out on this device. ${errorMessage(error)}`);
    }
  };

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
        aria-label={email ? `Account menu for ${email}` : "Account menu"}
        className="flex items-center gap-2 rounded-lg py-1 pr-2 pl-1 text-sm hover:bg-subtle"
        data-testid="user-menu-button"
      >
        <span className="flex size-8 items-center justify-center rounded-full bg-accent-soft font-semibold text-accent-text">
          {initial || <Icon name="user" className="size-4" />}
        </span>
        <span className="hidden max-w-48 truncate text-fg sm:block">{email}</span>
        <Icon name="chevronDown" className="size-4 text-muted" />
      </button>
      {open && (
        <div
          id={panelId}
          className="absolute right-0 z-40 mt-2 w-64 overflow-hidden rounded-xl border border-line bg-surface shadow-lg"
        >
          <div className="border-b border-line px-4 py-3">
            <p className="text-xs text-muted">Signed in as</p>
            <p className="truncate text-sm font-medium text-fg">{email}</p>
          </div>
          <ul className="p-1.5">
            <li>
              <Link
                href="/settings/"
                onClick={() => setOpen(false)}
                className="flex items-center gap-2.5 rounded-lg px-3 py-2 text-sm text-fg hover:bg-subtle"
              >
                <Icon name="settings" className="size-4 text-muted" />
                Settings
              </Link>
            </li>
            <li>
              <button
                type="button"
                onClick={onLogout}
                disabled={logout.isPending}
                className="flex w-full items-center gap-2.5 rounded-lg px-3 py-2 text-left text-sm text-fg hover:bg-subtle"
              >
                {logout.isPending ? <Spinner className="size-4" /> : <Icon name="logout" className="size-4 text-muted" />}
                Log out
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
