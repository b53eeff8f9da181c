"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { settleArrival, withChanges } from "./url-query";

/**
 * The page's query string as state that follows the URL, and `update` to change
 * parts of it. Several updates in a row all stay, however fast they come: each is
 * applied to the latest query, not to the params of the last render.
 */
export function useUrlQuery(): {
  query: URLSearchParams;
  update: (changes: Readonly<Record<string, string>>, remove?: readonly string[]) => void;
  hrefWith: (changes: Readonly<Record<string, string>>, remove?: readonly string[]) => string;
} {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const arrived = params.toString();
  const [current, setCurrent] = useState(arrived);
  const latest = useRef(arrived);
  const pending = useRef<string[]>([]);

  useEffect(() => {
    const settled = settleArrival(pending.current, latest.current, arrived);
    pending.current = settled.pending;
    if (settled.external) {
      latest.current = arrived;
      setCurrent(arrived);
    }
  }, [arrived]);

  const toHref = useCallback((query: string) => (query ? `${pathname}?${query}` : pathname), [pathname]);

  const update = useCallback(
    (changes: Readonly<Record<string, string>>, remove: readonly string[] = []) => {
      const next = withChanges(latest.current, changes, remove);
      if (next === latest.current) return;
      latest.current = next;
      pending.current.push(next);
      setCurrent(next);
      router.replace(toHref(next), { scroll: false });
    },
    [router, toHref],
  );

  const hrefWith = useCallback(
    (changes: Readonly<Record<string, string>>, remove: readonly string[] = []) => toHref(withChanges(current, changes, remove)),
    [current, toHref],
  );

  return { query: new URLSearchParams(current), update, hrefWith };
}
