"use client";

import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";

export default function AppError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-lg space-y-4 py-10">
      <h1 className="text-xl font-semibold text-fg">Something went wrong on this page</h1>
      <Notice tone="error">The page hit an unexpected error. Your data is safe; try loading it again.</Notice>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
