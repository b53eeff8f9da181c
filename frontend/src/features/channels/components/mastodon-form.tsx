"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm, type UseFormSetError } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { useStartOAuth } from "../api/start-oauth";
import { connectError } from "../lib/connect-errors";
import { sentence } from "../lib/health";
import type { ConnectOption } from "../lib/platforms";
import { instanceOrigin, mastodonSchema, type MastodonInput } from "../schemas";
import { FormError } from "./form-error";
import { UnavailableReason } from "./unavailable-reason";

const LABELS = { instance_url: "Mastodon server" } as const;

/**
 * Mastodon: which server the account is on, then off to that server to approve
 * LetsGrow. An unreachable server (502 `platform_unavailable`) is shown on the field.
 */
export function MastodonForm({ option, onCancel }: { option: ConnectOption; onCancel?: () => void }) {
  const start = useStartOAuth();
  const explainId = useId();
  const reasonId = useId();
  const errorId = useId();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<MastodonInput>({
    resolver: zodResolver(mastodonSchema),
    defaultValues: { instance_url: "" },
  });
  const { errors } = formState;
  const busy = formState.isSubmitting || start.isSuccess;

  // Server messages can be fragments ("could not reach …"): make every one a sentence.
  const setServerError: UseFormSetError<MastodonInput> = (name, error, options) =>
    setError(name, { ...error, message: error.message ? sentence(error.message) : error.message }, options);

  const onSubmit = handleSubmit(async ({ instance_url }) => {
    setFormError(null);
    try {
      await start.mutateAsync({ platform: "mastodon", instance_url: instanceOrigin(instance_url) ?? instance_url.trim() });
    } catch (error) {
      setFormError(connectError(error, setServerError, LABELS, { platform_unavailable: "instance_url" }));
    }
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-5"
      aria-label="Connect Mastodon"
      aria-describedby={[explainId, formError ? errorId : null].filter(Boolean).join(" ")}
      data-testid="mastodon-form"
    >
      <p id={explainId} className="text-sm text-fg">
        You&apos;ll approve LetsGrow on your Mastodon server and come back here. LetsGrow never sees your Mastodon
        password.
      </p>
      {!option.available && <UnavailableReason id={reasonId} option={option} />}
      <FormError id={errorId} message={formError} />
      <TextField
        label="Mastodon server"
        inputMode="url"
        autoComplete="url"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="mastodon.social"
        hint="The server your account is on: for @alice@mastodon.social, that is mastodon.social."
        disabled={!option.available}
        error={errors.instance_url?.message}
        {...register("instance_url")}
      />
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button
          type="submit"
          disabled={!option.available}
          loading={busy}
          aria-describedby={option.available ? undefined : reasonId}
        >
          Continue
        </Button>
      </div>
    </form>
  );
}
