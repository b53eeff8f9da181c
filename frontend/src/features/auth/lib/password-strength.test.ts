import { describe, expect, it } from "vitest";
import { passwordStrength } from "./password-strength";

describe("passwordStrength", () => {
  it("says how many characters are missing", () => {
    expect(passwordStrength("abc")).toMatchObject({ score: 0, label: "Too short" });
    expect(passwordStrength("abcdefghi").hint).toContain("1 more character ");
  });
  it("flags common words and the email name", () => {
    expect(passwordStrength("password2024!").label).toBe("Weak");
    expect(passwordStrength("janedoe-rocks", "janedoe@example.com").label).toBe("Weak");
  });
  it("flags repeated characters", () => {
    expect(passwordStrength("aaaaaaaaaaaa").label).toBe("Weak");
  });
  it("rates long, varied passwords higher", () => {
    const fair = passwordStrength("tulipmarble").score;
    const strong = passwordStrength("Tulip-Marble-Orbit-42").score;
    expect(strong).toBe(4);
    expect(strong).toBeGreaterThan(fair);
  });
});
