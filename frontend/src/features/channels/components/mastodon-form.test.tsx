import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { connectOptions } from "../lib/platforms";
import { makePlatforms } from "../test-data";
import { MastodonForm } from "./mastodon-form";

const LABEL = "Mastodon server";

function mastodon(available = true) {
  const reason = available ? null : "Mastodon is switched off on this server.";
  return connectOptions(makePlatforms({ mastodon: { available, reason } })).find((o) => o.id === "mastodon")!;
}

function errorOf(label: string): string | null {
  const input = screen.getByLabelText(label);
  if (input.getAttribute("aria-invalid") !== "true") return null;
  return document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent ?? null;
}

async function submit(server: string) {
  const user = userEvent.setup();
  if (server) await user.type(screen.getByLabelText(LABEL), server);
  await user.click(screen.getByRole("button", { name: "Continue" }));
  return user;
}

describe("MastodonForm", () => {
  let assign: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("says what will happen and asks which server the account is on", () => {
    renderWithClient(<MastodonForm option={mastodon()} />);
    expect(screen.getByRole("form", { name: "Connect Mastodon" }).textContent).toContain(
      "You'll approve LetsGrow on your Mastodon server and come back here.",
    );
    const hint = document.getElementById(screen.getByLabelText(LABEL).getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toContain("@alice@mastodon.social");
  });

  it("validates the server address before calling the server", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<MastodonForm option={mastodon()} />);
    const user = await submit("");
    await vi.waitFor(() => expect(errorOf(LABEL)).toBe("Enter your Mastodon server, for example mastodon.social."));
    await user.type(screen.getByLabelText(LABEL), "not a server");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    await vi.waitFor(() =>
      expect(errorOf(LABEL)).toBe("Enter a server address such as mastodon.social or https://mastodon.social."),
    );
    expect(screen.getByLabelText(LABEL).getAttribute("aria-invalid")).toBe("true");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends the server's https origin and goes to its authorization page", async () => {
    const url = "https://mastodon.social/oauth/authorize?client_id=c&state=s";
    const { calls } = mockApi({ "POST /api/v1/channels/oauth/start": () => jsonResponse(200, { authorize_url: url }) });
    renderWithClient(<MastodonForm option={mastodon()} />);
    await submit(" mastodon.social/@alice ");
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(url));
    expect(await calls[0]?.json()).toEqual({ platform: "mastodon", instance_url: "https://mastodon.social" });
  });

  it("puts the server's instance_url error on the field", async () => {
    mockApi({
      "POST /api/v1/channels/oauth/start": () =>
        jsonResponse(422, {
          error: {
            code: "validation_failed",
            message: "One field is invalid.",
            details: { fields: { instance_url: "must be an https URL" } },
          },
        }),
    });
    renderWithClient(<MastodonForm option={mastodon()} />);
    await submit("http://mastodon.example");
    await vi.waitFor(() => expect(errorOf(LABEL)).toBe("Mastodon server must be an https URL."));
    expect(screen.queryByTestId("connect-error")).toBeNull();
    expect(assign).not.toHaveBeenCalled();
  });

  it("shows an unreachable server (502) on the field, as a sentence", async () => {
    mockApi({
      "POST /api/v1/channels/oauth/start": () =>
        jsonResponse(502, {
          error: {
            code: "platform_unavailable",
            message: "could not reach the Mastodon server at https://nowhere.example (dns error); check the address",
            details: {},
          },
        }),
    });
    renderWithClient(<MastodonForm option={mastodon()} />);
    await submit("nowhere.example");
    await vi.waitFor(() =>
      expect(errorOf(LABEL)).toBe(
        "Could not reach the Mastodon server at https://nowhere.example (dns error); check the address.",
      ),
    );
    expect(document.activeElement).toBe(screen.getByLabelText(LABEL));
    expect(assign).not.toHaveBeenCalled();
  });

  it("shows other failures (429) above the form", async () => {
    mockApi({
      "POST /api/v1/channels/oauth/start": () =>
        jsonResponse(429, { error: { code: "rate_limited", message: "Too many attempts." } }, { "Retry-After": "30" }),
    });
    renderWithClient(<MastodonForm option={mastodon()} />);
    await submit("mastodon.social");
    expect((await screen.findByTestId("connect-error")).textContent).toBe("Too many attempts. Try again in 30 seconds.");
  });

  it("is disabled with the reason when the server can't connect Mastodon", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<MastodonForm option={mastodon(false)} />);
    expect(screen.getByTestId("platform-unavailable-reason").textContent).toBe("Mastodon is switched off on this server.");
    expect((screen.getByRole("button", { name: "Continue" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText(LABEL) as HTMLInputElement).disabled).toBe(true);
    expect(fetch).not.toHaveBeenCalled();
  });
});
