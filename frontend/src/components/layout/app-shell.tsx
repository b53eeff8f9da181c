"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, type ReactNode } from "react";
import { useFocusHeadingOnNavigation } from "@/lib/use-focus-heading";
import { Icon } from "@/components/ui/icons";
import { useShellStore } from "@/stores/shell";
import { Logo } from "./logo";
import { SidebarNav } from "./sidebar-nav";
import { ThemeToggle } from "./theme-toggle";

/**
 * Sidebar + top bar. From `lg` up the sidebar is always shown; below it becomes a
 * drawer opened from the menu button (modal: Escape closes, focus returns).
 */
export function AppShell({ userMenu, notices, notifications, children }: {
  userMenu: ReactNode;
  /** Top-bar indicators (e.g. channels that need reconnecting); composed by the route. */
  notices?: ReactNode;
  /** The notifications bell, beside the account menu; composed by the route. */
  notifications?: ReactNode;
  children: ReactNode;
}) {
  const navOpen = useShellStore((s) => s.navOpen);
  const setNavOpen = useShellStore((s) => s.setNavOpen);
  const pathname = usePathname();
  const menuButton = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLDivElement>(null);

  useEffect(() => setNavOpen(false), [pathname, setNavOpen]);
  const main = useRef<HTMLElement>(null);
  const mainElement = useCallback(() => main.current, []);
  useFocusHeadingOnNavigation(pathname, mainElement);

  useEffect(() => {
    if (!navOpen) return;
    const { overflow } = document.body.style;
    document.body.style.overflow = "hidden";
    return () => {
      document.body.style.overflow = overflow;
    };
  }, [navOpen]);

  useEffect(() => {
    if (!navOpen) return;
    const panel = drawer.current;
    panel?.querySelector<HTMLElement>("a[aria-current='page'], a, button")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setNavOpen(false);
        menuButton.current?.focus();
      }
      if (event.key === "Tab" && panel) {
        const focusable = [...panel.querySelectorAll<HTMLElement>("a[href], button:not([disabled])")];
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navOpen, setNavOpen]);

  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[16rem_minmax(0,1fr)]">
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-surface px-4 py-2 text-sm font-medium text-fg shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>

      <aside className="hidden border-r border-line bg-surface lg:block">
        <div className="sticky top-0 flex h-dvh flex-col">
          <div className="flex h-16 shrink-0 items-center px-5">
            <Link href="/dashboard/" className="rounded-lg" aria-label="LetsGrow dashboard">
              <Logo />
            </Link>
          </div>
          <div className="flex-1 overflow-y-auto px-3 pt-2 pb-6">
            <SidebarNav />
          </div>
        </div>
      </aside>

      {navOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <div className="absolute inset-0 bg-black/50" aria-hidden="true" onClick={() => setNavOpen(false)} />
          <div
            ref={drawer}
            role="dialog"
            aria-modal="true"
            aria-label="Navigation"
            id="mobile-nav"
            className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col border-r border-line bg-surface shadow-xl"
          >
            <div className="flex h-16 shrink-0 items-center justify-between px-4">
              <Logo />
              <button
                type="button"
                onClick={() => {
                  setNavOpen(false);
                  menuButton.current?.focus();
                }}
                className="inline-flex size-9 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
                aria-label="Close navigation"
              >
                <Icon name="close" />
              </button>
            </div>
            <div className="flex-1 overflow-y-auto px-3 pt-2 pb-6">
              <SidebarNav onNavigate={() => setNavOpen(false)} />
            </div>
          </div>
        </div>
      )}

      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-30 flex h-16 items-center gap-2 border-b border-line bg-surface/85 px-3 backdrop-blur sm:px-6">
          <button
            ref={menuButton}
            type="button"
            onClick={() => setNavOpen(true)}
            className="inline-flex size-9 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg lg:hidden"
            aria-label="Open navigation"
            aria-expanded={navOpen}
            aria-controls="mobile-nav"
          >
            <Icon name="menu" />
          </button>
          <Link href="/dashboard/" className="rounded-lg lg:hidden" aria-label="LetsGrow dashboard">
            <Logo />
          </Link>
          <div className="ml-auto flex items-center gap-1 sm:gap-2">
            {notices}
            <ThemeToggle />
            {notifications}
            {userMenu}
          </div>
        </header>
        <main ref={main} id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-6 sm:py-8 lg:px-10">
          {children}
        </main>
      </div>
    </div>
  );
}
