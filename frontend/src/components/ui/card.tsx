import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

export function Card({ children, className, as: Tag = "section", labelledBy }: {
  children: ReactNode;
  className?: string;
  as?: "section" | "div";
  labelledBy?: string;
}) {
  return (
    <Tag aria-labelledby={labelledBy} className={cn("rounded-xl border border-line bg-surface shadow-xs", className)}>
      {children}
    </Tag>
  );
}

export function CardHeader({ id, title, description, action }: {
  id?: string;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 border-b border-line px-5 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
      <div className="space-y-1">
        <h2 id={id} className="text-base font-semibold text-fg">
          {title}
        </h2>
        {description && <p className="text-sm text-muted">{description}</p>}
      </div>
      {action}
    </div>
  );
}

export function CardBody({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cn("px-5 py-5 sm:px-6", className)}>{children}</div>;
}

export function CardFooter({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div className={cn("flex flex-wrap items-center justify-end gap-3 border-t border-line bg-subtle/60 px-5 py-3 sm:px-6 rounded-b-xl", className)}>
      {children}
    </div>
  );
}
