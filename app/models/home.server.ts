import { sql } from "../../db/client.server";

export type LandingStats = {
  needs: number;
  results: number;
  experts: number;
  orgs: number;
  latestNeeds: { id: number; title: string; orgName: string; field: string | null; publishedAt: Date | null }[];
};

// What a public visitor may see: published (or matched, still readable) rows marked public.
// Counts only: no contact details, no drafts.
export async function getLandingStats(): Promise<LandingStats> {
  const [[counts], latestNeeds] = await Promise.all([
    sql<{ needs: number; results: number; experts: number; orgs: number }[]>`
      select
        (select count(*)::int from need where status in ('published', 'matched') and visibility = 'public') as needs,
        (select count(*)::int from result where status = 'published' and visibility = 'public') as results,
        (select count(*)::int from expert where status = 'published' and visibility = 'public') as experts,
        (select count(*)::int from organization) as orgs`,
    sql<{ id: number; title: string; org_name: string; field: string | null; published_at: Date | null }[]>`
      select n.id, n.title, coalesce(o.short_name, o.name) as org_name, n.field, n.published_at
      from need n join organization o on o.id = n.org_id
      where n.status in ('published', 'matched') and n.visibility = 'public'
      order by n.published_at desc nulls last, n.id desc
      limit 5`,
  ]);
  return {
    needs: counts.needs,
    results: counts.results,
    experts: counts.experts,
    orgs: counts.orgs,
    latestNeeds: latestNeeds.map((n) => ({
      id: n.id,
      title: n.title,
      orgName: n.org_name,
      field: n.field,
      publishedAt: n.published_at,
    })),
  };
}
