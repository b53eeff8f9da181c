import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makePlatforms } from "../test-data";
import { ConnectPanel } from "./connect-panel";

vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const AUTHORIZE = "https://www.linkedin.com/oauth/v2/authorization?response_type=code&client_id=abc&state=s1";

function stubLocation() {
  const assign = vi.fn();
  vi.stubGlobal("location", { ...window.location, assign });
  return assign;
}

function radio(name: string): HTMLInputElement {
  return screen.getByRole("radio", { name }) as HTMLInputElement;
}

function describedText(element: HTMLElement): string {
  return (element.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" ");
}

describe("ConnectPanel", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("offers every platform the server lists, connectable ones first, Bluesky chosen", async () => {
    mockApi({ "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()) });
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    const group = await screen.findByRole("group", { name: "Platform" });
    const labels = within(group).getAllByRole("radio").map((r) => (r as HTMLInputElement).value);
    expect(labels).toEqual(["bluesky", "mastodon", "linkedin", "webhook", "x", "reddit", "instagram", "threads"]);
    expect(radio("Bluesky").checked).toBe(true);
    expect(screen.getByTestId("bluesky-form")).toBeTruthy();
    // The ones this server can't connect say so on the chooser, and are still choosable.
    for (const name of ["X", "Reddit", "Instagram", "Threads"]) {
      expect(radio(name).closest("label")?.textContent).toContain("Not available");
      expect(radio(name).disabled).toBe(false);
    }
    for (const name of ["Bluesky", "Mastodon", "LinkedIn", "Webhook"]) {
      expect(radio(name).closest("label")?.textContent).not.toContain("Not available");
    }
  });

  it("enables Continue with LinkedIn and says what will happen", async () => {
    mockApi({ "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()) });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("radio", { name: "LinkedIn" }));
    const button = screen.getByRole("button", { name: "Continue with LinkedIn" }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(describedText(button)).toContain("You'll approve LetsGrow on LinkedIn and come back here.");
    expect(screen.queryByTestId("platform-unavailable")).toBeNull();
  });

  it("shows a platform the server isn't configured for as disabled, with the server's reason", async () => {
    const { calls } = mockApi({ "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()) });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("radio", { name: "X" }));
    const button = screen.getByRole("button", { name: "Continue with X" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    const reason =
      "X is not configured on this server: set LETSGROW__PLATFORMS__X__CLIENT_ID and LETSGROW__PLATFORMS__X__CLIENT_SECRET.";
    expect(screen.getByTestId("platform-unavailable-reason").textContent).toBe(reason);
    expect(screen.getByTestId("platform-unavailable").textContent).toContain("X isn't available on this server.");
    expect(describedText(button)).toContain(reason);
    await user.click(button);
    expect(calls.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("starts the OAuth flow and sends the browser to the platform", async () => {
    const assign = stubLocation();
    const { calls } = mockApi({
      "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()),
      "POST /api/v1/channels/oauth/start": () => jsonResponse(200, { authorize_url: AUTHORIZE }),
    });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("radio", { name: "LinkedIn" }));
    const button = screen.getByRole("button", { name: "Continue with LinkedIn" }) as HTMLButtonElement;
    await user.click(button);
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith(AUTHORIZE));
    const post = calls.find((r) => r.method === "POST");
    expect(post?.headers.get("authorization")).toBe("Bearer t");
    expect(await post?.json()).toEqual({ platform: "linkedin" });
    // On its way to the platform: no second click.
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
  });

  it("shows a failed start on the page and stays put", async () => {
    const assign = stubLocation();
    mockApi({
      "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()),
      "POST /api/v1/channels/oauth/start": () =>
        jsonResponse(422, {
          error: {
            code: "validation_failed",
            message: "LinkedIn is not configured on this server.",
            details: { fields: { platform: "LinkedIn is not configured on this server." } },
          },
        }),
    });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("radio", { name: "LinkedIn" }));
    await user.click(screen.getByRole("button", { name: "Continue with LinkedIn" }));
    const notice = await screen.findByTestId("connect-error");
    expect(notice.textContent).toBe("LinkedIn is not configured on this server.");
    expect(notice.getAttribute("aria-live")).toBe("assertive");
    expect(assign).not.toHaveBeenCalled();
    expect((screen.getByRole("button", { name: "Continue with LinkedIn" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("never follows an authorization address that isn't http(s)", async () => {
    const assign = stubLocation();
    mockApi({
      "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()),
      "POST /api/v1/channels/oauth/start": () => jsonResponse(200, { authorize_url: "javascript:alert(1)" }),
    });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    await user.click(await screen.findByRole("radio", { name: "LinkedIn" }));
    await user.click(screen.getByRole("button", { name: "Continue with LinkedIn" }));
    expect((await screen.findByTestId("connect-error")).textContent).toContain("won't open");
    expect(assign).not.toHaveBeenCalled();
  });

  it("still offers Bluesky and webhooks when the platform list can't be loaded", async () => {
    let fail = true;
    mockApi({
      "GET /api/v1/channels/platforms": () =>
        fail
          ? jsonResponse(503, { error: { code: "unavailable", message: "The server is starting." } })
          : jsonResponse(200, makePlatforms()),
    });
    const user = userEvent.setup();
    renderWithClient(<ConnectPanel id="p" onClose={vi.fn()} />);
    const notice = await screen.findByTestId("platforms-error");
    expect(notice.textContent).toContain("The server is starting.");
    expect(screen.getAllByRole("radio").map((r) => (r as HTMLInputElement).value)).toEqual(["bluesky", "webhook"]);
    expect(radio("Bluesky").checked).toBe(true);

    fail = false;
    await user.click(within(notice).getByRole("button", { name: "Try again" }));
    await vi.waitFor(() => expect(screen.getAllByRole("radio")).toHaveLength(8));
    expect(screen.queryByTestId("platforms-error")).toBeNull();
  });
});
