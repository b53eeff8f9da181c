import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/errors";
import { applyServerError, fieldSentence } from "./server-errors";

type Form = { email: string; password: string };

function apiError(status: number, code: string, message: string, fields?: Record<string, string>) {
  return new ApiError(status, { code, message, details: fields ? { fields } : {} });
}

describe("fieldSentence", () => {
  it("turns the server's fragments into sentences", () => {
    expect(fieldSentence("Current password", "is wrong")).toBe("Current password is wrong.");
    expect(fieldSentence("Password", "must be at least 10 characters")).toBe("Password must be at least 10 characters.");
    expect(fieldSentence("Email", "This email is taken.")).toBe("This email is taken.");
  });
});

describe("applyServerError", () => {
  it("sets each named field and focuses the first", () => {
    const setError = vi.fn();
    const rest = applyServerError<Form>(
      apiError(422, "validation_failed", "2 fields are invalid.", { email: "must be an email address", password: "is too common" }),
      setError,
      { email: "Email", password: "Password" },
    );
    expect(rest).toBeNull();
    expect(setError).toHaveBeenCalledWith("email", { type: "server", message: "Email must be an email address." }, { shouldFocus: true });
    expect(setError).toHaveBeenCalledWith("password", { type: "server", message: "Password is too common." }, { shouldFocus: false });
  });

  it("maps an error code to a field", () => {
    const setError = vi.fn();
    applyServerError<Form>(apiError(409, "email_taken", "That email is already registered."), setError, { email: "Email" }, {
      email_taken: "email",
    });
    expect(setError).toHaveBeenCalledWith("email", { type: "server", message: "That email is already registered." }, { shouldFocus: true });
  });

  it("returns what no field can show", () => {
    const setError = vi.fn();
    expect(applyServerError<Form>(apiError(401, "invalid_credentials", "Wrong email or password."), setError, { email: "Email" })).toBe(
      "Wrong email or password.",
    );
    expect(applyServerError<Form>(apiError(422, "validation_failed", "x", { captcha: "is missing" }), setError, { email: "Email" })).toBe(
      "captcha is missing.",
    );
    expect(setError).not.toHaveBeenCalled();
  });
});
