import { describe, expect, it } from "vitest";
import { isActive, NAV_SECTIONS } from "./nav-items";

describe("navigation", () => {
  it("has the nine sections of the product, in order", () => {
    expect(NAV_SECTIONS.flatMap((s) => s.items.map((i) => i.label))).toEqual([
      "Dashboard", "Compose", "Calendar", "Queue", "Channels", "Analytics", "Growth", "Reports", "Settings",
    ]);
  });
  it("matches with or without the trailing slash", () => {
    expect(isActive("/settings", "/settings/")).toBe(true);
    expect(isActive("/settings/", "/settings/")).toBe(true);
    expect(isActive("/settingsx/", "/settings/")).toBe(false);
  });
});
