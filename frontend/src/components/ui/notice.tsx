import type { ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Icon } from "./icons";

const tones = {
  info: { box: "border-line bg-subtle text-fg", icon: "info" as const, iconClass: "text-muted" },
  warn: { box: "border-warn-text/30 bg-warn-soft text-warn-text", icon: "info" as const, iconClass: "" },
  error: { box: "border-danger/35 bg-danger-soft text-danger", icon: "alert" as const, iconClass: "" },
};

/**
 * An inline message. `live` makes screen readers announce it when it appears
 * (form-level errors); it is not `role="alert"` so tests never confuse it with
 * Next's route announcer.
 */
export function Notice({ tone = "info", children, live = false, className, testId }: {
  tone?: keyof typeof tones;
  children: ReactNode;
  live?: boolean;
  className?: string;
  testId?: string;
}) {
  const t = tones[tone];
  return (
    <div
      className={cn("flex gap-2.5 rounded-lg border px-3.5 py-3 text-sm", t.box, className)}
      aria-live={live ? "assertive" : undefined}
      data-testid={testId}
    >
      <Icon name={t.icon} className={cn("mt-px size-4.5 shrink-0", t.iconClass)} />
      <div className="min-w-0 space-y-2">{children}</div>
    </div>
  );
}
