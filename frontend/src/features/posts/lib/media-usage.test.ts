import { describe, expect, it } from "vitest";
import { formatBytes, summarizeUsage } from "./media-usage";

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe("formatBytes", () => {
  it("counts in steps of 1024, with one decimal when it is not 0", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(Math.round(12.3 * MB))).toBe("12.3 MB");
    expect(formatBytes(GB)).toBe("1 GB");
    expect(formatBytes(1.25 * GB)).toBe("1.3 GB");
  });
});

describe("summarizeUsage", () => {
  it("says what is used of what, and how many files", () => {
    expect(summarizeUsage({ used_bytes: Math.round(12.3 * MB), quota_bytes: GB, files: 14 })).toEqual({
      sentence: "You use 12.3 MB of your 1 GB for images (14 files).",
      percent: 1,
      percentText: "1% used",
      level: "ok",
    });
    expect(summarizeUsage({ used_bytes: 5 * MB, quota_bytes: GB, files: 1 }).sentence).toBe(
      "You use 5 MB of your 1 GB for images (1 file).",
    );
  });

  it("says plainly when there are no images yet", () => {
    expect(summarizeUsage({ used_bytes: 0, quota_bytes: GB, files: 0 }).sentence).toBe("You have no images yet, and 1 GB of space for them.");
  });

  it("words tiny and empty shares instead of showing 0%", () => {
    expect(summarizeUsage({ used_bytes: 0, quota_bytes: GB, files: 0 }).percentText).toBe("nothing used yet");
    expect(summarizeUsage({ used_bytes: 2 * MB, quota_bytes: GB, files: 1 }).percentText).toBe("less than 1% used");
  });

  it("warns from 90% and calls it full at the limit", () => {
    expect(summarizeUsage({ used_bytes: 0.89 * GB, quota_bytes: GB, files: 3 }).level).toBe("ok");
    expect(summarizeUsage({ used_bytes: 0.9 * GB, quota_bytes: GB, files: 3 }).level).toBe("almost");
    expect(summarizeUsage({ used_bytes: GB, quota_bytes: GB, files: 3 })).toMatchObject({ level: "full", percent: 100 });
    expect(summarizeUsage({ used_bytes: 0, quota_bytes: 0, files: 0 })).toMatchObject({ level: "full", percentText: "no space set aside" });
  });
});
