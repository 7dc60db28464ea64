import type { ReactNode } from "react";

/** The centred card every sign-in screen sits in. */
export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <section className="auth-page">
      <div className="auth-card">
        <img className="auth-logo" src="/favicon.svg" alt="" width={40} height={40} />
        <h1>{title}</h1>
        {subtitle ? <p className="auth-subtitle muted">{subtitle}</p> : null}
        {children}
      </div>
      {footer ? <p className="auth-footer muted">{footer}</p> : null}
    </section>
  );
}
