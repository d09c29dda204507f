-- An agent typing a surgery's name into the incident queue's search expects its incidents. The
-- search first looks the words up among the sites' names, through this index, and adds the
-- incidents of the sites it finds (by incident_site_idx) to those whose own words match: a lookup
-- of a few index pages, never a join of every incident to its site (docs/incidents.md, Search).
create index site_name_search_idx on site using gin (to_tsvector('english', name));
