// The editors' area: articles and categories (and, for administrators, labels).
// Editors and admins only; every page below checks the role itself too (loaders
// run in parallel).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/composition/session.server";

export const meta: MetaFunction = () => [{ title: "Publishing: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "editor");
  return json({ admin: user.role === "admin" }, { headers: { "Cache-Control": "private, no-store" } });
}

export default function AdminLayout() {
  const { admin } = useLoaderData<typeof loader>();
  return (
    <div className="moderation">
      <nav aria-label="Publishing" className="moderation-nav">
        <ul>
          <li>
            <NavLink to="/admin/articles" end>
              Articles
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/articles/new">New article</NavLink>
          </li>
          <li>
            <NavLink to="/admin/categories">Categories</NavLink>
          </li>
          <li>
            <NavLink to="/admin/tickers">Tickers</NavLink>
          </li>
          <li>
            <NavLink to="/admin/embedding">Embedding</NavLink>
          </li>
          {admin ? (
            <li>
              <NavLink to="/admin/labels">Labels</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
