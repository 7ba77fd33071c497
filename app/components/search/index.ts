// The search page's parts. Imported as "~/components/search": the lint rule that keeps the
// top-level search/ folder out of browser code matches any ".../search/..." path.
export { ActiveFilters, FacetPanel, useFacetLabel } from "./facet-panel";
export { Highlighted, highlightParts } from "./highlight";
export { HitCard } from "./hit-card";
