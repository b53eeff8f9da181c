"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { PasswordField, TextField } from "@/components/ui/field";
import { useConnectChannel } from "../api/connect-channel";
import type { Channel } from "../api/types";
import { connectError } from "../lib/connect-errors";
import { blueskySchema, type BlueskyInput } from "../schemas";
import { FormError } from "./form-error";

const LABELS = { identifier: "Handle, DID or email", app_password: "App password", service_url: "PDS URL" } as const;

export function BlueskyForm({ onConnected, onCancel }: { onConnected: (channel: Channel) => void; onCancel?: () => void }) {
  const connect = useConnectChannel();
  const errorId = useId();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<BlueskyInput>({
    resolver: zodResolver(blueskySchema),
    defaultValues: { identifier: "", app_password: "", service_url: "" },
  });
  const { errors } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const { channel } = await connect.mutateAsync({ platform: "bluesky", ...values });
      toast.success(`Connected ${channel.handle} on Bluesky.`);
      onConnected(channel);
    } catch (error) {
      setFormError(connectError(error, setError, LABELS, { channel_exists: "identifier" }));
    }
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-5"
      aria-label="Connect Bluesky"
      aria-describedby={formError ? errorId : undefined}
      data-testid="bluesky-form"
    >
      <FormError id={errorId} message={formError} />
      <TextField
        label="Handle, DID or email"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="alice.bsky.social"
        hint="The account to publish as, for example alice.bsky.social."
        error={errors.identifier?.message}
        {...register("identifier")}
      />
      <PasswordField
        label="App password"
        autoComplete="off"
        spellCheck={false}
        hint={
          <>
            Create one in Bluesky under <strong className="font-medium text-fg">Settings → App passwords</strong>, then
            paste it here. Don&apos;t use your account password: an app password can be revoked on its own and
            LetsGrow stores it encrypted.
          </>
        }
        error={errors.app_password?.message}
        {...register("app_password")}
      />
      <TextField
        label="PDS URL (optional)"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://bsky.social"
        hint="Leave it empty for accounts on bsky.social. Fill it in for a self-hosted or other PDS."
        error={errors.service_url?.message}
        {...register("service_url")}
      />
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={formState.isSubmitting}>
          Connect Bluesky
        </Button>
      </div>
    </form>
  );
}
