"use client";

import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import { useTextCheck } from "../api/check-text";
import type { Platform, WebhookFormat } from "../api/types";

function sentence(message: string): string {
  const text = message.trim();
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * The platform's count for one text (`weighted_length / max`, as text_check counts it),
 * red with the platform's reason when a rule is broken. Empty text is the form's
 * business, not the counter's.
 */
export function TextCounter({ platform, text, maxOverride = null, format = null, label }: {
  platform: Platform;
  text: string;
  maxOverride?: number | null;
  /** A webhook's format (its receiver's limit). */
  format?: WebhookFormat | null;
  /** Defaults to the platform's name. */
  label?: string;
}) {
  const check = useTextCheck(platform, text, maxOverride, format);
  const result = check.data;
  const violations = (result?.violations ?? []).filter((v) => v.code !== "empty");
  const invalid = violations.length > 0;
  const name = label ?? platformLabel(platform);
  const count = result
    ? result.max != null
      ? `${result.weighted_length} / ${result.max}`
      : `${result.weighted_length} character${result.weighted_length === 1 ? "" : "s"}`
    : "…";

  // Not dimmed while a check runs: lower opacity would fail text contrast.
  return (
    <div className="min-w-0" data-testid="text-counter" data-platform={platform} data-valid={result ? String(!invalid) : undefined}>
      <span
        className={cn(
          "inline-flex items-center gap-1.5 rounded-md px-1.5 py-0.5 text-xs tabular-nums",
          invalid ? "bg-danger-soft font-semibold text-danger" : "text-muted",
        )}
        aria-busy={check.pending || undefined}
        title={result?.max == null && result ? `${name} has no length limit` : undefined}
      >
        <span>{name}</span>
        <span data-testid="counter-value">{count}</span>
        {result?.max == null && result && <span className="sr-only">, no limit</span>}
      </span>
      <div aria-live="polite">
        {invalid && (
          <ul className="mt-1 space-y-0.5 text-xs text-danger" data-testid="counter-violations">
            {violations.map((v) => (
              <li key={`${v.code}-${v.message}`}>{sentence(v.message)}</li>
            ))}
          </ul>
        )}
        {check.isError && !result && <p className="mt-1 text-xs text-muted">Couldn&apos;t check the length right now.</p>}
      </div>
    </div>
  );
}
