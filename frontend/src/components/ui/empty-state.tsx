import type { ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Badge } from "./badge";
import { Icon, type IconName } from "./icons";

/**
 * The honest placeholder for a part of LetsGrow that is not built yet: it says what
 * will appear here, never shows invented numbers or charts.
 */
export function EmptyState({ icon, title, children, points, status = "Not available yet", footer, narrow = false }: {
  icon: IconName;
  title: string;
  children: ReactNode;
  points?: string[];
  status?: string | null;
  footer?: ReactNode;
  /** One column of points, for a side panel. */
  narrow?: boolean;
}) {
  return (
    <div className="rounded-xl border border-dashed border-line-strong/60 bg-surface px-6 py-10 text-center sm:px-10 sm:py-14">
      <div className="mx-auto flex size-12 items-center justify-center rounded-xl bg-accent-soft text-accent-text">
        <Icon name={icon} className="size-6" />
      </div>
      {status && (
        <div className="mt-4">
          <Badge tone="neutral">{status}</Badge>
        </div>
      )}
      <h2 className="mt-3 text-lg font-semibold text-fg">{title}</h2>
      <div className="mx-auto mt-2 max-w-xl text-sm leading-6 text-muted">{children}</div>
      {points && points.length > 0 && (
        // Planned, not done: an open circle, never a tick that reads as "this works".
        <ul className={cn("mx-auto mt-6 grid max-w-xl gap-2 text-left text-sm text-fg", !narrow && "sm:grid-cols-2")} aria-label="Planned" data-testid="planned-points">
          {points.map((point) => (
            <li key={point} className="flex items-start gap-2 rounded-lg border border-dashed border-line px-3 py-2">
              <span className="mt-1.5 size-2 shrink-0 rounded-full border-2 border-muted" aria-hidden="true" />
              <span>{point}</span>
            </li>
          ))}
        </ul>
      )}
      {footer && <div className="mt-6">{footer}</div>}
    </div>
  );
}
