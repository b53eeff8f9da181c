import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeChannel } from "../test-data";
import { ChannelName, nameProblem } from "./channel-name";

vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const hook = makeChannel({ id: "c1", platform: "webhook", handle: "127.0.0.1 (generic)", account_handle: "127.0.0.1 (generic)" });

describe("ChannelName", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("renames inline and sends the trimmed name", async () => {
    const sent: unknown[] = [];
    mockApi({
      "PATCH /api/v1/channels/c1": async (r) => {
        const body = (await r.json()) as { name: string };
        sent.push(body);
        return jsonResponse(200, { ...hook, handle: body.name });
      },
      "GET /api/v1/channels": () => jsonResponse(200, [hook]),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelName channel={hook} headingId="h" />);
    await user.click(screen.getByRole("button", { name: "Rename 127.0.0.1 (generic)" }));
    const field = screen.getByLabelText("Channel name");
    await user.clear(field);
    await user.type(field, "  Team hook {Enter}");
    await vi.waitFor(() => expect(sent).toEqual([{ name: "Team hook" }]));
  });

  it("says under the field when another channel has the name", async () => {
    mockApi({
      "PATCH /api/v1/channels/c1": () =>
        jsonResponse(409, { error: { code: "channel_name_taken", message: "Another of your channels is already called “Team”. Pick another name.", details: {} } }),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelName channel={hook} headingId="h" />);
    await user.click(screen.getByRole("button", { name: /^Rename/ }));
    const field = screen.getByLabelText("Channel name");
    await user.clear(field);
    await user.type(field, "team{Enter}");
    expect(await screen.findByText("Another of your channels is already called “Team”. Pick another name.")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    await user.keyboard("{Escape}");
    expect(screen.getByRole("heading", { name: "127.0.0.1 (generic)" })).toBeTruthy();
  });

  it("refuses names over the server's limit before sending", () => {
    expect(nameProblem("x".repeat(101))).toMatch(/at most 100/);
    expect(nameProblem("  fine  ")).toBeNull();
  });
});
