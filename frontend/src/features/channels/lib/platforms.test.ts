import { describe, expect, it } from "vitest";
import { instanceOrigin } from "../schemas";
import { makePlatforms } from "../test-data";
import { channelKind, connectOptions, PLATFORMS, platformName } from "./platforms";

describe("platforms", () => {
  it("names every platform", () => {
    for (const p of makePlatforms()) expect(platformName(p.platform)).not.toBe(p.platform);
    expect(PLATFORMS.map((p) => p.name)).toEqual(["Bluesky", "Mastodon", "X", "LinkedIn", "Reddit", "Instagram", "Threads", "Webhook"]);
    expect(channelKind("linkedin", {})).toBe("LinkedIn");
    expect(channelKind("webhook", { format: "discord" })).toBe("Webhook · Discord");
  });

  it("lists what the server can connect first, keeps the reason of the rest, skips the unknown", () => {
    const options = connectOptions(makePlatforms({ x: { reason: "  " } }));
    expect(options.map((o) => `${o.id}:${o.available}`)).toEqual([
      "bluesky:true",
      "mastodon:true",
      "linkedin:true",
      "webhook:true",
      "x:false",
      "reddit:false",
      "instagram:false",
      "threads:false",
    ]);
    expect(options.find((o) => o.id === "x")?.reason).toBeNull();
    expect(options.find((o) => o.id === "reddit")?.reason).toBe(
      "Reddit is not configured on this server: set LETSGROW__PLATFORMS__REDDIT__CLIENT_ID and LETSGROW__PLATFORMS__REDDIT__CLIENT_SECRET.",
    );
    expect(connectOptions([{ platform: "x", connect: "carrier_pigeon", available: true, reason: null }])).toEqual([]);
    expect(connectOptions([{ platform: "linkedin", connect: "oauth2_pkce", available: true, reason: "ignored" }])).toEqual([
      expect.objectContaining({ id: "linkedin", connect: "oauth2_pkce", available: true, reason: null }),
    ]);
  });

  it("turns what people type for a Mastodon server into its origin", () => {
    expect(instanceOrigin("mastodon.social")).toBe("https://mastodon.social");
    expect(instanceOrigin(" https://fosstodon.org/@alice ")).toBe("https://fosstodon.org");
    expect(instanceOrigin("http://127.0.0.1:3000/")).toBe("http://127.0.0.1:3000");
    expect(instanceOrigin("")).toBeNull();
    expect(instanceOrigin("not a server")).toBeNull();
    expect(instanceOrigin("ftp://files.example")).toBeNull();
  });
});
