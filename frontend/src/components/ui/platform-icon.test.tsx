import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PLATFORM_NAMES } from "@/lib/platform-names";
import { PlatformIcon } from "./platform-icon";

describe("PlatformIcon", () => {
  it("draws every platform's logo as an SVG path from the bundle, never letters", () => {
    for (const platform of Object.keys(PLATFORM_NAMES)) {
      const { container, unmount } = render(<PlatformIcon platform={platform} />);
      const tile = container.querySelector(`[data-platform-icon='${platform}']`);
      expect(tile, platform).not.toBeNull();
      expect(tile?.getAttribute("aria-hidden")).toBe("true");
      const paths = tile?.querySelectorAll("svg path") ?? [];
      expect(paths.length, platform).toBeGreaterThan(0);
      expect(tile?.querySelector("text"), platform).toBeNull();
      expect(tile?.textContent, platform).toBe("");
      unmount();
    }
  });
});
