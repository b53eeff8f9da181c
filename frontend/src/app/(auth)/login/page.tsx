import type { Metadata } from "next";
import { Suspense } from "react";
import { PageLoader } from "@/components/ui/spinner";
import { LoginForm } from "@/features/auth/components/login-form";

export const metadata: Metadata = { title: "Log in" };

export default function LoginPage() {
  return (
    <>
      <div className="mb-8 space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight text-fg">Log in</h1>
        <p className="text-sm text-muted">Welcome back. Enter your email and password.</p>
      </div>
      <Suspense fallback={<PageLoader />}>
        <LoginForm />
      </Suspense>
    </>
  );
}
