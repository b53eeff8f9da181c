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
import { useLogin } from "../api/login";
import { applyServerError } from "@/lib/server-errors";
import { loginSchema, type LoginInput } from "../schemas";
import { withNext } from "./auth-links";

export function LoginForm() {
  const next = useSearchParams().get("next");
  const [formError, setFormError] = useState<string | null>(null);
  const login = useLogin();
  const { register, handleSubmit, setError, formState } = useForm<LoginInput>({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: "", password: "" },
  });
  const { errors } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await login.mutateAsync(values);
      toast.success("Welcome back.");
    } catch (error) {
      setFormError(applyServerError(error, setError, { email: "Email", password: "Password" }));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-describedby={formError ? "login-error" : undefined}>
      {next && !formError && <Notice>Log in to continue to the page you opened.</Notice>}
      {formError && (
        <div id="login-error">
          <Notice tone="error" live testId="form-error">
            {formError}
          </Notice>
        </div>
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
        autoComplete="current-password"
        error={errors.password?.message}
        {...register("password")}
      />
      <Button type="submit" size="lg" className="w-full" loading={formState.isSubmitting}>
        Log in
      </Button>
      <p className="text-center text-sm text-muted">
        New to LetsGrow?{" "}
        <Link href={withNext("/signup/", next)} className="font-medium text-accent-text underline-offset-4 hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
