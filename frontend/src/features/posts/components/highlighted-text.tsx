import { Fragment } from "react";
import { cn } from "@/lib/cn";
import { tokenize } from "../lib/content";

/** A URL cut into pieces after its separators (/ . ? & = # - _), where a line may break. */
export function urlBreakPoints(url: string): string[] {
  return url.split(/(?<=[/.?&=#_-])(?=[^/.?&=#_-])/);
}

/**
 * Post text with hashtags, mentions and links in `accent` (default: the app's accent).
 * A long link wraps only after a separator such as "/" (never in the middle of a word),
 * the way platforms show it.
 */
export function HighlightedText({ text, accent = "text-accent-text" }: { text: string; accent?: string }) {
  return (
    <>
      {tokenize(text).map((t, i) =>
        t.kind === "text" ? (
          <span key={i}>{t.text}</span>
        ) : (
          <span key={i} className={cn("font-medium", accent)} data-entity={t.kind}>
            {t.kind === "link"
              ? urlBreakPoints(t.text).map((piece, j) => (
                  <Fragment key={j}>
                    {j > 0 && <wbr />}
                    {piece}
                  </Fragment>
                ))
              : t.text}
          </span>
        ),
      )}
    </>
  );
}
