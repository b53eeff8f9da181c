import type { Metadata } from "next";
import Link from "next/link";
import { Logo } from "@/components/layout/logo";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 text-center">
      <Logo />
      <div className="space-y-2">
        <p className="text-sm font-medium text-accent-text">404</p>
        <h1 className="text-2xl font-semibold tracking-tight text-fg">This page doesn&apos;t exist</h1>
        <p className="text-muted">Check the address, or head back to your dashboard.</p>
      </div>
      <Link href="/dashboard/" className={buttonClasses("primary")}>
        Go to the dashboard
      </Link>
    </main>
  );
}
