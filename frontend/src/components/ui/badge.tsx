import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

const tones = {
  neutral: "bg-subtle text-muted ring-line",
  accent: "bg-accent-soft text-accent-text ring-accent/25",
  warn: "bg-warn-soft text-warn-text ring-warn-text/25",
  danger: "bg-danger-soft text-danger ring-danger/30",
} as const;

export type BadgeTone = keyof typeof tones;

export function Badge({ children, tone = "neutral", testId }: { children: ReactNode; tone?: BadgeTone; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", tones[tone])}
    >
      {children}
    </span>
  );
}
