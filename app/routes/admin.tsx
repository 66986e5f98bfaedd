// The editors' area: articles and categories. Editors and admins only; every
// page below checks the role itself too (loaders run in parallel).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireRole } from "~/composition/session.server";

export const meta: MetaFunction = () => [{ title: "Publishing: Assay" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "editor");
  return json(null, { headers: { "Cache-Control": "private, no-store" } });
}

export default function AdminLayout() {
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
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
