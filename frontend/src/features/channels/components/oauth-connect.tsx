"use client";

import { useId, useState } from "react";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { useStartOAuth } from "../api/start-oauth";
import type { ConnectOption } from "../lib/platforms";
import { FormError } from "./form-error";
import { UnavailableReason } from "./unavailable-reason";

/**
 * "Continue with <platform>" for the OAuth platforms that need nothing typed first
 * (X, LinkedIn, Reddit, Instagram, Threads). Disabled, with the server's reason, when
 * this server has no app credentials for the platform.
 */
export function OAuthConnect({ option, onCancel }: { option: ConnectOption; onCancel?: () => void }) {
  const start = useStartOAuth();
  const explainId = useId();
  const reasonId = useId();
  const errorId = useId();
  const [error, setError] = useState<string | null>(null);
  // After a successful start the browser is on its way to the platform: stay busy.
  const busy = start.isPending || start.isSuccess;

  const onContinue = async () => {
    setError(null);
    try {
      await start.mutateAsync({ platform: option.id });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="space-y-4" data-testid="oauth-connect" data-platform={option.id}>
      <p id={explainId} className="text-sm text-fg">
        You&apos;ll approve LetsGrow on {option.name} and come back here. LetsGrow never sees your {option.name}{" "}
        password; you can revoke its access on {option.name} at any time.
      </p>
      {!option.available && <UnavailableReason id={reasonId} option={option} />}
      <FormError id={errorId} message={error} />
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button
          onClick={onContinue}
          disabled={!option.available}
          loading={busy}
          aria-describedby={[explainId, option.available ? null : reasonId, error ? errorId : null].filter(Boolean).join(" ")}
        >
          Continue with {option.name}
        </Button>
      </div>
    </div>
  );
}
