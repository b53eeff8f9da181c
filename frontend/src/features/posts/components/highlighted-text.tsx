import { cn } from "@/lib/cn";
import { tokenize } from "../lib/content";

/** Post text with hashtags, mentions and links in `accent` (default: the app's accent). */
export function HighlightedText({ text, accent = "text-accent-text" }: { text: string; accent?: string }) {
  return (
    <>
      {tokenize(text).map((t, i) =>
        t.kind === "text" ? (
          <span key={i}>{t.text}</span>
        ) : (
          <span key={i} className={cn("font-medium", accent, t.kind === "link" && "break-all")} data-entity={t.kind}>
            {t.text}
          </span>
        ),
      )}
    </>
  );
}
