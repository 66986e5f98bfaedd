import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { DATABASE_UNAVAILABLE_TEXT, DATABASE_UNAVAILABLE_TITLE } from "./lib/database-unavailable";
import { getCurrentUser, sessionCookieUpdate } from "./composition/session.server";
import { listCategories } from "./models/categories.server";
import { countUnreadNotifications } from "./models/notifications.server";
import { hasRole, type Role } from "./lib/roles";
import { isEmbedMatch } from "./lib/embed-route";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/styles/assay.css" },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Assay" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [categories, user, cookie] = await Promise.all([
    listCategories(context.db),
    getCurrentUser(request, context),
    // Sliding sessions: the cookie again when Lucia extended the session; a blank one when it is over.
    sessionCookieUpdate(request, context),
  ]);
  // The header's badge (members only: a guest's header is the same for all, and cached).
  const unread = user ? await countUnreadNotifications(context.db, user.id) : 0;
  return json(
    { categories, user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null, unreadNotifications: unread },
    cookie ? { headers: { "Set-Cookie": cookie } } : undefined,
  );
}

/** Log in / Sign up for a guest; the member's name (to /account) and Log out otherwise. */
function AccountNav({ user, unread }: { user: { id: number; displayName: string; role: Role } | null; unread: number }) {
  const location = useLocation();
  const here = `${location.pathname}${location.search}`;
  const onAccountPage = ["/login", "/signup", "/forgot-password", "/reset-password", "/verify-email"].includes(location.pathname);
  if (!user) {
    return (
      <div className="site-account">
        <Link to={onAccountPage || here === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(here)}`}>Log in</Link>
        <Link to="/signup">Sign up</Link>
      </div>
    );
  }
  // A <div>, not a <p>: a <form> inside a <p> makes the HTML parser close the <p> early, so the
  // browser's DOM would differ from React's tree and every logged-in page would fail to hydrate.
  return (
    <div className="site-account">
      {hasRole(user.role, "editor") ? <Link to="/admin/articles">Publishing</Link> : null}
      <Link to="/following">Following</Link>
      {/* A full load: the badge (root data) is read afresh. */}
      <Link to="/notifications" reloadDocument className="site-account__notifications" aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}>
        Notifications{unread ? <span className="badge badge--count" aria-hidden="true">{unread > 99 ? "99+" : unread}</span> : null}
      </Link>
      <Link to="/account" aria-label={`Your account (${user.displayName})`}>
        {user.displayName}
      </Link>
      <Form method="post" action="/logout">
        <input type="hidden" name="redirectTo" value={location.pathname === "/account" ? "/" : here} />
        <button type="submit" className="link-button">
          Log out
        </button>
      </Form>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const matches = useMatches();
  if (isEmbedMatch(matches)) {
    // The embed, inside a news site's page: the thread and its form alone, no site
    // chrome, and no Remix scripts (its form is plain HTML; its one script is its own).
    return (
      <html lang="en" className="embed">
        <head>
          <meta charSet="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <Meta />
          <Links />
        </head>
        <body className="embed">
          <main id="main" className="embed-main">
            {children}
          </main>
        </body>
      </html>
    );
  }
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
            <AccountNav user={data?.user ?? null} unread={data?.unreadNotifications ?? 0} />
            {data?.categories?.length ? (
              <nav aria-label="Categories" className="site-nav">
                <ul>
                  {data.categories.map((category) => (
                    <li key={category.slug}>
                      <Link to={`/categories/${category.slug}`}>{category.name}</Link>
                    </li>
                  ))}
                  <li>
                    <Link to="/categories">All categories</Link>
                  </li>
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
  if (isRouteErrorResponse(error) && error.status === 503) {
    return (
      <section className="error-page">
        <h1>{DATABASE_UNAVAILABLE_TITLE}</h1>
        <p>{DATABASE_UNAVAILABLE_TEXT}</p>
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
