import { cn } from "@/lib/cn";
import { stateStyle } from "../lib/states";

/** A target's state in its colour (the word is always written: colour is never the only cue). */
export function StateBadge({ state, className, prefix }: { state: string; className?: string; prefix?: string }) {
  const style = stateStyle(state);
  return (
    <span
      className={cn("inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs font-medium", style.chip, className)}
      data-testid="state-badge"
      data-state={state}
      data-tone={style.tone}
    >
      <span className={cn("size-1.5 rounded-full", style.dot)} aria-hidden="true" />
      {prefix && <span className="sr-only">{prefix}</span>}
      {style.label}
    </span>
  );
}
