"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useSession } from "@/api/session";
import { PageLoader } from "@/components/ui/spinner";
import { loginUrl, safeNext } from "@/lib/safe-next";
import { restoreSession } from "../api/restore";

function currentLocation(pathname: string): string {
  return pathname + (typeof window === "undefined" ? "" : window.location.search);
}

/** Renders its children only for a signed-in user; others go to /login?next=<here>. */
export function RequireSession({ children }: { children: ReactNode }) {
  const status = useSession((s) => s.status);
  const endedBy = useSession((s) => s.endedBy);
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => {
    void restoreSession();
  }, []);

  useEffect(() => {
    if (status !== "anonymous") return;
    router.replace(endedBy === "logout" ? "/login/" : loginUrl(currentLocation(pathname)));
  }, [status, endedBy, router, pathname]);

  if (status !== "authenticated") return <PageLoader label="Checking your session…" />;
  return <>{children}</>;
}

/** For the log-in and sign-up pages: a signed-in user goes on to ?next= (or the dashboard). */
export function GuestOnly({ children }: { children: ReactNode }) {
  const status = useSession((s) => s.status);
  const router = useRouter();

  useEffect(() => {
    void restoreSession();
  }, []);

  useEffect(() => {
    if (status !== "authenticated") return;
    const next = new URLSearchParams(window.location.search).get("next");
    router.replace(safeNext(next));
  }, [status, router]);

  if (status !== "anonymous") return <PageLoader />;
  return <>{children}</>;
}
