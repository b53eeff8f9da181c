/**
 * How the Settings page says how much of the media allowance is used. Sizes count in
 * steps of 1024 (1 MB = 1024 × 1024 bytes), as the server's own "library is full" message does.
 */

const UNITS = ["KB", "MB", "GB", "TB"] as const;

/** "512 bytes", "3.4 KB", "12.3 MB", "1 GB": one decimal, dropped when it is 0. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded.toFixed(rounded % 1 === 0 ? 0 : 1)} ${UNITS[unit]}`;
}

export type UsageLevel = "ok" | "almost" | "full";

export interface UsageSummary {
  /** "You use 12.3 MB of your 1 GB for images (14 files)." */
  sentence: string;
  /** Whole percent used, 0–100 (for the bar). */
  percent: number;
  /** "1% used", "less than 1% used": what the bar shows, in words. */
  percentText: string;
  level: UsageLevel;
}

/** At or above this share (90%) the page warns that space is running out. */
export const ALMOST_FULL = 0.9;

export function summarizeUsage({ used_bytes, quota_bytes, files }: { used_bytes: number; quota_bytes: number; files: number }): UsageSummary {
  const fileWord = files === 1 ? "1 file" : `${files} files`;
  const sentence =
    files === 0 && used_bytes === 0
      ? `You have no images yet, and ${formatBytes(quota_bytes)} of space for them.`
      : `You use ${formatBytes(used_bytes)} of your ${formatBytes(quota_bytes)} for images (${fileWord}).`;
  if (quota_bytes <= 0) return { sentence, percent: 100, percentText: "no space set aside", level: "full" };
  const share = used_bytes / quota_bytes;
  const percent = Math.min(100, Math.round(share * 100));
  const percentText =
    used_bytes === 0 ? "nothing used yet" : share < 0.01 ? "less than 1% used" : `${percent}% used`;
  const level: UsageLevel = share >= 1 ? "full" : share >= ALMOST_FULL ? "almost" : "ok";
  return { sentence, percent, percentText, level };
}
