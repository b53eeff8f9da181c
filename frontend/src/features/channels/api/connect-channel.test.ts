import { describe, expect, it } from "vitest";
import { connectBody } from "./connect-channel";

describe("connectBody", () => {
  it("sends only Bluesky's fields and leaves out an empty PDS URL", () => {
    expect(connectBody({ platform: "bluesky", identifier: " alice.test ", app_password: "abcd-efgh", service_url: " " })).toEqual({
      platform: "bluesky",
      identifier: "alice.test",
      app_password: "abcd-efgh",
    });
    expect(
      connectBody({ platform: "bluesky", identifier: "a", app_password: "b", service_url: "https://pds.example" }),
    ).toMatchObject({ service_url: "https://pds.example" });
  });

  it("sends a webhook's URL and format", () => {
    expect(connectBody({ platform: "webhook", url: "https://example.com/h", format: "slack" })).toEqual({
      platform: "webhook",
      url: "https://example.com/h",
      format: "slack",
    });
  });
});
