import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { makeChannel } from "../test-data";
import { HealthBadge } from "./health-badge";

const now = new Date("2026-11-27T12:00:00Z");

function badge() {
  return screen.getByTestId("channel-health");
}

describe("HealthBadge", () => {
  it("says OK with no message for a healthy channel", () => {
    render(<HealthBadge channel={makeChannel()} timeZone="UTC" now={now} />);
    expect(badge().textContent).toBe("Status: OK");
    expect(screen.queryByTestId("channel-health-detail")).toBeNull();
  });

  it("says a channel needs reconnecting, with the platform's message", () => {
    render(
      <HealthBadge
        channel={makeChannel({ status: "needs_reconnect", status_message: "the session was revoked" })}
        timeZone="UTC"
        now={now}
      />,
    );
    expect(badge().textContent).toBe("Status: Needs reconnect");
    expect(screen.getByTestId("channel-health-detail").textContent).toBe("The session was revoked.");
  });

  it("says until when a rate limit ends, in local time", () => {
    render(
      <HealthBadge
        channel={makeChannel({
          status: "rate_limited",
          rate_limited_until: "2026-11-27T13:05:00Z",
          status_message: "rate limited by the platform",
        })}
        timeZone="UTC"
        now={now}
      />,
    );
    expect(badge().textContent).toMatch(/^Status: Rate-limited until 1:05\sPM$/);
  });

  it("adds the date when the rate limit ends on another day", () => {
    render(
      <HealthBadge
        channel={makeChannel({ status: "rate_limited", rate_limited_until: "2026-11-28T08:00:00Z" })}
        timeZone="Asia/Tokyo"
        now={now}
      />,
    );
    expect(badge().textContent).toMatch(/Rate-limited until Nov 28, 2026,? 5:00\sPM$/);
  });

  it("shows the platform's message for an error", () => {
    render(
      <HealthBadge
        channel={makeChannel({ status: "error", status_message: "temporary failure: the webhook request failed" })}
        timeZone="UTC"
        now={now}
      />,
    );
    expect(badge().textContent).toBe("Status: Error");
    expect(screen.getByTestId("channel-health-detail").textContent).toBe(
      "Temporary failure: the webhook request failed.",
    );
  });

  it("still explains an error without a message", () => {
    render(<HealthBadge channel={makeChannel({ status: "error" })} timeZone="UTC" now={now} />);
    expect(screen.getByTestId("channel-health-detail").textContent).toBe("The last check failed.");
  });
});
