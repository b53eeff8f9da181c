"use client";

import { useEffect, useId, useRef } from "react";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";

/**
 * The webhook's signing secret, shown once right after connecting: LetsGrow never
 * returns it again, so it lives only in this component's props until "Done".
 */
export function WebhookSecret({ secret, format, onDone }: { secret: string; format: string; onDone: () => void }) {
  const inputId = useId();
  const headingId = useId();
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast.success("Signing secret copied.");
    } catch {
      input.current?.select();
      toast.error("Couldn't copy automatically: the secret is selected, copy it with your keyboard.");
    }
  };

  return (
    <section aria-labelledby={headingId} className="space-y-4" data-testid="webhook-secret-panel">
      <div className="flex items-start gap-3 rounded-lg border border-warn-text/30 bg-warn-soft px-4 py-3 text-warn-text">
        <Icon name="key" className="mt-0.5 size-5 shrink-0" />
        <div className="space-y-1 text-sm">
          <h3 id={headingId} ref={heading} tabIndex={-1} className="font-semibold outline-none">
            Save the signing secret now
          </h3>
          <p>This is the only time LetsGrow shows it. If you lose it, disconnect the webhook and connect it again.</p>
        </div>
      </div>
      <div className="space-y-1.5">
        <label htmlFor={inputId} className="block text-sm font-medium text-fg">
          Signing secret
        </label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            id={inputId}
            ref={input}
            readOnly
            value={secret}
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
            className="block h-10 w-full min-w-0 rounded-lg border border-line bg-subtle px-3 font-mono text-sm text-fg"
            data-testid="webhook-secret"
          />
          <Button variant="secondary" onClick={copy} className="shrink-0">
            <Icon name="copy" className="size-4" />
            Copy secret
          </Button>
        </div>
      </div>
      <div className="space-y-2 text-sm text-muted">
        <p>
          Every request LetsGrow sends carries the header{" "}
          <code className="rounded bg-subtle px-1 py-0.5 font-mono text-xs break-all text-fg">
            X-LetsGrow-Signature: sha256=&lt;hex&gt;
          </code>
          , where <code className="font-mono text-xs text-fg">&lt;hex&gt;</code> is the HMAC-SHA256 of the raw request
          body keyed with this secret. Compute the same on your side and compare before trusting a request.
        </p>
        {format !== "generic" && (
          <p>
            {format === "discord" ? "Discord" : "Slack"} ignores this header, so you don&apos;t need the secret for this
            webhook; keep it in case you point LetsGrow at your own endpoint.
          </p>
        )}
      </div>
      <div className="flex justify-end">
        <Button onClick={onDone}>Done, I&apos;ve saved it</Button>
      </div>
    </section>
  );
}
