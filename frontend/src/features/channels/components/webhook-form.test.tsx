import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { channelKeys } from "../api/keys";
import { makeChannel } from "../test-data";
import { WebhookForm } from "./webhook-form";

vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const SECRET = "05a2b5161a54806f5cbcd3ce7a4a60fb0de34dcec35e77e7d8af1bbe08dbcffd";
const webhook = makeChannel({
  id: "0190a1b2-0000-7000-8000-00000000000w",
  platform: "webhook",
  handle: "hooks.example.com (generic)",
  base_url: "https://hooks.example.com/…",
  external_id: "da3d22fb",
  last_checked_at: null,
  settings: { format: "generic" },
});

function errorOf(label: string): string | null {
  const input = screen.getByLabelText(label);
  if (input.getAttribute("aria-invalid") !== "true") return null;
  return document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent ?? null;
}

async function connect(url: string, format?: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Webhook URL"), url);
  if (format) await user.selectOptions(screen.getByLabelText("Format"), format);
  await user.click(screen.getByRole("button", { name: "Connect webhook" }));
  return user;
}

describe("WebhookForm", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows the signing secret once, then forgets it", async () => {
    const { calls } = mockApi({
      "POST /api/v1/channels": () => jsonResponse(201, { channel: webhook, webhook_secret: SECRET }),
    });
    const onDone = vi.fn();
    const { queryClient } = renderWithClient(<WebhookForm onDone={onDone} />);
    const user = await connect("https://hooks.example.com/letsgrow");

    const secret = await screen.findByTestId("webhook-secret");
    expect((secret as HTMLInputElement).value).toBe(SECRET);
    expect((secret as HTMLInputElement).readOnly).toBe(true);
    expect(screen.getByText(/only time LetsGrow shows it/)).toBeTruthy();
    expect(screen.getByTestId("webhook-secret-panel").textContent).toContain("X-LetsGrow-Signature: sha256=<hex>");
    expect(screen.getByTestId("webhook-secret-panel").textContent).toContain("HMAC-SHA256 of the raw request body");
    expect(screen.getByRole("button", { name: "Copy secret" })).toBeTruthy();
    expect(await calls[0]?.json()).toEqual({ platform: "webhook", url: "https://hooks.example.com/letsgrow", format: "generic" });

    // The channel goes into the list cache; the secret does not.
    const cached = queryClient.getQueryData(channelKeys.list());
    expect(cached).toEqual([webhook]);
    expect(JSON.stringify(queryClient.getQueryCache().getAll().map((q) => q.state.data))).not.toContain(SECRET);

    await user.click(screen.getByRole("button", { name: "Done, I've saved it" }));
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    // Back to an empty form: nothing brings the secret back.
    expect((screen.getByLabelText("Webhook URL") as HTMLInputElement).value).toBe("");
  });

  it("copies the secret to the clipboard", async () => {
    mockApi({ "POST /api/v1/channels": () => jsonResponse(201, { channel: webhook, webhook_secret: SECRET }) });
    renderWithClient(<WebhookForm onDone={vi.fn()} />);
    const user = await connect("https://hooks.example.com/letsgrow");
    await screen.findByTestId("webhook-secret");
    // user-event installs its own clipboard stub; spy on it after setup.
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    await user.click(screen.getByRole("button", { name: "Copy secret" }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
  });

  it("says Discord ignores the signature", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(201, { channel: { ...webhook, settings: { format: "discord" } }, webhook_secret: SECRET }),
    });
    renderWithClient(<WebhookForm onDone={vi.fn()} />);
    await connect("https://discord.com/api/webhooks/1/abc", "discord");
    await screen.findByTestId("webhook-secret");
    expect(screen.getByTestId("webhook-secret-panel").textContent).toContain("Discord ignores this header");
  });

  it("puts the server's URL error on the URL field", async () => {
    mockApi({
      "POST /api/v1/channels": () =>
        jsonResponse(422, {
          error: {
            code: "platform_rejected",
            message: "This URL points to a private address.",
            details: { fields: { url: "This URL points to a private address (10.0.0.5), which LetsGrow refuses." } },
          },
        }),
    });
    renderWithClient(<WebhookForm onDone={vi.fn()} />);
    await connect("http://10.0.0.5/hook");
    await vi.waitFor(() =>
      expect(errorOf("Webhook URL")).toBe("This URL points to a private address (10.0.0.5), which LetsGrow refuses."),
    );
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
  });

  it("puts a format error on the format field and a duplicate on the URL", async () => {
    let answer = jsonResponse(422, {
      error: { code: "validation_failed", message: "One field is invalid.", details: { fields: { format: "must be generic, discord or slack" } } },
    });
    mockApi({ "POST /api/v1/channels": () => answer });
    renderWithClient(<WebhookForm onDone={vi.fn()} />);
    const user = await connect("https://hooks.example.com/a");
    await vi.waitFor(() => expect(errorOf("Format")).toBe("Format must be generic, discord or slack."));

    answer = jsonResponse(409, { error: { code: "channel_exists", message: "This account is already connected as a channel." } });
    await user.click(screen.getByRole("button", { name: "Connect webhook" }));
    await vi.waitFor(() => expect(errorOf("Webhook URL")).toBe("This account is already connected as a channel."));
  });

  it("refuses a URL without a scheme locally", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<WebhookForm onDone={vi.fn()} />);
    await connect("hooks.example.com/a");
    await vi.waitFor(() => expect(errorOf("Webhook URL")).toContain("full URL"));
    expect(fetch).not.toHaveBeenCalled();
  });
});
