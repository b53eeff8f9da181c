import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SetupChecklist } from "./setup-checklist";

function channelStep() {
  const item = screen.getByText("Connect a channel", { selector: "p" }).closest("li");
  if (!item) throw new Error("no channel step");
  return item;
}

describe("SetupChecklist", () => {
  it("asks to connect a channel when there is none", () => {
    render(<SetupChecklist timezone="UTC" timezoneConfirmed channels={{ connected: 0, needReconnect: 0 }} posts={0} />);
    const link = within(channelStep()).getByRole("link", { name: "Connect" });
    expect(link.getAttribute("href")).toMatch(/^\/channels\/?$/);
    expect(screen.getByText("2 of 4 steps done")).toBeTruthy();
    expect(within(channelStep()).queryByText("Coming later")).toBeNull();
  });

  it("counts connected channels as done", () => {
    render(<SetupChecklist timezone="UTC" timezoneConfirmed channels={{ connected: 2, needReconnect: 0 }} posts={0} />);
    expect(within(channelStep()).getByText("2 channels connected.")).toBeTruthy();
    expect(within(channelStep()).getByLabelText("Done")).toBeTruthy();
    expect(screen.getByText("3 of 4 steps done")).toBeTruthy();
  });

  it("asks to reconnect a broken channel", () => {
    render(<SetupChecklist timezone="UTC" timezoneConfirmed channels={{ connected: 1, needReconnect: 1 }} posts={0} />);
    expect(within(channelStep()).getByRole("link", { name: "Reconnect" })).toBeTruthy();
    expect(screen.getByText("2 of 4 steps done")).toBeTruthy();
  });

  it("asks for a first post, then counts it as done and links to the queue", () => {
    const { rerender } = render(<SetupChecklist timezone="UTC" timezoneConfirmed channels={{ connected: 1, needReconnect: 0 }} posts={0} />);
    const postStep = () => screen.getByText("Schedule your first post", { selector: "p" }).closest("li")!;
    expect(within(postStep()).getByRole("link", { name: "Write a post" }).getAttribute("href")).toMatch(/^\/compose\/?$/);
    expect(screen.getByText("3 of 4 steps done")).toBeTruthy();
    rerender(<SetupChecklist timezone="UTC" timezoneConfirmed channels={{ connected: 1, needReconnect: 0 }} posts={1} />);
    expect(within(postStep()).getByLabelText("Done")).toBeTruthy();
    expect(within(postStep()).getByRole("link", { name: "Open queue" }).getAttribute("href")).toMatch(/^\/queue\/?$/);
    expect(screen.getByText("4 of 4 steps done")).toBeTruthy();
    expect(screen.queryByText("Coming later")).toBeNull();
  });
});
