import { describe, expect, it } from "vitest";
import { changePasswordSchema, signupSchema } from "./schemas";

describe("auth schemas", () => {
  it("trims and checks the email", () => {
    expect(signupSchema.safeParse({ email: "  ada@example.com ", password: "0123456789" }).data?.email).toBe("ada@example.com");
    expect(signupSchema.safeParse({ email: "ada@", password: "0123456789" }).success).toBe(false);
  });
  it("needs a confirmed, different new password", () => {
    const issues = (input: Record<string, string>) =>
      changePasswordSchema.safeParse(input).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(issues({ current_password: "old-password", new_password: "new-password-1", confirm_password: "new-password-2" })).toEqual([
      "confirm_password: The passwords don't match.",
    ]);
    expect(issues({ current_password: "same-password", new_password: "same-password", confirm_password: "same-password" })).toEqual([
      "new_password: Choose a password different from the current one.",
    ]);
    expect(issues({ current_password: "old-password", new_password: "new-password-1", confirm_password: "new-password-1" })).toEqual([]);
  });
});
