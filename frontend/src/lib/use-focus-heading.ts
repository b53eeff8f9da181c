import { useEffect, useRef } from "react";

/**
 * After a client-side navigation (not the first load), moves focus to the new page's
 * main heading so screen readers announce it and keyboard users start from the top.
 * Pages that load data render their heading a moment later: it is looked for up to `waitMs`.
 */
export function useFocusHeadingOnNavigation(pathname: string, root: () => HTMLElement | null, waitMs = 3_000): void {
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tryFocus = () => {
      const heading = root()?.querySelector<HTMLElement>("h1");
      if (heading) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        // Something inside the page (a dialog, an autofocus field) already took focus: leave it.
        const active = document.activeElement;
        if (active && active !== document.body && root()?.contains(active) && active !== root()) return;
        heading.focus({ preventScroll: true });
        return;
      }
      if (Date.now() - started < waitMs) timer = setTimeout(tryFocus, 50);
    };
    tryFocus();
    return () => clearTimeout(timer);
  }, [pathname, root, waitMs]);
}
