import { Link, useLocation } from "react-router";

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className="page">
      <div className="card empty">
        <h1>Nothing here</h1>
        <p>
          There is no page at <code>{pathname}</code>. <Link to="/">Go home</Link>
        </p>
      </div>
    </section>
  );
}
