// zod/mini, as in the other features.
import { z } from "zod/mini";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const mediaItem = z.object({
  id: z.string(),
  alt: z.string().check(z.maxLength(1500, "Alt text is at most 1,500 characters.")),
  url: z.string(),
  filename: z.string(),
});
export type MediaItem = z.infer<typeof mediaItem>;

const part = z
  .object({
    text: z.string().check(z.maxLength(100_000, "That text is too long.")),
    media: z.array(mediaItem).check(z.maxLength(20, "At most 20 images per part.")),
  })
  .check(
    z.refine((p) => p.text.trim() !== "" || p.media.length > 0, {
      path: ["text"],
      message: "Write something or add an image.",
    }),
  );
export type PartValues = z.infer<typeof part>;

const parts = z.array(part).check(z.minLength(1, "A post needs at least one part."), z.maxLength(25, "A thread has at most 25 parts."));

const variant = z.object({ channelId: z.string(), parts });
export type VariantValues = z.infer<typeof variant>;

/** The composer's form: the main content, the channels, and per-channel variants. */
export const composerSchema = z.object({
  channelIds: z.array(z.string()).check(z.minLength(1, "Pick at least one channel.")),
  parts,
  link: z
    .string()
    .check(
      z.trim(),
      z.maxLength(2048, "That link is too long."),
      z.refine((v) => v === "" || isHttpUrl(v), "Enter a full URL starting with https://, or leave it empty."),
    ),
  variants: z.array(variant),
});
export type ComposerValues = z.infer<typeof composerSchema>;

export const emptyPart = (): PartValues => ({ text: "", media: [] });
