import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeChannel } from "../test-data";
import { BlueskyForm } from "./bluesky-form";

vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

async function fill(identifier: string, password: string, service = "") {
  const user = userEvent.setup();
  if (identifier) await user.type(screen.getByLabelText("Handle, DID or email"), identifier);
  if (password) await user.type(screen.getByLabelText("App password"), password);
  if (service) await user.type(screen.getByLabelText("PDS URL (optional)"), service);
  await user.click(screen.getByRole("button", { name: "Connect Bluesky" }));
}

function errorOf(label: string): string | null {
  const input = screen.getByLabelText(label);
  if (input.getAttribute("aria-invalid") !== "true") return null;
  const id = input.getAttribute("aria-describedby");
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe("BlueskyForm", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("explains where an app password comes from", () => {
    renderWithClient(<BlueskyForm onConnected={vi.fn()} />);
    const input = screen.getByLabelText("App password");
    const hint = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toContain("Settings → App passwords");
    expect(document.querySelector("a[href^='http']")).toBeNull();
  });

  it("validates locally before calling the server", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<BlueskyForm onConnected={vi.fn()} />);
    await fill("", "", "bsky.social");
    expect(await screen.findByText("Enter your handle, DID or email address.")).toBeTruthy();
    expect(errorOf("App password")).toBe("Enter an app password.");
    expect(errorOf("PDS URL (optional)")).toContain("full URL");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("puts a platform_rejected error on the app password field", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(422, {
          error: {
            code: "platform_rejected",
            message: "Bluesky refused this handle or app password (Invalid identifier or password).",
            details: { fields: { app_password: "Bluesky refused this handle or app password (Invalid identifier or password)." } },
          },
        }),
    });
    const onConnected = vi.fn();
    renderWithClient(<BlueskyForm onConnected={onConnected} />);
    await fill("alice.test", "wrong-password");
    await vi.waitFor(() => expect(errorOf("App password")).toContain("Bluesky refused this handle or app password"));
    expect(errorOf("Handle, DID or email")).toBeNull();
    expect(screen.queryByTestId("connect-error")).toBeNull();
    expect(onConnected).not.toHaveBeenCalled();
  });

  it("puts validation_failed fields on each named field, and the PDS URL one too", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(422, {
          error: {
            code: "validation_failed",
            message: "2 fields are invalid.",
            details: { fields: { identifier: "is required", service_url: "must be an https URL" } },
          },
        }),
    });
    renderWithClient(<BlueskyForm onConnected={vi.fn()} />);
    await fill("  x ", "pw", "http://pds.example");
    await vi.waitFor(() => expect(errorOf("Handle, DID or email")).toBe("Handle, DID or email is required."));
    expect(errorOf("PDS URL (optional)")).toBe("PDS URL must be an https URL.");
  });

  it("shows an unreachable PDS on the form, with the advice to check the URL", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(502, {
          error: {
            code: "platform_unavailable",
            message: "could not reach the Bluesky PDS at http://127.0.0.1:9 (connection refused); check the PDS URL",
            details: {},
          },
        }),
    });
    renderWithClient(<BlueskyForm onConnected={vi.fn()} />);
    await fill("alice.test", "abcd-efgh-ijkl-mnop", "http://127.0.0.1:9");
    const notice = await screen.findByTestId("connect-error");
    expect(notice.textContent).toBe(
      "Could not reach the Bluesky PDS at http://127.0.0.1:9 (connection refused); check the PDS URL.",
    );
    expect(notice.getAttribute("aria-live")).toBe("assertive");
  });

  it("shows a duplicate account (409) on the handle field", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(409, { error: { code: "channel_exists", message: "This account is already connected as a channel." } }),
    });
    renderWithClient(<BlueskyForm onConnected={vi.fn()} />);
    await fill("alice.test", "abcd-efgh-ijkl-mnop");
    await vi.waitFor(() => expect(errorOf("Handle, DID or email")).toBe("This account is already connected as a channel."));
  });

  it("sends the trimmed fields, without an empty PDS URL, and reports the channel", async () => {
    const channel = makeChannel();
    const { calls } = mockApi({ "POST /api/v1/channels": () => jsonResponse(201, { channel }) });
    const onConnected = vi.fn();
    renderWithClient(<BlueskyForm onConnected={onConnected} />);
    await fill("alice.bsky.social ", "abcd-efgh-ijkl-mnop");
    await vi.waitFor(() => expect(onConnected).toHaveBeenCalledWith(channel));
    expect(await calls[0]?.json()).toEqual({
      platform: "bluesky",
      identifier: "alice.bsky.social",
      app_password: "abcd-efgh-ijkl-mnop",
    });
  });
});
