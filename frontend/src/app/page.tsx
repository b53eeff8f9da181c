"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { PageLoader } from "@/components/ui/spinner";

/** `/` has no content of its own: go to the dashboard (which asks to log in if needed). */
export default function Home() {
  const router = useRouter();
  useEffect(() => router.replace("/dashboard/"), [router]);
  return (
    <main>
      <h1 className="sr-only">LetsGrow</h1>
      <PageLoader label="Opening LetsGrow…" />
    </main>
  );
}
