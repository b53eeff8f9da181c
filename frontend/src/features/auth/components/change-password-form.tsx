"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { CardBody, CardFooter } from "@/components/ui/card";
import { PasswordField } from "@/components/ui/field";
import { useChangePassword } from "../api/change-password";
import { applyServerError } from "@/lib/server-errors";
import { changePasswordSchema, type ChangePasswordInput } from "../schemas";
import { PasswordStrengthMeter } from "./password-strength-meter";

export function ChangePasswordForm({ email }: { email: string }) {
  const change = useChangePassword();
  const { register, handleSubmit, setError, formState, watch, reset } = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { current_password: "", new_password: "", confirm_password: "" },
  });
  const { errors } = formState;
  const newPassword = watch("new_password");

  const onSubmit = handleSubmit(async (values) => {
    try {
      await change.mutateAsync(values);
      reset();
      toast.success("Password changed. Your other sessions were logged out.");
    } catch (error) {
      const message = applyServerError(
        error,
        setError,
        { current_password: "Current password", new_password: "New password" },
        { invalid_credentials: "current_password" },
      );
      if (message) toast.error(message);
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      {/* Lets password managers tie the new password to the account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <CardBody className="grid gap-5 sm:max-w-md">
        <PasswordField
          label="Current password"
          autoComplete="current-password"
          error={errors.current_password?.message}
          {...register("current_password")}
        />
        <PasswordField
          label="New password"
          autoComplete="new-password"
          error={errors.new_password?.message}
          hint={<PasswordStrengthMeter password={newPassword} email={email} />}
          {...register("new_password")}
        />
        <PasswordField
          label="Confirm new password"
          autoComplete="new-password"
          error={errors.confirm_password?.message}
          {...register("confirm_password")}
        />
      </CardBody>
      <CardFooter>
        <Button type="submit" loading={formState.isSubmitting}>
          Change password
        </Button>
      </CardFooter>
    </form>
  );
}
