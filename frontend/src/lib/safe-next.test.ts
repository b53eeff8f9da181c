import { describe, expect, it } from "vitest";
import { loginUrl, safeNext } from "./safe-next";

describe("safeNext", () => {
  it.each([
    ["/settings/", "/settings/"],
    ["/calendar/?view=week#today", "/calendar/?view=week#today"],
    [null, "/dashboard/"],
    ["", "/dashboard/"],
    ["https://evil.example/", "/dashboard/"],
    ["//evil.example/", "/dashboard/"],
    ["/\\evil.example", "/dashboard/"],
    ["javascript:alert(1)", "/dashboard/"],
    ["/login/", "/dashboard/"],
    ["/signup?next=/x", "/dashboard/"],
    ["/loginx/", "/loginx/"],
  ])("%s → %s", (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});

describe("loginUrl", () => {
  it("carries the current page", () => {
    expect(loginUrl("/settings/?tab=1")).toBe("/login/?next=%2Fsettings%2F%3Ftab%3D1");
  });
  it("drops a useless next", () => {
    expect(loginUrl("/")).toBe("/login/");
    expect(loginUrl("//evil")).toBe("/login/");
  });
});
