import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { listCategories } from "./models/categories.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/styles/assay.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Assay" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ categories: await listCategories(context.db) });
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <Link to="/" className="site-title">
              Assay
            </Link>
            <p className="site-tagline">Rare earth news, and the investors who discuss it</p>
            {data?.categories?.length ? (
              <nav aria-label="Categories" className="site-nav">
                <ul>
                  {data.categories.map((category) => (
                    <li key={category.slug}>
                      <Link to={`/categories/${category.slug}`}>{category.name}</Link>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
          </div>
        </header>
        <main id="main" className="site-main">
          {children}
        </main>
        <footer className="site-footer">
          <p>Assay, an open-source forum for investors. Comments are moderated.</p>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="error-page">
        <h1>Page not found</h1>
        <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
        <p>
          <Link to="/">Go to the latest articles</Link>
        </p>
      </section>
    );
  }
  if (isRouteErrorResponse(error)) {
    return (
      <section className="error-page">
        <h1>
          {error.status} {error.statusText}
        </h1>
        <p>{typeof error.data === "string" ? error.data : "The request could not be completed."}</p>
      </section>
    );
  }
  // The details of an unexpected error stay in the server log; Remix strips the
  // stack in production, and we show none of it either way.
  return (
    <section className="error-page">
      <h1>Something went wrong</h1>
      <p>An unexpected error stopped this page. It has been logged; please try again in a moment.</p>
      <p>
        <Link to="/">Go to the latest articles</Link>
      </p>
    </section>
  );
}
