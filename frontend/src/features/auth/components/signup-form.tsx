"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { PasswordField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useRegister } from "../api/register";
import { applyServerError } from "@/lib/server-errors";
import { signupSchema, type SignupInput } from "../schemas";
import { withNext } from "./auth-links";
import { PasswordStrengthMeter } from "./password-strength-meter";

export function SignupForm() {
  const next = useSearchParams().get("next");
  const [formError, setFormError] = useState<string | null>(null);
  const registerAccount = useRegister();
  const { register, handleSubmit, setError, formState, watch } = useForm<SignupInput>({
    resolver: zodResolver(signupSchema),
    defaultValues: { email: "", password: "" },
  });
  const { errors } = formState;
  const password = watch("password");
  const email = watch("email");

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await registerAccount.mutateAsync(values);
      toast.success("Your account is ready. Welcome to LetsGrow!");
    } catch (error) {
      setFormError(applyServerError(error, setError, { email: "Email", password: "Password" }, { email_taken: "email" }));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {formError && (
        <Notice tone="error" live testId="form-error">
          {formError}
        </Notice>
      )}
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        autoFocus
        error={errors.email?.message}
        {...register("email")}
      />
      <PasswordField
        label="Password"
        autoComplete="new-password"
        error={errors.password?.message}
        hint={<PasswordStrengthMeter password={password} email={email} />}
        {...register("password")}
      />
      <Button type="submit" size="lg" className="w-full" loading={formState.isSubmitting}>
        Create account
      </Button>
      <p className="text-center text-sm text-muted">
        Already have an account?{" "}
        <Link href={withNext("/login/", next)} className="font-medium text-accent-text underline-offset-4 hover:underline">
          Log in
        </Link>
      </p>
    </form>
  );
}
