/** The CSV columns posts_import_csv reads (and posts_export_csv writes), for the import dialog. */
export const CSV_COLUMNS: ReadonlyArray<{ name: string; required: boolean; meaning: string }> = [
  { name: "channel", required: true, meaning: "The channel's id or its handle as shown on the Channels page." },
  { name: "text", required: true, meaning: "The post's text; quote it when it has commas or line breaks." },
  {
    name: "scheduled_at",
    required: true,
    meaning: "2026-12-01T10:00:00+01:00, or a local 2026-12-01 10:00 read in the row's time zone.",
  },
  { name: "timezone", required: false, meaning: "IANA zone for a local time (default: your account's zone)." },
  { name: "media_url", required: false, meaning: "An http(s) image URL, or /api/v1/media/<id> from your library." },
  { name: "alt_text", required: false, meaning: "Alt text for that image." },
  { name: "thread_id", required: false, meaning: "Rows sharing it become one thread." },
  { name: "thread_order", required: false, meaning: "With thread_id: the position in the thread, from 1." },
];

export const CSV_EXAMPLE = 'channel,text,scheduled_at,timezone\nalice.bsky.social,"Hello, world",2026-12-01 09:00,Europe/Berlin';
