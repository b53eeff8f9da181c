import { describe, expect, it } from "vitest";
import { hasChosenTimezone, markTimezoneChosen, suggestedTimezone } from "./timezone-choice";

const user = { id: "u1", timezone: "UTC" };

describe("time zone default", () => {
  it("suggests the browser zone while the account is still on UTC", () => {
    expect(suggestedTimezone(user, "Europe/Berlin")).toBe("Europe/Berlin");
  });
  it("suggests nothing once the user has chosen (even UTC)", () => {
    markTimezoneChosen("u1");
    expect(hasChosenTimezone(user)).toBe(true);
    expect(suggestedTimezone(user, "Europe/Berlin")).toBeNull();
  });
  it("never overrides a zone already on the account", () => {
    expect(suggestedTimezone({ id: "u2", timezone: "Asia/Tokyo" }, "Europe/Berlin")).toBeNull();
  });
  it("has nothing to suggest when the browser is on UTC", () => {
    expect(suggestedTimezone({ id: "u3", timezone: "UTC" }, "UTC")).toBeNull();
  });
});
