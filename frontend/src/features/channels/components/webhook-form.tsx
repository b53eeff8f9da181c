"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { useConnectChannel } from "../api/connect-channel";
import { connectError } from "../lib/connect-errors";
import { FORMAT_LABELS } from "../lib/platforms";
import { WEBHOOK_FORMATS, webhookSchema, type WebhookInput } from "../schemas";
import { FormError } from "./form-error";
import { WebhookSecret } from "./webhook-secret";

const LABELS = { url: "Webhook URL", format: "Format" } as const;

const FORMAT_HINTS: Readonly<Record<string, string>> = {
  generic: "LetsGrow POSTs each post as JSON (post_id, channel_id, text, scheduled_at, media), signed with a secret.",
  discord: "Paste a Discord channel's incoming-webhook URL (Channel settings → Integrations → Webhooks).",
  slack: "Paste a Slack incoming-webhook URL (from a Slack app with Incoming Webhooks turned on).",
};

interface Shown {
  secret: string;
  format: string;
}

/**
 * Connect a webhook; on success the signing secret replaces the form until "Done"
 * (it is kept in this component's state only, never in the query cache).
 */
export function WebhookForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const connect = useConnectChannel();
  const errorId = useId();
  const [formError, setFormError] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const { register, handleSubmit, setError, formState, watch, reset } = useForm<WebhookInput>({
    resolver: zodResolver(webhookSchema),
    defaultValues: { url: "", format: "generic" },
  });
  const { errors } = formState;
  const format = watch("format");

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const { channel, webhook_secret } = await connect.mutateAsync({ platform: "webhook", ...values });
      toast.success(`Connected the webhook ${channel.handle}.`);
      reset();
      if (webhook_secret) setShown({ secret: webhook_secret, format: values.format });
      else onDone();
    } catch (error) {
      setFormError(connectError(error, setError, LABELS, { channel_exists: "url" }));
    }
  });

  if (shown) {
    return (
      <WebhookSecret
        secret={shown.secret}
        format={shown.format}
        onDone={() => {
          setShown(null);
          onDone();
        }}
      />
    );
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-5"
      aria-label="Connect a webhook"
      aria-describedby={formError ? errorId : undefined}
      data-testid="webhook-form"
    >
      <FormError id={errorId} message={formError} />
      <TextField
        label="Webhook URL"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://example.com/hooks/letsgrow"
        hint="LetsGrow sends a POST request to this address for every post."
        error={errors.url?.message}
        {...register("url")}
      />
      <SelectField label="Format" hint={FORMAT_HINTS[format]} error={errors.format?.message} {...register("format")}>
        {WEBHOOK_FORMATS.map((f) => (
          <option key={f} value={f}>
            {f === "generic" ? "Generic JSON" : `${FORMAT_LABELS[f]} incoming webhook`}
          </option>
        ))}
      </SelectField>
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={formState.isSubmitting}>
          Connect webhook
        </Button>
      </div>
    </form>
  );
}
